/**
 * Runs properties under a time budget: each gets a share by weight, runs
 * until its share is spent (at least `minRuns` cases), and reports runs,
 * seed and — on failure — the shrunk counterexample and fast-check's replay
 * path.
 */
import fc from 'fast-check';
import { defaultPg, type Pg } from './pg.js';
import { PROPERTIES, type FuzzProperty } from './properties/index.js';

export interface RunOptions {
  /** The pgcodec under test (default: the installed package). */
  pg?: Pg;
  /** Total wall-clock budget, split among the properties by weight. */
  budgetMs: number;
  /** fast-check seed (default: random, and reported). */
  seed?: number;
  /** Only these properties (by name). */
  only?: readonly string[];
  /** Stop at the first failing property (default false). */
  stopOnFailure?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface PropertyReport {
  name: string;
  invariant: string;
  seed: number;
  runs: number;
  ms: number;
  failed: boolean;
  /** The shrunk counterexample, printed. */
  counterexample?: string;
  /** The raw counterexample: the property's arguments (for regression files). */
  value?: unknown;
  /** Milliseconds until the first failing case, before shrinking. */
  msToFailure?: number;
  /** fast-check's path to replay it with the same seed. */
  path?: string;
  error?: string;
}

/** The properties `only` names (all if none); unknown names throw. */
export function selectProperties(only?: readonly string[]): FuzzProperty[] {
  if (only === undefined || only.length === 0) return [...PROPERTIES];
  return only.map((n) => {
    const p = PROPERTIES.find((q) => q.name === n);
    if (p === undefined) throw new Error(`no property '${n}' (there are: ${PROPERTIES.map((q) => q.name).join(', ')})`);
    return p;
  });
}

/** Runs the selected properties and reports each. */
export function runProperties(opts: RunOptions): PropertyReport[] {
  const pg = opts.pg ?? defaultPg;
  const seed = opts.seed ?? (Math.random() * 2 ** 31) | 0;
  const props = selectProperties(opts.only);
  const total = props.reduce((n, p) => n + (p.weight ?? 1), 0);
  const reports: PropertyReport[] = [];
  for (const p of props) {
    const share = Math.max(100, Math.round((opts.budgetMs * (p.weight ?? 1)) / total));
    const t0 = performance.now();
    const prop = p.property(pg);
    // When the first failing case came (before shrinking): how fast a bug is found.
    let found = -1;
    const run = prop.run.bind(prop);
    prop.run = (v) => {
      const out = run(v);
      if (out !== null && found < 0 && !fc.PreconditionFailure.isFailure(out)) found = performance.now() - t0;
      return out;
    };
    const d = fc.check(prop, { seed, numRuns: 2 ** 31 - 1, interruptAfterTimeLimit: share, markInterruptAsFailure: false });
    const r: PropertyReport = { name: p.name, invariant: p.invariant, seed, runs: d.numRuns, ms: Math.round(performance.now() - t0), failed: d.failed };
    if (d.failed) {
      const value: unknown = d.counterexample;
      r.value = value ?? undefined;
      r.counterexample = value === null ? undefined : fc.stringify(value);
      r.msToFailure = Math.round(found);
      r.path = d.counterexamplePath ?? undefined;
      r.error = d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance);
    }
    opts.log?.(`${r.failed ? 'FAIL' : 'ok  '} ${p.name.padEnd(15)} ${String(r.runs).padStart(7)} runs in ${(r.ms / 1000).toFixed(1)} s (seed ${seed})`);
    if (r.failed) opts.log?.(`     ${r.error}\n     counterexample: ${r.counterexample?.slice(0, 2000)}\n     replay: --property ${p.name} --seed ${seed} --path ${r.path}`);
    reports.push(r);
    if (r.failed && opts.stopOnFailure) break;
  }
  return reports;
}

/** Replays one case of `property` exactly: fast-check's seed and path. */
export function replayProperty(pg: Pg, name: string, seed: number, path: string): PropertyReport {
  const [p] = selectProperties([name]);
  const t0 = performance.now();
  const d = fc.check(p!.property(pg), { seed, path, numRuns: 1, endOnFailure: true });
  return {
    name,
    invariant: p!.invariant,
    seed,
    runs: d.numRuns,
    ms: Math.round(performance.now() - t0),
    failed: d.failed,
    error: d.failed ? (d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance)) : undefined,
  };
}
