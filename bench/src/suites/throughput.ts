/**
 * Throughput: every contender decodes each workload in memory, delivered
 * whole or in socket-sized reads, in every mode it supports. All in one
 * process and one run, so the ratios compare like with like.
 */
import type { Chunking } from '../contenders/types.ts';
import { addRatios, type Measurement } from '../results.ts';
import { rates } from '../stats.ts';
import { crossCheck, fmtMBps, time, type TimingOptions } from './common.ts';
import type { Plan } from './plan.ts';

export async function runThroughput(p: Plan, o: TimingOptions): Promise<Measurement[]> {
  const out: Measurement[] = [...p.unsupported];
  for (const t of p.tasks) {
    const w = t.workload;
    const fn = t.contender.prepare({ workload: w, chunking: t.chunking as Chunking, mode: t.mode });
    crossCheck(t.label, t.contender, w, fn());
    const samples = await time(t.label, fn, o);
    const r = rates(samples, w.bytes.length, w.units);
    out.push({ suite: 'throughput', workload: w.name, chunking: t.chunking, contender: t.contender.name, mode: t.shownAs, supported: true, ...r });
    o.log(`  ${t.label.padEnd(44)} ${fmtMBps(r.mbps.median).padStart(8)} MB/s ±${r.spreadPct.toFixed(1)}% (${r.samples} samples)`);
  }
  addRatios(out);
  return out;
}
