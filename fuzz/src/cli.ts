#!/usr/bin/env node
/**
 * pgcodec-fuzz: runs the properties for as long as asked.
 *
 *   pgcodec-fuzz [--minutes N] [--seed S] [--property P[,P...]] [--regressions DIR]
 *
 * A failure is written to DIR (default ./regressions) as a regression case
 * and the exit status is 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
    help: { type: 'boolean', default: false },
  },
});

if (values.help || values.list) {
  if (values.help) console.log('pgcodec-fuzz [--minutes N] [--seed S] [--property P[,P...]] [--regressions DIR] [--list]\n');
  for (const p of PROPERTIES) console.log(`  ${p.name.padEnd(15)} ${p.invariant}`);
  process.exit(0);
}

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
const runs = reports.reduce((n, r) => n + r.runs, 0);
console.log(`${runs} cases over ${reports.length} properties, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
