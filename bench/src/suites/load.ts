/**
 * Load time, apart from throughput: fresh `node` processes import each
 * library's module and create a first decoder (or client object, for
 * postgres.js); the median of several runs. Run from bench/, so modules
 * resolve as the benchmark's own imports do.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BENCH_DIR } from '../paths.ts';
import type { LoadMeasurement } from '../results.ts';
import { quartiles } from '../stats.ts';

const run = promisify(execFile);

/** What each library's fresh process runs: the module, and a statement (with the module as `m`) that makes a first decoder. */
export const LIBRARIES = [
  { contender: 'pg-protocol', specifier: 'pg-protocol', setup: "new (require('pg-protocol/dist/parser.js').Parser)()" },
  { contender: 'postgres.js', specifier: 'postgres', setup: 'm.default({ max: 1, fetch_types: false })' },
  { contender: 'pgcodec-js', specifier: 'pgcodec', setup: "new m.BackendMessageDecoder({ engine: 'js' })" },
  { contender: 'pgcodec-wasm', specifier: 'pgcodec', setup: "new m.BackendMessageDecoder({ engine: 'wasm' })" },
] as const;

export interface LoadOptions {
  /** Libraries by contender name. */
  contenders: readonly string[];
  runs: number;
  onRun?: (done: number, total: number) => void;
}

function script(specifier: string, setup: string): string {
  return [
    "import { createRequire } from 'node:module';",
    "const require = createRequire(process.cwd() + '/');",
    'const t0 = performance.now();',
    `const m = await import(${JSON.stringify(specifier)});`,
    'const t1 = performance.now();',
    `const first = ${setup};`,
    'const t2 = performance.now();',
    'if (first === undefined) process.exitCode = 3;',
    'process.stdout.write(JSON.stringify({ importMs: t1 - t0, setupMs: t2 - t1 }));',
  ].join('\n');
}

export async function runLoad(o: LoadOptions): Promise<LoadMeasurement[]> {
  const out: LoadMeasurement[] = [];
  const libs = LIBRARIES.filter((l) => o.contenders.includes(l.contender));
  let done = 0;
  for (const c of libs) {
    const code = script(c.specifier, c.setup);
    const imports: number[] = [];
    const setups: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: BENCH_DIR, env: { ...process.env, NODE_OPTIONS: '' } });
      const r = JSON.parse(stdout) as { importMs: number; setupMs: number };
      imports.push(r.importMs);
      setups.push(r.setupMs);
      o.onRun?.(++done, libs.length * o.runs);
    }
    out.push({ contender: c.contender, specifier: c.specifier, importMs: quartiles(imports), setupMs: quartiles(setups), runs: o.runs });
  }
  return out;
}
