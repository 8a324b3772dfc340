/**
 * Large values: one value of 1 KiB … 256 MiB (quick: up to 4 MiB) in one
 * DataRow, fed in 64 KiB reads, through each engine of pgcodec (read() the
 * DataRow, bytes(0) its value) and pg-protocol alongside (its value is a
 * string: other work, shown for scale), over the floor for a value the
 * caller owns: a fresh buffer of its size with the reads copied in (fresh
 * memory costs page faults, which a reused buffer does not: above about
 * 1 MiB the allocator stops reusing freed memory). Reported: time per byte
 * relative to the 1 MiB figure (flat is linear) and to the floor, and peak
 * memory relative to the value size. Sizes below 64 MiB share one child process per contender; each
 * larger size gets its own, so its memory is measured cleanly.
 */
import type { LargeArgs, LargeChildRow } from '../children/large.ts';
import { runChild } from '../children/run.ts';
import type { Progress } from '../progress.ts';
import type { LargeRow } from '../results.ts';

export interface LargeOptions {
  quick: boolean;
  progress: Progress;
}

const KiB = 1024;
const MiB = 1024 * KiB;
export const LARGE_SIZES = [KiB, 64 * KiB, MiB, 4 * MiB, 16 * MiB, 64 * MiB, 256 * MiB];
const OWN_PROCESS = 64 * MiB;

const HOW: Record<LargeArgs['contender'], string> = {
  'pgcodec-wasm': 'read(), bytes(0)',
  'pgcodec-js': 'read(), bytes(0)',
  'pg-protocol': 'parse (value as string)',
  floor: 'fresh buffer + copy',
};

export async function runLarge(o: LargeOptions): Promise<LargeRow[]> {
  const sizes = LARGE_SIZES.filter((s) => !o.quick || s <= 4 * MiB);
  const out: LargeRow[] = [];
  const contenders: LargeArgs['contender'][] = ['floor', 'pgcodec-wasm', 'pgcodec-js', 'pg-protocol'];
  const small = sizes.filter((s) => s < OWN_PROCESS);
  const big = sizes.filter((s) => s >= OWN_PROCESS);
  const total = contenders.length * (1 + big.length);
  let done = 0;
  for (const contender of contenders) {
    const rows: { r: LargeChildRow; own: boolean }[] = [];
    const samples = o.quick ? 3 : 5;
    const args = (s: number[]): LargeArgs => ({ contender, sizes: s, samples });
    o.progress.update(`${contender} ${small.length} sizes`, done++, total);
    for (const r of await runChild<LargeChildRow[]>('large', args(small), { nodeArgs: ['--expose-gc'] })) rows.push({ r, own: false });
    for (const s of big) {
      o.progress.update(`${contender} ${s / MiB} MiB`, done++, total);
      const [r] = await runChild<LargeChildRow[]>('large', { ...args([s]), samples: 3 }, { nodeArgs: ['--expose-gc', '--max-old-space-size=8192'] });
      rows.push({ r: r!, own: true });
    }
    const ref = rows.find((x) => x.r.size === MiB && !x.r.skipped)?.r.nsPerByte ?? null;
    for (const { r, own } of rows) {
      const floor = out.find((x) => x.contender === 'floor' && x.size === r.size && !x.skipped)?.nsPerByte ?? null;
      out.push({
        contender,
        how: HOW[contender],
        size: r.size,
        nsPerByte: r.nsPerByte,
        vs1MiB: ref ? r.nsPerByte / ref : null,
        vsFloor: floor && contender !== 'floor' ? r.nsPerByte / floor : null,
        peakExternalPerByte: r.peakExternal / r.size,
        peakRssPerByte: r.peakRss / r.size,
        ownProcess: own,
        ...(r.skipped ? { skipped: r.skipped } : {}),
      });
    }
  }
  return out;
}
