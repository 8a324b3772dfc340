/**
 * Load time, apart from throughput: fresh `node` processes import each
 * contender's module and create a first decoder; the median of several runs.
 * Run from bench/, so modules resolve as the benchmark's own imports do.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Contender } from '../contenders/types.ts';
import { BENCH_DIR } from '../paths.ts';
import type { LoadMeasurement } from '../results.ts';
import { quartiles } from '../stats.ts';

const run = promisify(execFile);

export interface LoadOptions {
  contenders: readonly Contender[];
  runs: number;
  log: (line: string) => void;
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
  for (const c of o.contenders) {
    if (!c.load) continue;
    const code = script(c.load.specifier, c.load.setup);
    const imports: number[] = [];
    const setups: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: BENCH_DIR, env: { ...process.env, NODE_OPTIONS: '' } });
      const r = JSON.parse(stdout) as { importMs: number; setupMs: number };
      imports.push(r.importMs);
      setups.push(r.setupMs);
    }
    const m: LoadMeasurement = { contender: c.name, specifier: c.load.specifier, importMs: quartiles(imports), setupMs: quartiles(setups), runs: o.runs };
    out.push(m);
    o.log(`  load ${c.name.padEnd(14)} import ${m.importMs.median.toFixed(2)} ms, first decoder ${m.setupMs.median.toFixed(3)} ms (${o.runs} runs)`);
  }
  return out;
}
