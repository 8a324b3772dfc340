/**
 * pgcodec benchmark CLI. `npm start` at the repository root runs it with the
 * defaults; `--help` lists the options (options.ts).
 *
 *   workloads → variants (contenders × how) → interleaved rounds → groups → tables, charts, targets
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadVariants, variantKey } from './contenders/index.ts';
import type { Variant } from './contenders/types.ts';
import { ENCODERS } from './encoders/index.ts';
import { GROUPS } from './groups.ts';
import { compare as compareGuard, writeBaseline, type Baseline } from './guard.ts';
import { machine } from './machine.ts';
import { mark, othersCpuPercent } from './noise.ts';
import { HELP, TCP_MAX_BYTES, parseOptions, type Options, type Suite } from './options.ts';
import { BASELINE_FILE, RESULTS_DIR } from './paths.ts';
import { REAL_NAMES, type RealName } from './postgres/queries.ts';
import { recordAll } from './postgres/recordings.ts';
import { progress as ttyProgress, type Progress } from './progress.ts';
import { reportSvgs } from './report/svg.ts';
import { reportText } from './report/table.ts';
import { NOISY_PERCENT, SCHEMA, type Report } from './results.ts';
import { runClient } from './suites/client.ts';
import { runEncode } from './suites/encode.ts';
import { runLarge } from './suites/large.ts';
import { runLoad } from './suites/load.ts';
import { runProxy } from './suites/proxy.ts';
import { runMemory } from './suites/memory.ts';
import { tcpOf, tcpServer } from './suites/tcp.ts';
import { throughputOf } from './suites/throughput.ts';
import { allTargets } from './targets.ts';
import { SYNTHETIC_NAMES } from './workloads/synthetic.ts';
import { buildWorkload, isReal, recordedWorkload, type Workload } from './workloads/index.ts';

export interface CliResult {
  report: Report;
  outDir: string;
  text: string;
  files: string[];
  guardFailed: boolean;
}

/** A workload to load when its turn comes (one in memory at a time). */
interface Source {
  name: string;
  load(): Workload;
}

/** The references stay whatever --contender says: without them there are no ratios. */
const REFERENCES = new Set(Object.values(GROUPS).map((g) => g.reference));

function pickVariants(all: readonly Variant[], names: string[] | null): Variant[] {
  if (names === null) return [...all];
  const known = new Set(all.map((v) => v.contender));
  for (const n of names) if (!known.has(n)) throw new Error(`unknown contender '${n}' (known: ${[...known].join(', ')})`);
  return all.filter((v) => REFERENCES.has(v.contender) || names.includes(v.contender));
}

/** The workloads of this run: recorded ones from PostgreSQL (or the committed sample if none can start). */
async function sources(o: Options, p: Progress, notes: string[]): Promise<Source[]> {
  const names = o.workloads ?? [...SYNTHETIC_NAMES, ...(o.quick ? ['real'] : REAL_NAMES)];
  const real = names.filter(isReal);
  const out: Source[] = [];
  let fallback = false;
  const recorded = new Map<RealName, Source>();
  if (real.length > 0) {
    p.suite('record', `${real.join(', ')} from PostgreSQL (cached in bench/results/cache/)`);
    const r = await recordAll(real, { scale: o.scale, issueSizes: o.issueSizes, log: (l) => p.update(l) });
    if (r.unavailable !== null) {
      fallback = true;
      notes.push(`${r.unavailable}; the real-* workloads are replaced by the committed sample \`real\` (bench/data/real-10000.bin.gz)`);
    }
    for (const rec of r.recordings) recorded.set(rec.name, { name: rec.name, load: () => recordedWorkload(rec) });
    const fresh = r.recordings.filter((x) => x.fresh).map((x) => x.name);
    if (r.recordings.length > 0) notes.push(`real-* recorded from ${r.recordings[0]!.server}${fresh.length ? ` in this run (${fresh.join(', ')})` : ''}${fresh.length < r.recordings.length ? `, reused from bench/results/cache/ (${r.recordings.filter((x) => !x.fresh).map((x) => x.name).join(', ')})` : ''}`);
  }
  for (const n of names) {
    if (isReal(n)) {
      const s = recorded.get(n);
      if (s) out.push(s);
      continue;
    }
    out.push({ name: n, load: () => buildWorkload(n, { seed: o.seed, scale: o.scale }) });
  }
  if (fallback && !names.includes('real')) out.push({ name: 'real', load: () => buildWorkload('real', { scale: o.scale }) });
  return out;
}

