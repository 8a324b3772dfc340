/**
 * What the throughput and tcp suites share: the variants of every group run
 * on one workload in interleaved rounds (rounds.ts), after each one's pass
 * has been run once, untimed, and its checksum cross-checked; then each row
 * gets its MB/s over rounds, its per-round ratio to its group's reference
 * and to the physical limit, and its flags (ratios.ts).
 */
import { crossCheck } from '../checks.ts';
import { byReportOrder, variantKey } from '../contenders/index.ts';
import type { Chunking, Pass, Variant } from '../contenders/types.ts';
import { flags, perRoundRatios, summarize } from '../ratios.ts';
import type { Row } from '../results.ts';
import { collectGarbage, runRounds, type RoundOptions } from '../rounds.ts';
import { median, quartiles, type Quartiles } from '../stats.ts';
import type { Workload } from '../workloads/index.ts';

export interface Entry {
  variant: Variant;
  run: Pass;
}

export interface Where {
  suite: Row['suite'];
  workload: Workload;
  chunking: Chunking | 'tcp';
}

/** Runs the pass once, untimed: checks its checksum and says whether it is async. Returns its time, ms. */
async function check(label: string, e: Entry, w: Workload): Promise<{ async: boolean; ms: number }> {
  const t0 = performance.now();
  const r = e.run();
  const async = typeof r === 'object' && r !== null && typeof (r as Promise<number>).then === 'function';
  crossCheck(label, e.variant, w, await r);
  return { async, ms: performance.now() - t0 };
}

/** How long a comparison may take. */
export interface SlotPlan {
  /** Rounds, unless a round of single passes would not fit `capMs` that many times (then fewer, not below minRounds). */
  rounds: number;
  minRounds: number;
  capMs: number;
  /** ms for all slots of all rounds, spread evenly: a slot is at least one pass whatever it is. */
  budgetMs: number;
  minIterations: number;
  /** Warm-up round (discarded) when a pass is shorter than this, ms. */
  warmupBelowMs: number;
}

export async function compare(where: Where, entries: readonly Entry[], plan: SlotPlan, onSlot?: RoundOptions['onSlot']): Promise<Row[]> {
  const w = where.workload;
  const label = (e: Entry) => `${w.name} ${where.chunking} ${variantKey(e.variant)}`;
  collectGarbage();
  const tasks = [];
  let slowest = 0;
  let round = 0;
  for (const e of entries) {
    const c = await check(label(e), e, w);
    slowest = Math.max(slowest, c.ms);
    round += c.ms;
    tasks.push({ label: label(e), run: e.run, async: c.async });
  }
  const rounds = Math.max(plan.minRounds, Math.min(plan.rounds, Math.floor(plan.capMs / Math.max(1, round))));
  const slotMs = Math.max(1, plan.budgetMs / Math.max(1, rounds * tasks.length));
  const opts = { rounds, slotMs, minIterations: plan.minIterations, onSlot };
  if (slowest < plan.warmupBelowMs) await runRounds(tasks, { ...opts, rounds: 1, onSlot: undefined });
  const ms = await runRounds(tasks, opts);
  return rows(where, entries, ms);
}

/** Rows from the slot times (ms, by entry then round). */
export function rows(where: Where, entries: readonly Entry[], ms: readonly (readonly number[])[]): Row[] {
  const w = where.workload;
  const rate = (amount: number, times: readonly number[]): Quartiles => quartiles(times.map((t) => (amount * 1000) / t));
  const limit = entries.findIndex((e) => e.variant.group === 'limit');
  const refOf = (e: Entry) => entries.findIndex((x) => x.variant.group === e.variant.group && x.variant.reference);
  const out: Row[] = entries.map((e, i) => {
    const ref = refOf(e);
    return {
      suite: where.suite,
      workload: w.name,
      chunking: where.chunking,
      group: e.variant.group,
      contender: e.variant.contender,
      how: e.variant.how,
      reference: e.variant.reference ?? false,
      supported: true,
      rounds: ms[i]!.length,
      mbps: rate(w.bytes.length / 1e6, ms[i]!),
      unitsPerSec: rate(w.units, ms[i]!),
      perRound: ms[i]!.map((t) => w.bytes.length / 1e3 / t),
      vsReference: ref >= 0 && ref !== i ? summarize(perRoundRatios(ms[i]!, ms[ref]!)) : null,
      ofLimit: limit >= 0 ? median(perRoundRatios(ms[i]!, ms[limit]!)) : null,
      flags: [],
    };
  });
  // flags, in report order within each group: the row above is the previous non-reference row
  const order = entries.map((e, i) => ({ v: e.variant, i })).sort((a, b) => a.v.group.localeCompare(b.v.group) || byReportOrder(a.v, b.v));
  let above: Row | null = null;
  let group = '';
  for (const { i } of order) {
    const r = out[i]!;
    if (r.group !== group) {
      group = r.group;
      above = null;
    }
    if (r.vsReference) {
      r.flags = flags(r.vsReference, above?.vsReference ?? null);
      above = r;
    }
  }
  return out;
}

/** The row of a variant that cannot run this workload. */
export function unsupported(where: Where, v: Variant): Row {
  return {
    suite: where.suite,
    workload: where.workload.name,
    chunking: where.chunking,
    group: v.group,
    contender: v.contender,
    how: v.how,
    reference: v.reference ?? false,
    supported: false,
  };
}

/** Every variant's row in the variants' order: measured ones from `measured` (in entry order), the rest unsupported. */
export function inOrder(where: Where, variants: readonly Variant[], entries: readonly Entry[], measured: readonly Row[]): Row[] {
  return variants.map((v) => {
    const i = entries.findIndex((e) => e.variant === v);
    return i >= 0 ? measured[i]! : unsupported(where, v);
  });
}
