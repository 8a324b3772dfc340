/**
 * The targets of issue 12, checked against what a run measured: each is a
 * bound on a ratio (median over rounds; p25–p75 shown beside it) or on a
 * memory figure. A target is met when the median is on the right side of
 * the bound; "within noise" says the rounds' p25–p75 straddles it.
 * Targets are for the default engine (WebAssembly where it runs): what a
 * user gets. The fallback TypeScript engine's figures are shown beside
 * them, marked, and not counted.
 */
import { formatRatioSpread } from './report/format.ts';
import type { EncodeRow, LargeRow, MemoryRow, Report, Row, TargetResult } from './results.ts';
import { spread, type Spread } from './stats.ts';

/** Workloads of ordinary rows ("narrow, wide, real" in the issue). */
const ROW_WORKLOADS = ['narrow', 'wide', 'real-narrow', 'real-wide', 'real'];
const ENGINES = ['pgcodec-wasm', 'pgcodec-js'];

interface RatioTarget {
  target: string;
  how: string;
  /** The row the ratio is to: the group's reference, or another row of pgcodec's. */
  over: 'reference' | string;
  min: number;
  workloads: readonly string[];
}

export const RATIO_TARGETS: readonly RatioTarget[] = [
  { target: 'message API, every value via DataRow.text(i) ≥ 2.5× pg-protocol', how: 'text(i)', over: 'reference', min: 2.5, workloads: ROW_WORKLOADS },
  { target: 'owned DataRows within 10% of views: text(i) ≥ 0.9× text(i), views', how: 'text(i)', over: 'text(i), views', min: 0.9, workloads: ROW_WORKLOADS },
  { target: 'readRowBatch().strings() ≥ 4× pg-protocol', how: 'readRowBatch().strings()', over: 'reference', min: 4, workloads: ROW_WORKLOADS },
  { target: 'readRowBatch().strings() ≥ 1.5× pg-protocol on 1 MiB text', how: 'readRowBatch().strings()', over: 'reference', min: 1.5, workloads: ['real-text'] },
];

export const ENCODE_MIN = 1.5;
export const DECODER_MAX_BYTES = 16 * 1024;
export const CONNECTIONS = 10_000;
export const CONNECTIONS_MAX_RSS = 200e6;

function result(target: string, where: string, s: Spread, min: number): TargetResult {
  return { target, where, measured: formatRatioSpread(s), met: s.median >= min, withinNoise: s.p25 < min && min < s.p75 };
}

/** Per-round ratio of two rows measured in the same rounds. */
function pairRatio(a: Row, b: Row): Spread | null {
  if (!a.perRound || !b.perRound || a.perRound.length !== b.perRound.length) return null;
  return spread(a.perRound.map((x, r) => x / b.perRound![r]!));
}

export function speedTargets(rows: readonly Row[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const t of RATIO_TARGETS) {
    for (const w of t.workloads) {
      for (const engine of ENGINES) {
        for (const r of rows.filter((r) => r.workload === w && r.contender === engine && r.how === t.how && r.supported)) {
          const other = rows.find((x) => x.workload === w && x.chunking === r.chunking && x.contender === engine && x.how === t.over);
          const s = t.over === 'reference' ? r.vsReference : other ? pairRatio(r, other) : null;
          if (s) out.push({ ...result(t.target, `${w}${r.chunking === '64k' ? '' : ` (${r.chunking})`} · ${engine}`, s, t.min), ...(engine === 'pgcodec-js' ? { informational: true } : {}) });
        }
      }
    }
  }
  return out;
}

/** Messages both sides answer with one prebuilt buffer (the unnamed portal's Execute without a row limit, Sync): a call returning a constant is the ceiling. */
const PREBUILT = new Set(['Execute', 'Sync']);

export function encodeTargets(rows: readonly EncodeRow[]): TargetResult[] {
  return rows
    .filter((r) => r.contender === 'pgcodec' && r.vsReference)
    .map((r) => {
      const t = result(`encode ≥ ${ENCODE_MIN}× ${r.message === 'DataRow' ? 'a hand-written Buffer encoder' : "pg-protocol's serialize"}`, r.message, r.vsReference!, ENCODE_MIN);
      return PREBUILT.has(r.message) ? { ...t, measured: `${t.measured}; both return prebuilt bytes: parity is the ceiling` } : t;
    });
}

