#!/usr/bin/env node
/**
 * pgcodec-fuzz: runs the properties for as long as asked, or fuzzes a live
 * server, proxy or client on loopback.
 *
 *   pgcodec-fuzz [--minutes N] [--seed S] [--property P[,P...]] [--regressions DIR] [--coverage]
 *   pgcodec-fuzz --target host:port [--user U --password P --database D] [--minutes N] [--seed S] [--out DIR]
 *   pgcodec-fuzz --replay FILE [--target host:port] [--user U --password P]
 *   pgcodec-fuzz --serve PORT [--minutes N] [--seed S] [--out DIR]     a hostile server, to fuzz clients
 *   pgcodec-fuzz --replay FILE --serve PORT                           serve a recorded connection again
 *
 * A failure is written to DIR (default ./regressions) as a regression case
 * and the exit status is 1. Every run ends with the error codes and message
 * decoders it reached; `--coverage` runs it under c8 for v8 line and branch
 * coverage of pgcodec's sources.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { messageCases } from './arbitraries/messages.js';
import { unreached } from './observed.js';
import { defaultPg } from './pg.js';
import { hostPort } from './live/loopback.js';
import { replayServe, serve, type ServeRecord } from './live/serve.js';
import { formatTargetReport, fuzzTarget, replayTargetFinding, type TargetFinding } from './live/target.js';
import { regressionOf } from './regressions.js';
import { runProperties } from './runner.js';
import { PROPERTIES } from './properties/index.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    seed: { type: 'string' },
    property: { type: 'string' },
    regressions: { type: 'string', default: 'regressions' },
    list: { type: 'boolean', default: false },
    coverage: { type: 'boolean', default: false },
    target: { type: 'string' },
    serve: { type: 'string' },
    replay: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    database: { type: 'string' },
    out: { type: 'string', default: 'findings' },
    'coverage-dir': { type: 'string', default: 'coverage' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || values.list) {
  if (values.help) console.log('pgcodec-fuzz [--minutes N] [--seed S] [--property P[,P...]] [--regressions DIR] [--list]\n');
  for (const p of PROPERTIES) console.log(`  ${p.name.padEnd(15)} ${p.invariant}`);
  process.exit(0);
}

if (values.coverage) process.exit(underC8());
if (values.replay !== undefined) process.exit(await replay(values.replay));
if (values.serve !== undefined) process.exit(await hostile(Number(values.serve)));
if (values.target !== undefined) process.exit(await target(values.target));

const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, not ${values.minutes}`);
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer, not ${values.seed}`);

const reports = runProperties({
  budgetMs: minutes * 60_000,
  seed,
  only: values.property?.split(',').filter(Boolean),
  log: (l) => console.log(l),
});
let failed = 0;
for (const r of reports.filter((x) => x.failed)) {
  failed++;
  mkdirSync(values.regressions!, { recursive: true });
  const file = join(values.regressions!, `${r.name}-${r.seed}.json`);
  writeFileSync(file, JSON.stringify(regressionOf(r), null, 2) + '\n');
  console.log(`regression case written: ${file}`);
}
const missed = unreached(defaultPg, Object.keys(messageCases(defaultPg)));
const codes = Object.values(defaultPg.ErrorCode).length;
console.log(`error codes reached: ${codes - missed.codes.length}/${codes}${missed.codes.length > 0 ? ` (not: ${missed.codes.join(', ')})` : ''}`);
const types = Object.keys(messageCases(defaultPg)).length;
console.log(`message decoders reached: ${types - missed.decoders.length}/${types}${missed.decoders.length > 0 ? ` (not: ${missed.decoders.join(', ')})` : ''}`);
const runs = reports.reduce((n, r) => n + r.runs, 0);
console.log(`${runs} cases over ${reports.length} properties, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

/**
 * This same run in a child under c8, covering pgcodec's sources through
 * their source maps (the wire codec: pgcodec/auth is not the fuzzer's
 * ground). Reports go to the console and to --coverage-dir.
 */
function underC8(): number {
  const require = createRequire(import.meta.url);
  const c8 = require.resolve('c8/bin/c8.js');
  const pkg = dirname(realpathSync(require.resolve('pgcodec/package.json')));
  const args = process.argv.slice(2).filter((a) => a !== '--coverage');
  const regressions = resolve(values.regressions!);
  const reports = resolve(values['coverage-dir']!);
  const run = spawnSync(
    process.execPath,
    [
      c8,
      '--all',
      '--src=src',
      '--include=dist/**',
      '--include=src/**',
      '--exclude=src/auth/**',
      '--exclude=dist/auth/**',
      '--exclude=**/*.generated.*',
      '--exclude-after-remap',
      '--reporter=text',
      '--reporter=text-summary',
      '--reporter=json-summary',
      `--reports-dir=${reports}`,
      process.execPath,
      fileURLToPath(import.meta.url),
      ...args,
      `--regressions=${regressions}`,
    ],
    { cwd: pkg, stdio: 'inherit' },
  );
  console.log(`coverage report: ${join(reports, 'coverage-summary.json')}`);
  return run.status ?? 1;
}

/** --target: fuzz a server or proxy; exit 1 if it stopped accepting connections. */
async function target(where: string): Promise<number> {
  const { host, port } = hostPort(where);
  const r = await fuzzTarget({
    host,
    port,
    cred: { user: values.user ?? 'postgres', password: values.password, database: values.database },
    minutes: Number(values.minutes),
    seed: values.seed === undefined ? (Math.random() * 2 ** 31) | 0 : Number(values.seed),
    out: values.out!,
    log: (l) => console.log(l),
  });
  console.log(formatTargetReport(r));
  return r.down === null ? 0 : 1;
}

/** --serve: be a hostile server for `--minutes`, recording every connection. */
async function hostile(port: number): Promise<number> {
  const seed = values.seed === undefined ? (Math.random() * 2 ** 31) | 0 : Number(values.seed);
  const s = await serve({ port, seed, out: values.out, log: (l) => console.log(l) });
  console.log(`pgcodec-fuzz --serve: listening on 127.0.0.1:${s.port} (seed ${seed}) for ${values.minutes} minute(s); connect with database=<scenario> to choose one`);
  await new Promise((r) => setTimeout(r, Number(values.minutes) * 60_000));
  await s.close();
  console.log(`${s.records.length} connections served; records in ${values.out}`);
  return 0;
}

/** --replay: send a finding's bytes again and say what the peer does now (with --serve: serve a recorded connection). */
async function replay(file: string): Promise<number> {
  const any = JSON.parse(readFileSync(file, 'utf8')) as TargetFinding | ServeRecord;
  if (any.tool === 'pgcodec-fuzz --serve') {
    if (values.serve === undefined) throw new Error('a --serve record replays with --serve PORT');
    const s = await replayServe(any, Number(values.serve), (l) => console.log(l));
    console.log(`serving connection ${any.connection} (${any.scenario}) again on 127.0.0.1:${s.port} for ${values.minutes} minute(s)`);
    await new Promise((r) => setTimeout(r, Number(values.minutes) * 60_000));
    await s.close();
    return 0;
  }
  const f = any;
  if (f.tool !== 'pgcodec-fuzz --target') throw new Error(`${file} is not a finding of pgcodec-fuzz --target`);
  const override = values.target === undefined ? undefined : hostPort(values.target);
  const r = await replayTargetFinding(file, { user: values.user ?? f.user, password: values.password, database: values.database ?? f.database }, override);
  console.log(`replayed ${file}: ${r.outcome} (was ${f.outcome})${r.code ? ` ${r.code}` : ''}: ${r.detail}`);
  return 0;
}
