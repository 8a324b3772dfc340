/**
 * The regression guard: compares ratios (to the group's like-for-like
 * reference, and to the physical limit; each the median over interleaved
 * rounds of one run, so mostly independent of the machine's speed) with the
 * committed bench/baseline.json, and flags every drop of more than the
 * threshold (20%). Exits 1 if it flagged anything, 2 if it could not compare.
 *
 * What is compared, per suite × workload × group × contender × how
 * (references excluded; encode per message): the geometric mean of the ratio
 * over the chunkings, and, given several runs, the median over the runs.
 * Ratios of one process move from run to run (JIT and GC decisions differ
 * between processes); medians of several runs move by well under 20% on a
 * quiet machine.
 *
 *   npm run bench:guard                                  the last run (bench/results/results.json)
 *   npm run bench:guard -- a.json b.json c.json          the median of several runs
 *   npm run bench:guard -- --write-baseline a.json b.json c.json
 *                                                        make the median of these runs the baseline
 *   npm start -- --write-baseline                        run, then make that run the baseline
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { BASELINE_FILE, RESULTS_DIR } from './paths.ts';
import { NOISY_PERCENT, SCHEMA, type Report } from './results.ts';
import { describeMachine, type Machine } from './machine.ts';

export const DEFAULT_THRESHOLD = 0.2;

type RatioName = 'vsReference' | 'ofLimit';
const RATIOS: readonly RatioName[] = ['vsReference', 'ofLimit'];

export interface GuardEntry {
  vsReference: number | null;
  ofLimit: number | null;
  /** Chunkings the geometric mean is over. */
  chunkings: string[];
}

export interface Baseline {
  schema: 'pgcodec-bench-baseline/3';
  date: string;
  machine: Machine;
  rounds: number;
  /** Runs the medians are over. */
  runs: number;
  /** key: suite|workload|group|contender|how, or encode|message|contender|how */
  ratios: Record<string, GuardEntry>;
}

const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

/**
 * One run's guarded values: per suite|workload|group|contender|how, each
 * ratio (median over rounds) as the geometric mean over the chunkings; per
 * encode|message|contender|how, the ratio to the reference. References are
 * left out (their ratio is 1 by definition).
 */
export function aggregate(r: Report): Map<string, GuardEntry> {
  const groups = new Map<string, { chunkings: string[]; vsReference: number[]; ofLimit: number[] }>();
  for (const m of [...r.throughput, ...r.tcp]) {
    if (!m.supported || !m.mbps || m.reference) continue;
    const key = `${m.suite}|${m.workload}|${m.group}|${m.contender}|${m.how}`;
    const g = groups.get(key) ?? { chunkings: [], vsReference: [], ofLimit: [] };
    g.chunkings.push(m.chunking);
    const vs = m.vsReference?.median;
    if (vs != null && vs > 0) g.vsReference.push(vs);
    if (m.ofLimit != null && m.ofLimit > 0) g.ofLimit.push(m.ofLimit);
    groups.set(key, g);
  }
  const out = new Map<string, GuardEntry>();
  for (const [key, g] of groups) {
    out.set(key, {
      vsReference: g.vsReference.length === g.chunkings.length ? geomean(g.vsReference) : null,
      ofLimit: g.ofLimit.length === g.chunkings.length ? geomean(g.ofLimit) : null,
      chunkings: g.chunkings,
    });
  }
  for (const e of r.encode ?? []) {
    if (e.reference || !e.vsReference) continue;
    out.set(`encode|${e.message}|${e.contender}|${e.how}`, { vsReference: e.vsReference.median, ofLimit: null, chunkings: [] });
  }
  return out;
}

/** The median over runs of each aggregate (keys present in every run). */
export function aggregateRuns(runs: readonly Report[]): Map<string, GuardEntry> {
  const each = runs.map(aggregate);
  const out = new Map<string, GuardEntry>();
  for (const [key, first] of each[0] ?? new Map<string, GuardEntry>()) {
    const all = each.map((a) => a.get(key)).filter((e): e is GuardEntry => e !== undefined);
    if (all.length !== each.length) continue;
    const med = (ratio: RatioName) => (all.every((e) => e[ratio] !== null) ? median(all.map((e) => e[ratio]!)) : null);
    out.set(key, { vsReference: med('vsReference'), ofLimit: med('ofLimit'), chunkings: first.chunkings });
  }
  return out;
}

export function baselineFrom(runs: readonly Report[]): Baseline {
  if (runs.length === 0) throw new Error('no runs');
  if (runs.some((r) => r.options.quick)) throw new Error('a --quick run is too rough to be a baseline; run without --quick');
  const ratios: Record<string, GuardEntry> = {};
  for (const [key, e] of aggregateRuns(runs)) ratios[key] = { vsReference: round(e.vsReference), ofLimit: round(e.ofLimit), chunkings: e.chunkings };
  const last = runs[runs.length - 1]!;
  return { schema: 'pgcodec-bench-baseline/3', date: last.date, machine: last.machine, rounds: last.options.rounds, runs: runs.length, ratios };
}

