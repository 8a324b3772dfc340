/**
 * Interleaved timing. The tasks to compare run in rounds; within a round
 * each task gets one slot, one short tinybench run (its samples' median is
 * the slot's figure), in an order rotated every round (ABC, BCA, CAB, …),
 * so a slow spell of the machine, a GC or a frequency change lands on
 * every task in turn instead of on whichever ran then. Ratios are then
 * taken round by round (ratios.ts).
 *
 * tinybench times a task's whole run before the next task starts, so it
 * cannot interleave by itself: the interleaving is here, one Bench per slot.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Bench } from 'tinybench';
import type { Pass } from './contenders/types.ts';

export interface Slotted {
  label: string;
  run: Pass;
  /** Whether `run` returns a promise (known from its untimed check run; tinybench would call it once more to find out). */
  async: boolean;
}

export interface RoundOptions {
  rounds: number;
  /** Time budget of one slot, ms (at least `minIterations` passes run whatever it is). */
  slotMs: number;
  minIterations: number;
  /** After every slot: slots done and in all. */
  onSlot?: (done: number, total: number) => void;
}

let gcFn: (() => void) | undefined;
/**
 * A full GC, between comparisons only: forced before every slot, it made the
 * next slot of an allocating variant up to 3× slower (V8 shrinks the young
 * generation after a forced GC), so within a comparison the variants share
 * the heap as they would in one process, each paying for the others'
 * garbage in turn.
 */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** The order of the tasks in round `round`: 0..n-1 rotated left by `round`. */
export function roundOrder(n: number, round: number): number[] {
  const k = n === 0 ? 0 : round % n;
  return Array.from({ length: n }, (_, i) => (i + k) % n);
}

/** One slot: the median latency (ms) of a short tinybench run of the task. */
export async function slot(t: Slotted, o: Pick<RoundOptions, 'slotMs' | 'minIterations'>): Promise<number> {
  const bench = new Bench({ time: o.slotMs, iterations: o.minIterations, warmup: false, retainSamples: true, throws: true });
  bench.add(t.label, t.run, { async: t.async });
  const [task] = await bench.run();
  const r = task!.result;
  if (r.state !== 'completed') throw new Error(`${t.label}: task ended in state ${r.state}${'error' in r ? `: ${String(r.error)}` : ''}`);
  const samples = r.latency.samples;
  if (!samples || samples.length === 0) throw new Error(`${t.label}: no samples`);
  const s = [...samples].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `rounds` interleaved rounds; returns each task's slot medians (ms), by task then round. */
export async function runRounds(tasks: readonly Slotted[], o: RoundOptions): Promise<number[][]> {
  const out = tasks.map(() => [] as number[]);
  const total = tasks.length * o.rounds;
  let done = 0;
  for (let r = 0; r < o.rounds; r++) {
    for (const i of roundOrder(tasks.length, r)) {
      out[i]!.push(await slot(tasks[i]!, o));
      o.onSlot?.(++done, total);
    }
  }
  return out;
}
