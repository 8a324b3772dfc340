/**
 * pgcodec benchmark CLI. `npm start` at the repository root runs it with the
 * defaults; `--help` lists the options.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadContenders } from './contenders/index.ts';
import { CHUNKINGS, MODES, type Chunking, type Mode } from './contenders/types.ts';
import { compare, writeBaseline, type Baseline } from './guard.ts';
import { describeMachine, machine } from './machine.ts';
import { mark, othersCpuPercent } from './noise.ts';
import { BASELINE_FILE, RESULTS_DIR } from './paths.ts';
import { reportSvgs } from './report/svg.ts';
import { reportText } from './report/table.ts';
import { NOISY_PERCENT, SCHEMA, type Report } from './results.ts';
import { runLoad } from './suites/load.ts';
import { plan } from './suites/plan.ts';
import { runTcp } from './suites/tcp.ts';
import { runThroughput } from './suites/throughput.ts';
import { DEFAULT_REAL_ROWS, DEFAULT_SEED, WORKLOAD_NAMES, buildWorkload, realFile, type Workload } from './workloads.ts';

export const SUITES = ['throughput', 'tcp', 'load'] as const;
export type Suite = (typeof SUITES)[number];

/**
 * Without --time, the time per task is this budget spread over the tasks
 * (warmup included), within the bounds below, so a full run stays under
 * about two minutes on a 2-core machine as contenders and modes are added.
 */
export const TIMED_BUDGET_MS = 75_000;
export const MAX_TIME_MS = 600;
export const MIN_TIME_MS = 100;
const QUICK_TIME_MS = 20;

const HELP = `pgcodec benchmark: pgcodec against pg-protocol (node-postgres's parser) and memcpy

usage: npm start -- [options]          (at the repository root)
       npm run bench -w @pgcodec/bench -- [options]

  --quick                 smoke run: ${QUICK_TIME_MS} ms per task, few iterations, no guard; well under a minute
  --suite a,b             ${SUITES.join(', ')} (default: all)
  --workload a,b          ${WORKLOAD_NAMES.join(', ')} (default: all)
  --contender a,b         contenders by name (default: all in src/contenders/); keep memcpy and
                          pg-protocol in the list to get the ratios
  --mode a,b              ${MODES.join(', ')} (default: all)
  --chunking a,b          ${CHUNKINGS.join(', ')} (default: all; tcp is its own suite)
  --time <ms>             time per task (default: ${TIMED_BUDGET_MS / 1000} s spread over the tasks, ${MIN_TIME_MS}–${MAX_TIME_MS} ms each;
                          warmup gets a quarter more)
  --load-runs <n>         fresh processes per contender in the load suite (default 9, quick 3)
  --out <dir>             output directory (default bench/results/)
  --seed <n>              workload seed (default 0x${DEFAULT_SEED.toString(16)})
  --scale <f>             multiply the workloads' row counts (default 1; for tiny smoke runs)
  --real-rows <n>         use bench/data/real-<n>.bin.gz for \`real\` (default ${DEFAULT_REAL_ROWS}; record more with
                          npm run record-real -w @pgcodec/bench -- --rows <n>)
  --guard                 after the run, compare its ratios with bench/baseline.json (exit 1 on a >20% drop)
  --write-baseline        after the run, write its ratios to bench/baseline.json
  -h, --help

writes <out>/results.json and <out>/<workload>.svg, prints the table`;

export interface CliResult {
  report: Report;
  outDir: string;
  text: string;
  files: string[];
  guardFailed: boolean;
}

function list<T extends string>(value: string | undefined, known: readonly T[], what: string): T[] {
  if (value === undefined) return [...known];
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) if (!known.includes(i as T)) throw new Error(`unknown ${what} '${i}' (known: ${known.join(', ')})`);
  return items as T[];
}

