/**
 * Child processes for the suites that measure memory (memory, large,
 * client): each child script in this directory is bundled once per run with
 * esbuild into plain JS (packages stay imports, resolved from bench/), so a
 * child's RSS is its own work plus bare node, not a TypeScript loader's.
 * A child gets its arguments as one JSON string and prints one JSON line.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { BENCH_DIR, BUILD_DIR } from '../paths.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const built = new Map<string, string>();

/** The bundled script of children/<name>.ts. */
export function childScript(name: string): string {
  let out = built.get(name);
  if (out === undefined) {
    mkdirSync(BUILD_DIR, { recursive: true });
    out = join(BUILD_DIR, `${name}.mjs`);
    const r = buildSync({ entryPoints: [resolve(HERE, `${name}.ts`)], outfile: out, write: false, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
    // written beside, then renamed: a run and a test bundling at once never see half a file
    const tmp = `${out}.${process.pid}`;
    writeFileSync(tmp, r.outputFiles[0]!.contents);
    renameSync(tmp, out);
    built.set(name, out);
  }
  return out;
}

export interface ChildOptions {
  /** Flags for node itself, e.g. --expose-gc. */
  nodeArgs?: string[];
  timeoutMs?: number;
}

/** Runs children/<name>.ts with `args`; resolves with the JSON it printed last. */
export function runChild<T>(name: string, args: unknown, o: ChildOptions = {}): Promise<T> {
  const script = childScript(name);
  return new Promise((resolveP, reject) => {
    execFile(
      process.execPath,
      [...(o.nodeArgs ?? []), script, JSON.stringify(args)],
      { cwd: BENCH_DIR, env: { ...process.env, NODE_OPTIONS: '' }, timeout: o.timeoutMs ?? 600_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`child ${name} ${JSON.stringify(args)} failed: ${err.message}\n${stderr.slice(-2000)}`));
          return;
        }
        const last = stdout.trim().split('\n').at(-1) ?? '';
        try {
          resolveP(JSON.parse(last) as T);
        } catch {
          reject(new Error(`child ${name} printed no JSON: ${stdout.slice(-500)}${stderr.slice(-500)}`));
        }
      },
    );
  });
}

/** The argument a child was given. */
export function childArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}