export async function runCli(argv: string[], io: { progress?: Progress } = {}): Promise<CliResult | null> {
  const t0 = performance.now();
  const o = parseOptions(argv);
  if (o.help) {
    console.log(HELP);
    return null;
  }
  const p = io.progress ?? ttyProgress();
  const has = (s: Suite) => o.suites.includes(s);
  const variants = pickVariants(await loadVariants(), o.contenders);
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const outDir = o.out ? resolve(cwd, o.out) : RESULTS_DIR;
  const notes: string[] = [];
  const explain: Record<string, string> = {};
  for (const v of variants) explain[variantKey(v)] = v.explain;
  for (const e of ENCODERS) explain[`${e.contender} ${e.how}`] = e.explain;
  const report: Report = {
    schema: SCHEMA,
    date: new Date().toISOString(),
    machine: machine(),
    options: { quick: o.quick, rounds: o.plan.rounds, seed: o.seed, scale: o.scale, issueSizes: o.issueSizes, suites: o.suites, chunkings: o.chunkings, argv },
    notes,
    workloads: [],
    explain,
    throughput: [],
    tcp: [],
    encode: [],
    load: [],
    memory: [],
    large: [],
    client: [],
    proxy: [],
    targets: [],
    othersCpuPercent: null,
    wallSeconds: 0,
    suiteSeconds: {},
  };
  const timed = async (name: string, f: () => Promise<void>) => {
    const t = performance.now();
    await f();
    report.suiteSeconds[name] = (performance.now() - t) / 1000;
  };

  const srcs = has('throughput') || has('tcp') ? await sources(o, p, notes) : [];
  const seen = (w: Workload) => {
    if (report.workloads.some((x) => x.name === w.name)) return;
    const { bytes, ...info } = w;
    report.workloads.push({ ...info, bytes: bytes.length });
  };
  const before = mark();
  // Encoding first, in a process that has encoded and decoded nothing else: after the throughput
  // suites (the frontend workload's mixed messages) pgcodec's encoders measured ~25% slower, a JIT
  // state effect still being looked into (issue 12); like for like is both encoders from a clean start.
  if (has('encode')) {
    await timed('encode', async () => {
      p.suite('encode', 'Query, Parse, Bind, Execute, Sync, DataRow');
      report.encode = await runEncode(ENCODERS, { scale: o.quick ? 0.2 : o.scale, rounds: o.plan.rounds, budgetMs: o.plan.budgetMs, progress: p });
    });
  }
  if (has('throughput')) {
    await timed('throughput', async () => {
      p.suite('throughput', `${srcs.length} workloads × ${o.chunkings.join(', ')} reads × ${variants.length} variants, interleaved`);
      for (const s of srcs) {
        p.update(`loading ${s.name}`);
        const w = s.load();
        seen(w);
        report.throughput.push(...(await throughputOf(w, variants, { chunkings: o.chunkings, plan: o.plan, progress: p })));
      }
    });
  }
  if (has('tcp')) {
    await timed('tcp', async () => {
      p.suite('tcp', 'over loopback, server in a worker thread');
      const server = await tcpServer();
      try {
        for (const s of srcs) {
          p.update(`loading ${s.name}`);
          const w = s.load();
          if (w.bytes.length > TCP_MAX_BYTES) {
            notes.push(`tcp skips ${w.name} (${(w.bytes.length / 1e6).toFixed(0)} MB): the server worker would hold another copy; its in-memory rows stand`);
            continue;
          }
          seen(w);
          report.tcp.push(...(await tcpOf(server, w, variants, { plan: o.plan, progress: p })));
        }
      } finally {
        await server.close();
      }
    });
  }
  report.othersCpuPercent = has('throughput') || has('tcp') || has('encode') ? othersCpuPercent(before, mark()) : null;
  if ((report.othersCpuPercent ?? 0) > NOISY_PERCENT) p.note(`warning: other processes used ${report.othersCpuPercent}% of a core while we measured; expect noise`);
  if (has('memory')) {
    await timed('memory', async () => {
      p.suite('memory', 'idle decoders and connections per engine, in child processes');
      report.memory = await runMemory({ quick: o.quick, progress: p });
    });
  }
  if (has('large')) {
    await timed('large', async () => {
      p.suite('large', `one value up to ${o.quick ? '4 MiB' : '256 MiB'} in 64 KiB reads`);
      report.large = await runLarge({ quick: o.quick, progress: p });
    });
  }
  if (has('client')) {
    await timed('client', async () => {
      p.suite('client', 'pg, postgres.js and pgcodec fetching from PostgreSQL over loopback, child processes');
      const r = await runClient({ scale: o.scale, issueSizes: o.issueSizes, quick: o.quick, progress: p });
      report.client = r.rows;
      if (r.note) notes.push(r.note);
    });
  }
  if (has('proxy')) {
    await timed('proxy', async () => {
      p.suite('proxy', 'pgbench and a large SELECT direct, through a pipe, pgcodec-proxy and pgbouncer');
      const r = await runProxy({ quick: o.quick, progress: p });
      report.proxy = r.rows;
      if (r.note) notes.push(r.note);
    });
  }
  if (has('load')) {
    await timed('load', async () => {
      p.suite('load', 'fresh node processes import each library');
      report.load = await runLoad({ contenders: [...new Set(variants.map((v) => v.contender))], runs: o.loadRuns, onRun: (d, t) => p.update('import', d, t) });
    });
  }
  p.end();
  report.targets = allTargets(report);
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
  let text = reportText(report);
  let guardFailed = false;
  if (o.writeBaseline) {
    writeBaseline([report]);
    files.push(BASELINE_FILE);
  }
  if (o.guard) {
    if (!existsSync(BASELINE_FILE)) throw new Error(`--guard: ${BASELINE_FILE} does not exist`);
    const base = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
    const g = compareGuard([report], base);
    text += `\n\nguard vs ${BASELINE_FILE} (${base.date}): ${g.compared} ratios compared, ${g.drops.length} dropped by more than 20%\n`;
    text += g.lines.filter((l) => l.startsWith('DROP')).join('\n');
    guardFailed = g.drops.length > 0;
  }
  return { report, outDir, text, files, guardFailed };
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
