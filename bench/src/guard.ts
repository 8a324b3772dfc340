/**
 * The regression guard: compares a run's ratios (vs pg-protocol, vs memcpy,
 * measured in the same run, so mostly independent of the machine's speed)
 * with the committed bench/baseline.json and flags every drop of more than
 * the threshold (20%). Exits 1 if it flagged anything, 2 if it could not compare.
 *
 *   npm run bench:guard                       compare bench/results/results.json
 *   npm run bench:guard -- path/to/run.json   compare another run
 *   npm start -- --write-baseline             run, then make that run the baseline
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { BASELINE_FILE, RESULTS_DIR } from './paths.ts';
import { NOISY_PERCENT, SCHEMA, type Measurement, type Report } from './results.ts';
import { describeMachine, type Machine } from './machine.ts';

export const DEFAULT_THRESHOLD = 0.2;

export interface BaselineEntry {
  vsPgProtocol: number | null;
  vsMemcpy: number | null;
  mbps: number;
}

export interface Baseline {
  schema: 'pgcodec-bench-baseline/1';
  date: string;
  machine: Machine;
  timeMs: number;
  /** key: suite|workload|chunking|contender|mode */
  ratios: Record<string, BaselineEntry>;
}

const REFERENCES = new Set(['memcpy', 'pg-protocol']);

export function keyOf(m: Measurement): string {
  return `${m.suite}|${m.workload}|${m.chunking}|${m.contender}|${m.mode}`;
}

/** The guarded entries of a run: every supported measurement of a contender that is not a reference. */
export function baselineFrom(r: Report): Baseline {
  if (r.options.quick) throw new Error('a --quick run is too rough to be a baseline; run without --quick');
  const ratios: Record<string, BaselineEntry> = {};
  for (const m of [...r.throughput, ...r.tcp]) {
    if (!m.supported || !m.mbps || REFERENCES.has(m.contender)) continue;
    ratios[keyOf(m)] = { vsPgProtocol: round(m.vsPgProtocol), vsMemcpy: round(m.vsMemcpy), mbps: Math.round(m.mbps.median * 10) / 10 };
  }
  return { schema: 'pgcodec-bench-baseline/1', date: r.date, machine: r.machine, timeMs: r.options.timeMs, ratios };
}

function round(x: number | null | undefined): number | null {
  return x === null || x === undefined ? null : Math.round(x * 10_000) / 10_000;
}

export function writeBaseline(r: Report, file = BASELINE_FILE): void {
  writeFileSync(file, JSON.stringify(baselineFrom(r), null, 2) + '\n');
}

export interface Finding {
  key: string;
  ratio: 'vsPgProtocol' | 'vsMemcpy';
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

export function compare(run: Report, base: Baseline, threshold = DEFAULT_THRESHOLD): GuardResult {
  const current = new Map([...run.throughput, ...run.tcp].filter((m) => m.supported).map((m) => [keyOf(m), m]));
  const drops: Finding[] = [];
  const missing: string[] = [];
  const lines: string[] = [];
  let compared = 0;
  for (const [key, b] of Object.entries(base.ratios)) {
    const m = current.get(key);
    if (!m) {
      missing.push(key);
      continue;
    }
    for (const ratio of ['vsPgProtocol', 'vsMemcpy'] as const) {
      const was = b[ratio];
      const now = m[ratio];
      if (was == null || now == null) continue;
      compared++;
      const change = now / was - 1;
      const flagged = change < -threshold;
      if (flagged) drops.push({ key, ratio, baseline: was, current: now, change });
      lines.push(
        `${flagged ? 'DROP' : '  ok'}  ${key.padEnd(52)} ${ratio.padEnd(12)} ${was.toFixed(3).padStart(8)} → ${now.toFixed(3).padStart(8)}  ${(change >= 0 ? '+' : '') + (100 * change).toFixed(1)}%`,
      );
    }
  }
  return { compared, drops, missing, lines };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      threshold: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: npm run bench:guard -- [run.json] [--baseline file] [--threshold 0.2] [--verbose]');
    return 0;
  }
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const runFile = positionals[0] ? resolve(cwd, positionals[0]) : resolve(RESULTS_DIR, 'results.json');
  const baseFile = values.baseline ? resolve(cwd, values.baseline) : BASELINE_FILE;
  const threshold = values.threshold ? Number(values.threshold) : DEFAULT_THRESHOLD;
  if (!existsSync(runFile)) {
    console.error(`no run to compare: ${runFile} does not exist (run \`npm start\` first)`);
    return 2;
  }
  if (!existsSync(baseFile)) {
    console.error(`no baseline: ${baseFile} does not exist (write one with \`npm start -- --write-baseline\`)`);
    return 2;
  }
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as Report;
  const base = JSON.parse(readFileSync(baseFile, 'utf8')) as Baseline;
  if (run.schema !== SCHEMA) {
    console.error(`${runFile} is not a ${SCHEMA} report`);
    return 2;
  }
  console.log(`run:      ${runFile} (${run.date})\n          ${describeMachine(run.machine)}`);
  console.log(`baseline: ${baseFile} (${base.date})\n          ${describeMachine(base.machine)}`);
  if (run.machine.cpu !== base.machine.cpu || run.machine.node !== base.machine.node) {
    console.log('note: the baseline was measured on another CPU or Node version; ratios move less than MB/s, but they move');
  }
  if (run.options.quick) console.log('note: this is a --quick run: its ratios are rough, expect noise');
  if ((run.othersCpuPercent ?? 0) > NOISY_PERCENT) console.log(`note: other processes used ${run.othersCpuPercent}% of a core during the run: expect noise`);
  const r = compare(run, base, threshold);
  if (values.verbose) for (const l of r.lines) console.log(l);
  else for (const l of r.lines.filter((l) => l.startsWith('DROP'))) console.log(l);
  if (r.missing.length) console.log(`${r.missing.length} baseline entries not in this run (not compared), e.g. ${r.missing.slice(0, 3).join(', ')}`);
  console.log(`${r.compared} ratios compared, ${r.drops.length} dropped by more than ${(threshold * 100).toFixed(0)}%`);
  return r.drops.length > 0 ? 1 : r.compared === 0 ? 2 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
