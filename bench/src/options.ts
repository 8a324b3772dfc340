/** The CLI's options, their defaults, and the two presets (full, --quick). */
import { parseArgs } from 'node:util';
import { CHUNKINGS, type Chunking } from './contenders/types.ts';
import type { SlotPlan } from './suites/compare.ts';
import { DEFAULT_SEED, WORKLOAD_NAMES } from './workloads/index.ts';

export const SUITES = ['throughput', 'encode', 'tcp', 'memory', 'large', 'client', 'proxy', 'load'] as const;
export type Suite = (typeof SUITES)[number];
/** What `npm start` runs without --suite. */
export const DEFAULT_SUITES: readonly Suite[] = ['throughput', 'encode', 'tcp', 'memory', 'large', 'load'];

/** Full run: interleaved rounds per workload × chunking, and how long a comparison may take. */
export const FULL_PLAN: SlotPlan = { rounds: 9, minRounds: 3, capMs: 20_000, budgetMs: 3_000, minIterations: 1, warmupBelowMs: 250 };
export const QUICK_PLAN: SlotPlan = { rounds: 3, minRounds: 2, capMs: 1_500, budgetMs: 600, minIterations: 1, warmupBelowMs: 30 };
/** Workloads of tcp at most this big (the server worker holds its own copy). */
export const TCP_MAX_BYTES = 100e6;

export const HELP = `pgcodec benchmark: pgcodec against pg-protocol, postgres.js and plain-JS references, like for like

usage: npm start -- [options]          (at the repository root)
       npm run bench -w @pgcodec/bench -- [options]

  --quick                 smoke run: few short rounds, small recorded sample, no PostgreSQL; well under a minute
  --suite a,b             ${SUITES.join(', ')}
                          (default: ${DEFAULT_SUITES.join(', ')}; client and proxy are opt-in: they start PostgreSQL)
  --workload a,b          ${WORKLOAD_NAMES.join(', ')}
                          (default: the synthetic ones and real-* recorded from PostgreSQL; --quick: real, the committed sample)
  --contender a,b         contenders by name (the references pg-protocol, js-splitter, memcpy are always kept)
  --chunking a,b          ${CHUNKINGS.join(', ')} (default 64k; tcp is its own suite)
  --rounds <n>            interleaved rounds per workload × chunking (default ${FULL_PLAN.rounds}, quick ${QUICK_PLAN.rounds}; fewer when a
                          round of single passes would exceed ${FULL_PLAN.capMs / 1000} s, never below ${FULL_PLAN.minRounds})
  --time <ms>             time for all slots of all rounds of one comparison (default ${FULL_PLAN.budgetMs}, quick ${QUICK_PLAN.budgetMs})
  --load-runs <n>         fresh processes per library in the load suite (default 9, quick 3)
  --out <dir>             output directory (default bench/results/)
  --seed <n>              synthetic workload seed (default 0x${DEFAULT_SEED.toString(16)})
  --scale <f>             multiply every row count, recorded ones included (default 1)
  --issue-sizes           record real-text and real-bytea at issue 12's 1,000 rows of 1 MiB (default 100 rows:
                          a full run over 1,000 takes many minutes)
  --guard                 after the run, compare its ratios with bench/baseline.json (exit 1 on a >20% drop)
  --write-baseline        after the run, write its ratios to bench/baseline.json
  -h, --help

writes <out>/results.json and one chart per group (<out>/strings.svg, frames.svg, encode.svg, tcp-*.svg), prints the tables`;

export interface Options {
  quick: boolean;
  suites: Suite[];
  /** Asked for by name (--workload), or null for the default set. */
  workloads: string[] | null;
  contenders: string[] | null;
  chunkings: Chunking[];
  plan: SlotPlan;
  loadRuns: number;
  out: string | undefined;
  seed: number;
  scale: number;
  issueSizes: boolean;
  guard: boolean;
  writeBaseline: boolean;
  help: boolean;
}

export function list<T extends string>(value: string | undefined, known: readonly T[], what: string): T[] | null {
  if (value === undefined) return null;
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

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      suite: { type: 'string' },
      workload: { type: 'string' },
      contender: { type: 'string' },
      chunking: { type: 'string' },
      rounds: { type: 'string' },
      time: { type: 'string' },
      'load-runs': { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      'issue-sizes': { type: 'boolean' },
      guard: { type: 'boolean' },
      'write-baseline': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const quick = values.quick ?? false;
  const base = quick ? QUICK_PLAN : FULL_PLAN;
  const rounds = Math.max(1, Math.round(num(values.rounds, base.rounds, 'rounds')));
  const o: Options = {
    quick,
    suites: list(values.suite, SUITES, 'suite') ?? [...DEFAULT_SUITES],
    workloads: list(values.workload, WORKLOAD_NAMES, 'workload'),
    contenders: values.contender === undefined ? null : values.contender.split(',').map((s) => s.trim()).filter(Boolean),
    chunkings: list(values.chunking, CHUNKINGS, 'chunking') ?? ['64k'],
    plan: { ...base, rounds, minRounds: Math.min(base.minRounds, rounds), budgetMs: num(values.time, base.budgetMs, 'time') },
    loadRuns: Math.max(1, Math.round(num(values['load-runs'], quick ? 3 : 9, 'load-runs'))),
    out: values.out,
    seed: values.seed !== undefined ? Number(values.seed) >>> 0 : DEFAULT_SEED,
    scale: num(values.scale, 1, 'scale'),
    issueSizes: values['issue-sizes'] ?? false,
    guard: values.guard ?? false,
    writeBaseline: values['write-baseline'] ?? false,
    help: values.help ?? false,
  };
  if (quick && o.writeBaseline) throw new Error('--write-baseline needs a full run, not --quick');
  return o;
}
