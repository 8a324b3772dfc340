/**
 * Memory: what idle decoders and connections cost, per engine. Each figure
 * comes from a child process of its own (children/memory.ts, --expose-gc):
 * it makes many of one kind, each fed a small exchange and read to the end,
 * keeps them, and divides its growth after a GC by the count. The issue's
 * targets: ≤ 16 KiB per idle decoder, ≤ 200 MB RSS for 10 000 idle
 * FrontendConnections, on the default engine.
 */
import type { EngineName } from 'pgcodec';
import type { MemoryArgs, MemoryChildResult } from '../children/memory.ts';
import { runChild } from '../children/run.ts';
import type { Progress } from '../progress.ts';
import type { MemoryRow } from '../results.ts';
import { CONNECTIONS } from '../targets.ts';

export interface MemoryOptions {
  quick: boolean;
  progress: Progress;
}

/** A child stops making items once its RSS grew by this much; the per-item figures still hold. */
const CAP_BYTES = 4e9;

export async function runMemory(o: MemoryOptions): Promise<MemoryRow[]> {
  const plan: [MemoryArgs['what'], number][] = [
    ['BackendMessageDecoder', o.quick ? 200 : 1_000],
    ['FrontendMessageDecoder', o.quick ? 200 : 1_000],
    ['FrontendConnection', o.quick ? 1_000 : CONNECTIONS],
  ];
  const out: MemoryRow[] = [];
  let done = 0;
  for (const engine of ['wasm', 'js'] as EngineName[]) {
    for (const [what, count] of plan) {
      o.progress.update(`${engine} ${what} × ${count}`, done++, plan.length * 2);
      const r = await runChild<MemoryChildResult>('memory', { engine, what, count, capBytes: CAP_BYTES } satisfies MemoryArgs, { nodeArgs: ['--expose-gc'] });
      if (r.error !== null && r.count === 0) throw new Error(`memory: ${engine} ${what}: ${r.error}`);
      const per = (x: number) => x / Math.max(1, r.count);
      const isConnections = what === 'FrontendConnection';
      out.push({
        engine,
        what,
        count: r.count,
        capped: r.capped || r.error !== null,
        rssPerItem: per(r.rss),
        heapPerItem: per(r.heapUsed),
        externalPerItem: per(r.external),
        arrayBuffersPerItem: per(r.arrayBuffers),
        rssTotal: r.rssTotal,
        rssAtTarget: isConnections ? r.rssTotal - r.rss + per(r.rss) * CONNECTIONS : null,
        targetCount: isConnections ? CONNECTIONS : null,
      });
    }
  }
  return out;
}
