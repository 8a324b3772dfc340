/**
 * Throughput: every variant consumes each workload in memory, delivered in
 * the chunking's reads (64 KiB by default), all variants of all groups
 * interleaved in the same rounds (compare.ts). One workload is in memory at
 * a time: a recorded one can be 2 GB.
 */
import type { Chunking, Prepared, Variant } from '../contenders/types.ts';
import type { Progress } from '../progress.ts';
import type { Row } from '../results.ts';
import type { Workload } from '../workloads/index.ts';
import { compare, inOrder, type Entry, type SlotPlan } from './compare.ts';

export interface ThroughputOptions {
  chunkings: readonly Chunking[];
  plan: SlotPlan;
  progress: Progress;
}

/** Measures one workload in every chunking. */
export async function throughputOf(w: Workload, variants: readonly Variant[], o: ThroughputOptions): Promise<Row[]> {
  const out: Row[] = [];
  for (const chunking of o.chunkings) {
    const where = { suite: 'throughput' as const, workload: w, chunking };
    const entries: Entry[] = [];
    const prepared: Prepared[] = [];
    for (const v of variants) {
      if (!v.supports(w)) continue;
      const p = v.prepare({ workload: w, chunking });
      prepared.push(p);
      entries.push({ variant: v, run: p.run });
    }
    try {
      const measured = await compare(where, entries, o.plan, (done, total) => o.progress.update(`${w.name} ${chunking}`, done, total));
      out.push(...inOrder(where, variants, entries, measured));
    } finally {
      for (const p of prepared) await p.close?.();
    }
  }
  return out;
}