function num(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${what} wants a non-negative number, got '${value}'`);
  return n;
}

export async function runCli(argv: string[], log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<CliResult | null> {
  const t0 = performance.now();
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      suite: { type: 'string' },
      workload: { type: 'string' },
      contender: { type: 'string' },
      mode: { type: 'string' },
      chunking: { type: 'string' },
      time: { type: 'string' },
      'load-runs': { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      'real-rows': { type: 'string' },
      guard: { type: 'boolean' },
      'write-baseline': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return null;
  }
  const quick = values.quick ?? false;
  const suites = list(values.suite, SUITES, 'suite');
  const allContenders = await loadContenders();
  const contenderNames = allContenders.map((c) => c.name);
  const contenders = list(values.contender, contenderNames, 'contender').map((n) => allContenders.find((c) => c.name === n)!);
  const modes: Mode[] = list(values.mode, MODES, 'mode');
  const chunkings: Chunking[] = list(values.chunking, CHUNKINGS, 'chunking');
  const loadRuns = Math.max(1, Math.round(num(values['load-runs'], quick ? 3 : 9, 'load-runs')));
  const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : DEFAULT_SEED;
  const scale = num(values.scale, 1, 'scale');
  const realRows = Math.round(num(values['real-rows'], DEFAULT_REAL_ROWS, 'real-rows'));
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const outDir = values.out ? resolve(cwd, values.out) : RESULTS_DIR;
  if (quick && values['write-baseline']) throw new Error('--write-baseline needs a full run, not --quick');

  const m = machine();
  log(`machine: ${describeMachine(m)}`);

  // workloads: `real` is skipped (not failed) when its recording is missing and it was not asked for by name
  let workloadNames = list(values.workload, WORKLOAD_NAMES, 'workload');
  if (values.workload === undefined && !existsSync(realFile(realRows))) {
    log(`note: ${realFile(realRows)} is missing; skipping the real workload`);
    workloadNames = workloadNames.filter((n) => n !== 'real');
  }
  const needsWorkloads = suites.includes('throughput') || suites.includes('tcp');
  const tw = performance.now();
  const workloads: Workload[] = needsWorkloads ? workloadNames.map((n) => buildWorkload(n, { seed, scale, realRows })) : [];
  if (needsWorkloads) {
    log(`workloads built in ${((performance.now() - tw) / 1000).toFixed(1)} s: ${workloads.map((w) => `${w.name} ${(w.bytes.length / 1e6).toFixed(2)} MB`).join(', ')}`);
  }

  const throughputPlan = plan('throughput', suites.includes('throughput') ? workloads : [], chunkings, contenders, modes);
  const tcpPlan = plan('tcp', suites.includes('tcp') ? workloads : [], ['tcp'], contenders, modes);
  const taskCount = throughputPlan.tasks.length + tcpPlan.tasks.length;
  const spread = Math.round(Math.min(MAX_TIME_MS, Math.max(MIN_TIME_MS, TIMED_BUDGET_MS / 1.25 / Math.max(1, taskCount))));
  const timeMs = num(values.time, quick ? QUICK_TIME_MS : spread, 'time');
  if (taskCount > 0) log(`${taskCount} timed tasks × ${timeMs} ms (+ warmup) ≈ ${Math.ceil((taskCount * timeMs * 1.25) / 1000)} s`);
  const timing = { timeMs, minIterations: quick ? 2 : 5, log };
  const report: Report = {
    schema: SCHEMA,
    date: new Date().toISOString(),
    machine: m,
    options: { quick, timeMs, seed, scale, suites, argv },
    workloads: workloads.map((w) => ({
      name: w.name,
      description: w.description,
      direction: w.direction,
      bytes: w.bytes.length,
      unit: w.unit,
      units: w.units,
      messages: w.messages,
      sha256: w.sha256,
    })),
    throughput: [],
    tcp: [],
    load: [],
    othersCpuPercent: null,
    wallSeconds: 0,
  };
  const before = mark();
  if (suites.includes('throughput')) {
    log('throughput (in memory):');
    report.throughput = await runThroughput(throughputPlan, timing);
  }
  if (suites.includes('tcp')) {
    log('tcp (loopback, server in a worker thread):');
    report.tcp = await runTcp(tcpPlan, timing);
  }
  report.othersCpuPercent = taskCount > 0 ? othersCpuPercent(before, mark()) : null;
  if ((report.othersCpuPercent ?? 0) > NOISY_PERCENT) {
    log(`warning: other processes used ${report.othersCpuPercent}% of a core while we measured; expect noise`);
  }
  if (suites.includes('load')) {
    log('load (fresh node processes):');
    report.load = await runLoad({ contenders, runs: loadRuns, log });
  }
  report.wallSeconds = (performance.now() - t0) / 1000;

  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const jsonFile = resolve(outDir, 'results.json');
  writeFileSync(jsonFile, JSON.stringify(report, null, 2) + '\n');
  files.push(jsonFile);
  for (const [name, svg] of reportSvgs(report)) {
    const f = resolve(outDir, name);
    writeFileSync(f, svg);
    files.push(f);
  }
  const text = reportText(report);

  let guardFailed = false;
  if (values['write-baseline']) {
    writeBaseline([report]);
    files.push(BASELINE_FILE);
  }
  const extra: string[] = [];
  if (values.guard) {
    if (!existsSync(BASELINE_FILE)) throw new Error(`--guard: ${BASELINE_FILE} does not exist`);
    const base = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
    const g = compare([report], base);
    extra.push('', `guard vs ${BASELINE_FILE} (${base.date}): ${g.compared} ratios compared, ${g.drops.length} dropped by more than 20%`);
    extra.push(...g.lines.filter((l) => l.startsWith('DROP')));
    guardFailed = g.drops.length > 0;
  }
  return { report, outDir, text: text + extra.join('\n'), files, guardFailed };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then(
    (r) => {
      if (!r) return;
      console.log(r.text);
      console.log(`\nwrote ${r.files.map((f) => f.replace(`${process.cwd()}/`, '')).join(', ')}`);
      if (r.guardFailed) process.exitCode = 1;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 2;
    },
  );
}