const KiB = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export function memoryTargets(rows: readonly MemoryRow[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const r of rows) {
    const engine = `${r.engine}${r.engine === 'wasm' ? ' (default engine)' : ''}`;
    if (r.what.endsWith('Decoder')) {
      const per = Math.max(r.rssPerItem, r.heapPerItem + r.externalPerItem);
      out.push({
        target: `≤ 16 KiB per idle ${r.what}`,
        where: engine,
        measured: `${KiB(per)} (RSS ${KiB(r.rssPerItem)}, heap + external ${KiB(r.heapPerItem + r.externalPerItem)})`,
        met: per <= DECODER_MAX_BYTES,
        withinNoise: false,
        ...(r.engine === 'js' ? { informational: true } : {}),
      });
    } else if (r.rssAtTarget !== null) {
      out.push({
        target: `≤ 200 MB RSS for ${CONNECTIONS.toLocaleString('en-US')} idle FrontendConnections`,
        where: engine,
        measured: `${(r.rssAtTarget / 1e6).toFixed(0)} MB${r.count < CONNECTIONS ? ` (extrapolated from ${r.count.toLocaleString('en-US')})` : ''}`,
        met: r.rssAtTarget <= CONNECTIONS_MAX_RSS,
        withinNoise: false,
        ...(r.engine === 'js' ? { informational: true } : {}),
      });
    }
  }
  return out;
}

export const LARGE_MAX_VS_1MIB = 2;
export const LARGE_MAX_PEAK = 1.5;
/** Below this, the peak is the read size and the engine's window, not the value: the memory bound is checked from here. */
const LARGE_PEAK_FROM = 1024 * 1024;

const size = (n: number) => (n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : `${n / 1024} KiB`);

/**
 * Large values on the default engine: time per byte within 2× of the 1 MiB
 * figure, peak memory ≤ 1.5× the value. Beside each, the floor at that size
 * (a fresh buffer of the value's size, the reads copied in) over its own
 * 1 MiB figure: where the floor moves as much, the machine's memory does.
 */
export function largeTargets(rows: readonly LargeRow[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const r of rows) {
    if (r.contender !== 'pgcodec-wasm' || r.skipped || r.vs1MiB === null) continue;
    const floor = rows.find((x) => x.contender === 'floor' && x.size === r.size && !x.skipped);
    const context = floor?.vs1MiB != null && r.vsFloor !== null ? ` (floor ${floor.vs1MiB.toFixed(2)}× its 1 MiB; ${r.vsFloor.toFixed(2)}× the floor)` : '';
    out.push({
      target: `time per byte within ${LARGE_MAX_VS_1MIB}× of the 1 MiB figure`,
      where: `${size(r.size)} · wasm (default engine)`,
      measured: `${r.vs1MiB.toFixed(2)}×${context}`,
      met: r.vs1MiB <= LARGE_MAX_VS_1MIB,
      withinNoise: false,
    });
    if (r.size >= LARGE_PEAK_FROM) {
      const peak = Math.max(r.peakExternalPerByte, r.peakRssPerByte);
      out.push({
        target: `peak memory ≤ ${LARGE_MAX_PEAK}× the value`,
        where: `${size(r.size)} · wasm (default engine)`,
        measured: `${peak.toFixed(2)}× (external ${r.peakExternalPerByte.toFixed(2)}×, RSS ${r.peakRssPerByte.toFixed(2)}×)`,
        met: peak <= LARGE_MAX_PEAK,
        withinNoise: false,
      });
    }
  }
  return out;
}

export function allTargets(r: Pick<Report, 'throughput' | 'encode' | 'memory' | 'large'>): TargetResult[] {
  return [...speedTargets(r.throughput), ...encodeTargets(r.encode), ...memoryTargets(r.memory), ...largeTargets(r.large)];
}
