/**
 * The benchmark's own checks: workloads are the same bytes every run; every
 * row of a group does its group's work (checksums), and a row that does not
 * stops the run; encoders write identical bytes or stop it; rounds are
 * interleaved and rotated; ratios are per round; flags follow their rule;
 * a --quick run writes its JSON and charts; the guard reads the new shape.
 * Small scales keep it fast.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crossCheck, expectedChecksum } from '../src/checks.ts';
import { runChild } from '../src/children/run.ts';
import type { LargeChildRow } from '../src/children/large.ts';
import type { MemoryChildResult } from '../src/children/memory.ts';
import { runCli } from '../src/cli.ts';
import { loadVariants } from '../src/contenders/index.ts';
import { FrameSplitter } from '../src/contenders/js-splitter.ts';
import { CHUNKINGS, sessionVariant, type Variant } from '../src/contenders/types.ts';
import { ENCODERS } from '../src/encoders/index.ts';
import { MESSAGE_KINDS, messageKind } from '../src/encoders/inputs.ts';
import type { Encoder } from '../src/encoders/types.ts';
import { GROUPS } from '../src/groups.ts';
import { baselineFrom, compare as compareGuard } from '../src/guard.ts';
import { silent } from '../src/progress.ts';
import { flags, perRoundRatios } from '../src/ratios.ts';
import { SCHEMA, type Report, type Row } from '../src/results.ts';
import { roundOrder, runRounds } from '../src/rounds.ts';
import { checkIdentical } from '../src/suites/encode.ts';
import { rows as rowsOf, type Entry } from '../src/suites/compare.ts';
import { largeTargets, speedTargets } from '../src/targets.ts';
import { frameCounts, valueChecksum } from '../src/workloads/frames.ts';
import { SYNTHETIC_NAMES } from '../src/workloads/synthetic.ts';
import { buildWorkload, valuesOf } from '../src/workloads/index.ts';

const SMALL = { scale: 0.01 };

describe('workloads', () => {
  it('are the same bytes on every build', () => {
    for (const name of [...SYNTHETIC_NAMES, 'real']) {
      const a = buildWorkload(name, SMALL);
      const b = buildWorkload(name, SMALL);
      expect(b.sha256, name).toBe(a.sha256);
      expect(Buffer.compare(a.bytes, b.bytes), name).toBe(0);
      expect(a.units, name).toBeGreaterThan(0);
    }
  });

  it('are the same bytes on every machine (pinned digests; change them only with a generator)', () => {
    expect(buildWorkload('narrow', SMALL).sha256).toBe('7ff47cac020bc17a177cc6784d029f49b382a2ad11e4b9253ea3a6b90f43e27e');
    expect(buildWorkload('wide', SMALL).sha256).toBe('c3a8a196c8a2078d8829cd5d88b2f0a79b172b16002ea8341e1bd647811cdd41');
    expect(buildWorkload('narrow', { ...SMALL, seed: 1 }).sha256).not.toBe(buildWorkload('narrow', SMALL).sha256);
  });

  it('have the shape they promise; the committed sample is whole', () => {
    const wide = buildWorkload('wide', { scale: 0.1 });
    expect(wide.units).toBe(500);
    expect(wide.bytes.includes(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBe(true); // NULLs
    expect(/[^\x00-\x7f]/.test(wide.bytes.toString('utf8'))).toBe(true); // multibyte values
    expect(buildWorkload('frontend', SMALL).direction).toBe('frontend');
    const real = buildWorkload('real');
    expect([real.units, real.messages, real.origin]).toEqual([10_000, 10_003, 'sample']);
  });

  it('count their strings independently of any decoder: the UTF-16 length + 1 of every value, 0 for NULL', () => {
    const w = buildWorkload('wide', SMALL);
    let want = 0;
    let p = 0;
    const b = w.bytes;
    while (p < b.length) {
      const len = b.readUInt32BE(p + 1);
      if (b[p] === 0x44) {
        let q = p + 7;
        for (let c = 0, n = b.readUInt16BE(p + 5); c < n; c++) {
          const k = b.readInt32BE(q);
          q += 4;
          if (k >= 0) {
            want += b.toString('utf8', q, q + k).length + 1;
            q += k;
          }
        }
      }
      p += 1 + len;
    }
    expect(valueChecksum(b)).toBe(want);
    expect(want).toBeGreaterThan(w.units);
  });
});

describe('the frame splitter (the frames reference)', () => {
  it('finds every frame, whatever the reads: split at every offset', () => {
    const w = buildWorkload('narrow', { scale: 0.001 });
    const want = frameCounts(w.bytes).messages;
    for (let cut = 1; cut < w.bytes.length; cut++) {
      let n = 0;
      let types = 0;
      const s = new FrameSplitter((type) => {
        n++;
        types += type;
      });
      s.feed(w.bytes.subarray(0, cut));
      s.feed(w.bytes.subarray(cut));
      expect(n, `cut at ${cut}`).toBe(want);
      expect(types).toBeGreaterThan(0);
    }
  });

  it('hands out the exact bytes of a frame cut by reads, byte by byte', () => {
    const w = buildWorkload('wide', { scale: 0.001 });
    const got: Buffer[] = [];
    const s = new FrameSplitter((_t, buf, start, end) => got.push(Buffer.from(buf.subarray(start, end))));
    for (let i = 0; i < w.bytes.length; i++) s.feed(w.bytes.subarray(i, i + 1));
    expect(Buffer.compare(Buffer.concat(got), w.bytes)).toBe(0);
  });
});

describe('like for like', () => {
  it('every group has exactly one reference, and every variant belongs to a group', async () => {
    const vs = await loadVariants();
    for (const g of ['strings', 'frames', 'limit'] as const) {
      const refs = vs.filter((v) => v.group === g && v.reference);
      expect(refs.map((v) => v.contender), g).toEqual([GROUPS[g].reference]);
    }
    expect(vs.every((v) => v.group in GROUPS)).toBe(true);
    expect(vs.filter((v) => v.group === 'strings').map((v) => v.contender)).toEqual(
      expect.arrayContaining(['pg-protocol', 'postgres.js', 'pgcodec-js', 'pgcodec-wasm']),
    );
  });

  it("every variant returns its group's checksum on every workload and chunking", async () => {
    const vs = await loadVariants();
    for (const name of [...SYNTHETIC_NAMES, 'real']) {
      const w = buildWorkload(name, SMALL);
      for (const chunking of CHUNKINGS) {
        for (const v of vs) {
          if (!v.supports(w)) continue;
          const p = v.prepare({ workload: w, chunking });
          const got = await p.run();
          expect(got, `${name} ${chunking} ${v.contender} ${v.how}`).toBe(expectedChecksum(v.group, w));
          await p.close?.();
        }
      }
    }
    // the strings group's checksum is the strings themselves, not a row count
    const narrow = buildWorkload('narrow', SMALL);
    expect(valuesOf(narrow)).toBeGreaterThan(narrow.units * 2);
  }, 120_000);

  it('a variant that does less than its group fails the cross-check loudly', () => {
    const w = buildWorkload('narrow', SMALL);
    const lazy: Variant = sessionVariant({
      contender: 'lazy',
      how: 'rows only',
      explain: 'counts rows, makes no strings',
      group: 'strings',
      supports: () => true,
      open: () => ({ feed() {}, end: () => w.units }),
    });
    expect(() => crossCheck('lazy', lazy, w, w.units)).toThrow(/cross-check failed/);
  });

  it('ratios are to the reference of the same group only, round by round', () => {
    const w = buildWorkload('narrow', SMALL);
    const v = (contender: string, group: Variant['group'], reference = false): Entry => ({
      variant: { contender, how: 'x', explain: '', group, reference, supports: () => true, prepare: () => ({ run: () => 0 }) },
      run: () => 0,
    });
    const entries = [v('pg-protocol', 'strings', true), v('pgcodec-js', 'strings'), v('js-splitter', 'frames', true), v('pgcodec-js2', 'frames'), v('memcpy', 'limit', true)];
    // slot times (ms) by entry, then round: the ratio of medians (4/2 = 2) differs from the median of per-round ratios (1)
    const ms = [
      [4, 4, 4],
      [1, 4, 4],
      [10, 10, 10],
      [5, 5, 5],
      [1, 1, 1],
    ];
    const rows = rowsOf({ suite: 'throughput', workload: w, chunking: '64k' }, entries, ms);
    expect(rows[0]!.vsReference).toBeNull();
    expect(rows[1]!.vsReference!.median).toBe(1);
    expect(rows[1]!.vsReference!.max).toBe(4);
    expect(rows[3]!.vsReference!.median).toBe(2); // 10 / 5: to js-splitter, not to pg-protocol
    expect(rows[2]!.vsReference).toBeNull();
    expect(rows[1]!.ofLimit).toBe(0.25);
  });
});

describe('interleaving', () => {
  it('rotates the order every round', () => {
    expect([0, 1, 2, 3].map((r) => roundOrder(3, r))).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
      [0, 1, 2],
    ]);
    expect(roundOrder(0, 5)).toEqual([]);
  });

  it('runs the tasks alternately within each round (ABC BCA CAB), one slot each', async () => {
    const calls: string[] = [];
    const task = (label: string) => ({ label, async: false, run: () => (calls.push(label), 1) });
    const ms = await runRounds([task('A'), task('B'), task('C')], { rounds: 3, slotMs: 0, minIterations: 1 });
    const slots = calls.filter((c, i) => c !== calls[i - 1]).join('');
    expect(slots).toBe('ABCBCACAB');
    expect(ms.map((m) => m.length)).toEqual([3, 3, 3]);
  });

  it('takes the ratio per round before the median', () => {
    expect(perRoundRatios([2, 4, 1], [4, 4, 4])).toEqual([2, 1, 4]);
    expect(() => perRoundRatios([1], [1, 2])).toThrow(/rounds differ/);
  });
});

describe('flags', () => {
  const s = (median: number, p25: number, p75: number) => ({ median, p25, p75, min: p25, max: p75, n: 5 });
  it('flag a row whose spread is wider than its distance from 1×', () => {
    expect(flags(s(1.05, 0.9, 1.2), null)).toEqual(['≈1']);
    expect(flags(s(1.5, 1.4, 1.6), null)).toEqual([]);
  });
  it('flag a row whose spread is wider than its distance from the row above', () => {
    expect(flags(s(2, 1.8, 2.2), s(2.1, 2, 2.2))).toEqual(['≈↑']);
    expect(flags(s(2, 1.95, 2.05), s(3, 2.9, 3.1))).toEqual([]);
  });
});

describe('encode', () => {
  it('every encoder writes the reference bytes for every message kind', () => {
    for (const name of MESSAGE_KINDS) {
      const k = messageKind(name, 0.05);
      const es = ENCODERS.filter((e) => e.supports(k));
      expect(es.length, name).toBeGreaterThanOrEqual(2);
      expect(checkIdentical(k, es), name).toBeGreaterThan(0);
    }
  });

  it('stops the run when an encoder writes other bytes, naming the message and the byte', () => {
    const k = messageKind('Bind', 0.05);
    const pgcodec = ENCODERS.find((e) => e.contender === 'pgcodec')!;
    const broken: Encoder = {
      ...pgcodec,
      contender: 'broken',
      prepare(kind) {
        const one = pgcodec.prepare(kind);
        return (i) => {
          const b = Uint8Array.from(one(i));
          if (i === 3) b[b.length - 1] ^= 1;
          return b;
        };
      },
    };
    expect(() => checkIdentical(k, ENCODERS.filter((e) => e.supports(k)).concat(broken))).toThrow(/broken Bind #3 differs .* at byte \d+/);
  });
});

describe('targets', () => {
  it('are met when the median reaches the bound, and say when the rounds straddle it', () => {
    const row = (how: string, median: number, p25: number, p75: number, perRound?: number[]): Row => ({
      suite: 'throughput',
      workload: 'narrow',
      chunking: '64k',
      group: 'strings',
      contender: 'pgcodec-wasm',
      how,
      reference: false,
      supported: true,
      vsReference: { median, p25, p75, min: p25, max: p75, n: 3 },
      perRound,
    });
    const t = speedTargets([row('text(i)', 2.6, 2.4, 2.8, [10, 10, 10]), row('text(i), views', 3, 2.9, 3.1, [10, 12, 10]), row('readRowBatch().strings()', 3.9, 3.8, 4.0)]);
    const get = (s: string) => t.find((x) => x.target.includes(s))!;
    expect(get('DataRow.text(i)')).toMatchObject({ met: true, withinNoise: true });
    expect(get('owned DataRows')).toMatchObject({ met: true, measured: expect.stringMatching(/^1\.00×/) });
    expect(get('≥ 4×')).toMatchObject({ met: false, withinNoise: false });
  });

  it('large values: the default engine against 2× its 1 MiB figure and 1.5× the value, with the floor beside', () => {
    const row = (contender: string, size: number, vs1MiB: number, vsFloor: number | null, ext = 1, rss = 1) => ({
      contender,
      how: '',
      size,
      nsPerByte: 1,
      vs1MiB,
      vsFloor,
      peakExternalPerByte: ext,
      peakRssPerByte: rss,
      ownProcess: false,
    });
    const t = largeTargets([
      row('floor', 1024, 8, null),
      row('floor', 4 << 20, 1.5, null),
      row('pgcodec-wasm', 1024, 3, 1.2, 500, 0),
      row('pgcodec-wasm', 4 << 20, 1.9, 1.3, 1.2, 1.6),
      row('pgcodec-js', 4 << 20, 9, 9),
    ]);
    expect(t.map((x) => [x.where, x.met])).toEqual([
      ['1 KiB · wasm (default engine)', false], // time; no memory bound below 1 MiB
      ['4 MiB · wasm (default engine)', true],
      ['4 MiB · wasm (default engine)', false], // RSS 1.6× the value
    ]);
    expect(t[0]!.measured).toBe('3.00× (floor 8.00× its 1 MiB; 1.20× the floor)');
  });
});

describe('children', () => {
  it('measure idle decoders and large values in processes of their own', async () => {
    const m = await runChild<MemoryChildResult>('memory', { engine: 'js', what: 'BackendMessageDecoder', count: 50, capBytes: 1e9 }, { nodeArgs: ['--expose-gc'] });
    expect(m.count).toBe(50);
    expect(m.error).toBeNull();
    expect(m.rssTotal).toBeGreaterThan(1e6);
    for (const contender of ['pgcodec-wasm', 'floor'] as const) {
      const l = await runChild<LargeChildRow[]>('large', { contender, sizes: [1024, 65536 + 5], samples: 1 }, { nodeArgs: ['--expose-gc'] });
      expect(l.map((r) => r.size)).toEqual([1024, 65536 + 5]);
      for (const r of l) expect(r.nsPerByte).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('cli', () => {
  const out = mkdtempSync(join(tmpdir(), 'pgcodec-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('--quick on tiny workloads writes results.json and one SVG per group', async () => {
    const r = await runCli(['--quick', '--suite', 'throughput,tcp,load', '--workload', 'narrow,frontend', '--scale', '0.01', '--load-runs', '1', '--out', out], { progress: silent });
    expect(r).not.toBeNull();
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Report;
    expect(report.schema).toBe(SCHEMA);
    expect(report.workloads.map((w) => w.name)).toEqual(['narrow', 'frontend']);
    const ok = report.throughput.filter((m) => m.supported);
    for (const m of ok) expect(m.mbps!.median).toBeGreaterThan(0);
    const text = ok.find((m) => m.workload === 'narrow' && m.contender === 'pgcodec-js' && m.how === 'text(i)')!;
    expect(text.group).toBe('strings');
    expect(text.vsReference!.median).toBeGreaterThan(0);
    expect(text.perRound!.length).toBe(text.rounds);
    // pg-protocol parses only what servers send: the frontend workload is not its to run
    expect(report.throughput.some((m) => !m.supported && m.workload === 'frontend' && m.contender === 'pg-protocol')).toBe(true);
    expect(ok.some((m) => m.workload === 'frontend' && m.group === 'frames' && m.contender === 'pgcodec-wasm' && m.vsReference)).toBe(true);
    expect(report.tcp.filter((m) => m.supported).length).toBeGreaterThan(0);
    expect(report.load.map((l) => l.contender)).toEqual(expect.arrayContaining(['pg-protocol', 'pgcodec-js', 'pgcodec-wasm']));
    for (const name of ['strings', 'frames', 'tcp-strings', 'tcp-frames']) {
      const svg = readFileSync(join(out, `${name}.svg`), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain(report.machine.cpu);
    }
    expect(readFileSync(join(out, 'strings.svg'), 'utf8')).toContain('text(i): the message API');
    expect(existsSync(join(out, 'encode.svg'))).toBe(false);
    expect(r!.text).toContain('MB/s');
    expect(r!.text).toContain('vs pg-protocol');
    expect(r!.text).toContain('vs js-splitter');
  }, 120_000);

  it('the guard reads the new results and flags a ratio that dropped by more than 20%', () => {
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Report;
    const full = { ...report, options: { ...report.options, quick: false } };
    const base = baselineFrom([full]);
    expect(base.ratios['throughput|narrow|strings|pgcodec-js|text(i)']!.chunkings).toEqual(['64k']);
    expect(compareGuard([full], base).drops).toEqual([]);
    const worse = structuredClone(full);
    for (const m of worse.throughput) if (m.contender === 'pgcodec-js' && m.vsReference) m.vsReference.median *= 0.7;
    // one bad run of three does not move the median; two do
    expect(compareGuard([worse, full, full], base).drops).toEqual([]);
    const r = compareGuard([worse, worse, full], base);
    expect(r.drops.length).toBeGreaterThan(0);
    expect(r.drops.every((d) => d.ratio === 'vsReference' && d.change < -0.2)).toBe(true);
  });
});