export function writeBaseline(runs: readonly Report[], file = BASELINE_FILE): void {
  writeFileSync(file, JSON.stringify(baselineFrom(runs), null, 2) + '\n');
}

export interface Finding {
  key: string;
  ratio: RatioName;
  baseline: number;
  current: number;
  /** current / baseline - 1 */
  change: number;
}

export interface GuardResult {
  compared: number;
  drops: Finding[];
  missing: string[];
  lines: string[];
}

export function compare(runs: readonly Report[], base: Baseline, threshold = DEFAULT_THRESHOLD): GuardResult {
  const current = aggregateRuns(runs);
  const drops: Finding[] = [];
  const missing: string[] = [];
  const lines: string[] = [];
  let compared = 0;
  for (const [key, b] of Object.entries(base.ratios)) {
    const c = current.get(key);
    if (!c) {
      missing.push(key);
      continue;
    }
    for (const ratio of RATIOS) {
      const was = b[ratio];
      const now = c[ratio];
      if (was == null || now == null) continue;
      compared++;
      const change = now / was - 1;
      const flagged = change < -threshold;
      if (flagged) drops.push({ key, ratio, baseline: was, current: now, change });
      const fmt = (x: number) => (x >= 0.1 ? x.toFixed(3) : x.toPrecision(3)).padStart(8);
      lines.push(`${flagged ? 'DROP' : '  ok'}  ${key.padEnd(60)} ${ratio.padEnd(12)} ${fmt(was)} → ${fmt(now)}  ${(change >= 0 ? '+' : '') + (100 * change).toFixed(1)}%`);
    }
  }
  return { compared, drops, missing, lines };
}

function readReport(file: string): Report {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
  if (r.schema !== SCHEMA) throw new Error(`${file} is not a ${SCHEMA} report`);
  return r;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      threshold: { type: 'string' },
      'write-baseline': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'usage: npm run bench:guard -- [run.json ...] [--baseline file] [--threshold 0.2] [--verbose]\n' +
        '       npm run bench:guard -- --write-baseline run.json ...   (median of the runs becomes the baseline)',
    );
    return 0;
  }
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const runFiles = positionals.length ? positionals.map((p) => resolve(cwd, p)) : [resolve(RESULTS_DIR, 'results.json')];
  const baseFile = values.baseline ? resolve(cwd, values.baseline) : BASELINE_FILE;
  const threshold = values.threshold ? Number(values.threshold) : DEFAULT_THRESHOLD;
  for (const f of runFiles) {
    if (!existsSync(f)) {
      console.error(`no run to compare: ${f} does not exist (run \`npm start\` first)`);
      return 2;
    }
  }
  const runs = runFiles.map(readReport);
  if (values['write-baseline']) {
    writeBaseline(runs, baseFile);
    console.log(`wrote ${baseFile}: the median of ${runs.length} run(s)`);
    return 0;
  }
  if (!existsSync(baseFile)) {
    console.error(`no baseline: ${baseFile} does not exist (write one with \`npm start -- --write-baseline\`)`);
    return 2;
  }
  const base = JSON.parse(readFileSync(baseFile, 'utf8')) as Baseline;
  if (base.schema !== 'pgcodec-bench-baseline/3') {
    console.error(`${baseFile} is a ${base.schema} baseline, from before the results took their current shape: refresh it from a full run (npm start -- --write-baseline)`);
    return 2;
  }
  for (const [i, run] of runs.entries()) console.log(`run:      ${runFiles[i]} (${run.date})\n          ${describeMachine(run.machine)}`);
  console.log(`baseline: ${baseFile} (${base.date}, median of ${base.runs} run(s))\n          ${describeMachine(base.machine)}`);
  if (runs.some((r) => r.machine.cpu !== base.machine.cpu || r.machine.node !== base.machine.node)) {
    console.log('note: the baseline was measured on another CPU or Node version; ratios move less than MB/s, but they move');
  }
  if (runs.some((r) => r.options.quick)) console.log('note: --quick runs are rough: expect noise');
  for (const r of runs) {
    if ((r.othersCpuPercent ?? 0) > NOISY_PERCENT) console.log(`note: other processes used ${r.othersCpuPercent}% of a core during the ${r.date} run: expect noise`);
  }
  const r = compare(runs, base, threshold);
  if (values.verbose) for (const l of r.lines) console.log(l);
  else for (const l of r.lines.filter((l) => l.startsWith('DROP'))) console.log(l);
  if (r.missing.length) console.log(`${r.missing.length} baseline entries not in ${runs.length > 1 ? 'these runs' : 'this run'} (not compared), e.g. ${r.missing.slice(0, 3).join(', ')}`);
  console.log(
    `${r.compared} ratios compared (geometric mean over chunkings${runs.length > 1 ? `, median of ${runs.length} runs` : ''}), ` +
      `${r.drops.length} dropped by more than ${(threshold * 100).toFixed(0)}%`,
  );
  if (r.drops.length > 0 && runs.length === 1) console.log('a drop in one run can be noise: rerun, and pass several runs to compare their median');
  return r.drops.length > 0 ? 1 : r.compared === 0 ? 2 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(2);
    },
  );
}
