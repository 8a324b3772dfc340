/** Report order of rows: chunking, then contender (references first), then mode. */
import { MODES } from '../contenders/types.ts';
import type { Measurement } from '../results.ts';

export const SERIES = ['whole', '64k', '8k', 'tcp'] as const;
const CONTENDER_ORDER = ['memcpy', 'pg-protocol'];

export function contenderRank(name: string): number {
  const i = CONTENDER_ORDER.indexOf(name);
  return i >= 0 ? i : CONTENDER_ORDER.length;
}

export function modeRank(mode: string): number {
  return mode === 'all' ? -1 : MODES.indexOf(mode as never);
}

export function byReportOrder(a: Measurement, b: Measurement): number {
  return (
    SERIES.indexOf(a.chunking) - SERIES.indexOf(b.chunking) ||
    contenderRank(a.contender) - contenderRank(b.contender) ||
    a.contender.localeCompare(b.contender) ||
    modeRank(a.mode) - modeRank(b.mode)
  );
}

/** The variants (contender + mode) of a workload's measurements, in report order. */
export function variants(ms: readonly Measurement[]): { contender: string; mode: string }[] {
  const seen = new Map<string, { contender: string; mode: string }>();
  for (const m of [...ms].sort(byReportOrder)) {
    const k = `${m.contender}|${m.mode}`;
    if (!seen.has(k)) seen.set(k, { contender: m.contender, mode: m.mode });
  }
  return [...seen.values()].sort(
    (a, b) => contenderRank(a.contender) - contenderRank(b.contender) || a.contender.localeCompare(b.contender) || modeRank(a.mode) - modeRank(b.mode),
  );
}
