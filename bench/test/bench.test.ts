/**
 * The benchmark's own checks: workloads are the same bytes every run, every
 * contender agrees on every workload in every chunking and mode, and a
 * --quick run writes its JSON and SVGs. Small scales keep it fast.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { loadContenders } from '../src/contenders/index.ts';
import { CHUNKINGS, MODES, sessionContender, type Contender } from '../src/contenders/types.ts';
import { baselineFrom, compare } from '../src/guard.ts';
import { SCHEMA, type Report } from '../src/results.ts';
import { crossCheck, expected } from '../src/suites/common.ts';
import { WORKLOAD_NAMES, buildWorkload } from '../src/workloads.ts';

const SMALL = { scale: 0.01 };

describe('workloads', () => {
  it('are the same bytes on every build', () => {
    for (const name of WORKLOAD_NAMES) {
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
  });

  it('change with the seed', () => {
    expect(buildWorkload('narrow', { ...SMALL, seed: 1 }).sha256).not.toBe(buildWorkload('narrow', SMALL).sha256);
  });

  it('have the shape they promise', () => {
    const wide = buildWorkload('wide', { scale: 0.1 });
    expect(wide.units).toBe(500);
    expect(wide.bytes.includes(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBe(true); // NULLs
    expect(/[^\x00-\x7f]/.test(wide.bytes.toString('utf8'))).toBe(true); // multibyte values
    const frontend = buildWorkload('frontend', SMALL);
    expect(frontend.direction).toBe('frontend');
    expect(frontend.bytes.includes(Buffer.from('COPY events'))).toBe(true);
    const real = buildWorkload('real');
    expect(real.units).toBe(10_000);
    expect(real.messages).toBe(10_003);
  });
});

describe('contenders', () => {
  it('agree on every workload, chunking and mode', async () => {
    const contenders = await loadContenders();
    expect(contenders.map((c) => c.name)).toEqual(expect.arrayContaining(['memcpy', 'pg-protocol', 'pgcodec-js']));
    for (const name of WORKLOAD_NAMES) {
      const w = buildWorkload(name, SMALL);
      for (const chunking of CHUNKINGS) {
        const rows = new Map<string, number>();
        for (const c of contenders) {
          for (const mode of MODES) {
            if (!c.supports(mode, w)) continue;
            const got = c.prepare({ workload: w, chunking, mode })();
            expect(got, `${name} ${chunking} ${c.name} ${mode}`).toBe(expected(c, w));
            if (c.counts === 'units') rows.set(`${c.name} ${mode}`, got);
          }
        }
        expect(new Set(rows.values()).size, `${name} ${chunking}: ${JSON.stringify([...rows])}`).toBe(1);
      }
    }
  });

  it('pg-protocol and pgcodec-js both decode backend workloads, and the cross-check fails loudly', async () => {
    const contenders = await loadContenders();
    const w = buildWorkload('narrow', SMALL);
    for (const n of ['pg-protocol', 'pgcodec-js']) expect(contenders.find((c) => c.name === n)!.supports('messages', w)).toBe(true);
    const liar: Contender = sessionContender({
      name: 'liar',
      description: 'drops a row',
      counts: 'units',
      modeIndependent: true,
      supports: () => true,
      open: () => ({ feed() {}, end: () => w.units - 1 }),
    });
    expect(() => crossCheck('liar', liar, w, liar.prepare({ workload: w, chunking: 'whole', mode: 'messages' })())).toThrow(/cross-check failed/);
  });
});

describe('cli', () => {
  const out = mkdtempSync(join(tmpdir(), 'pgcodec-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('--quick on tiny workloads writes results.json and one SVG per workload', async () => {
    const r = await runCli(['--quick', '--workload', 'narrow,frontend', '--scale', '0.01', '--load-runs', '1', '--out', out], () => {});
    expect(r).not.toBeNull();
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Report;
    expect(report.schema).toBe(SCHEMA);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.workloads.map((w) => w.name)).toEqual(['narrow', 'frontend']);
    const ok = report.throughput.filter((m) => m.supported);
    expect(ok.length).toBeGreaterThan(0);
    for (const m of ok) expect(m.mbps!.median).toBeGreaterThan(0);
    const pgcodec = ok.find((m) => m.workload === 'narrow' && m.contender === 'pgcodec-js' && m.mode === 'messages' && m.chunking === 'whole')!;
    expect(pgcodec.vsPgProtocol).toBeGreaterThan(0);
    expect(pgcodec.vsMemcpy).toBeGreaterThan(0);
    // pg-protocol parses only what servers send: the frontend workload is not its to run
    expect(report.throughput.some((m) => !m.supported && m.workload === 'frontend' && m.contender === 'pg-protocol')).toBe(true);
    expect(ok.some((m) => m.contender === 'pgcodec-wasm' && m.mode === 'split')).toBe(true);
    expect(report.tcp.filter((m) => m.supported).length).toBeGreaterThan(0);
    expect(report.load.map((l) => l.contender)).toEqual(expect.arrayContaining(['pg-protocol', 'pgcodec-js', 'pgcodec-wasm']));
    for (const name of ['narrow', 'frontend']) {
      const svg = readFileSync(join(out, `${name}.svg`), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain(name);
      expect(svg).toContain(report.machine.cpu);
    }
    expect(existsSync(join(out, 'wide.svg'))).toBe(false);
    expect(r!.text).toContain('vs pg-protocol');
  }, 120_000);

  it('the guard flags a ratio that dropped by more than 20%', () => {
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Report;
    const full = { ...report, options: { ...report.options, quick: false } };
    const base = baselineFrom([full]);
    expect(Object.keys(base.ratios).length).toBeGreaterThan(0);
    expect(base.ratios['throughput|narrow|pgcodec-js|messages']!.chunkings).toEqual(['whole', '64k', '8k']);
    expect(compare([full], base).drops).toEqual([]);
    const worse = structuredClone(full);
    for (const m of worse.throughput) if (m.contender === 'pgcodec-js' && m.vsPgProtocol) m.vsPgProtocol *= 0.7;
    // one bad run of three does not move the median; two do
    expect(compare([worse, full, full], base).drops).toEqual([]);
    const r = compare([worse, worse, full], base);
    expect(r.drops.length).toBeGreaterThan(0);
    expect(r.drops.every((d) => d.ratio === 'vsPgProtocol' && d.change < -0.2)).toBe(true);
  });
});
