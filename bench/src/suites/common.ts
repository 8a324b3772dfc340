/** What the suites share: the timing loop on tinybench, the checksum cross-check, a GC between tasks. */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Bench } from 'tinybench';
import type { Contender } from '../contenders/types.ts';
import type { Workload } from '../workloads.ts';

export interface TimingOptions {
  /** Time budget per task, ms (warmup gets a quarter of it). */
  timeMs: number;
  /** Minimum timed iterations per task. */
  minIterations: number;
  /** Print progress to stderr. */
  log: (line: string) => void;
}

let gcFn: (() => void) | undefined;
/** A full GC, so garbage of one task is not collected on the next one's time. */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Runs one task on tinybench and returns its latency samples (ms). */
export async function time(name: string, fn: () => unknown, opts: TimingOptions): Promise<number[]> {
  collectGarbage();
  const bench = new Bench({
    time: opts.timeMs,
    iterations: opts.minIterations,
    warmup: opts.timeMs > 0,
    warmupTime: opts.timeMs / 4,
    warmupIterations: Math.min(2, opts.minIterations),
    retainSamples: true,
    throws: true,
  });
  bench.add(name, fn);
  const [task] = await bench.run();
  const r = task!.result;
  if (r.state !== 'completed') throw new Error(`${name}: task ended in state ${r.state}${'error' in r ? `: ${r.error}` : ''}`);
  const samples = r.latency.samples;
  if (!samples || samples.length === 0) throw new Error(`${name}: no samples`);
  return [...samples];
}

/** The checksum a contender must return for a workload. */
export function expected(c: Contender, w: Workload): number {
  return c.counts === 'bytes' ? w.bytes.length : w.units;
}

/** Fails loudly when a contender's checksum disagrees with the workload (and so with the other contenders). */
export function crossCheck(label: string, c: Contender, w: Workload, got: number): void {
  const want = expected(c, w);
  if (got !== want) {
    throw new Error(
      `cross-check failed: ${label} returned ${got} but the ${w.name} workload has ${want} ${c.counts === 'bytes' ? 'bytes' : w.unit}; ` +
        'the contenders do not agree, so no numbers are reported',
    );
  }
}

export function fmtMBps(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
