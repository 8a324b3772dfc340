/** What the numbers were measured on: printed and saved with every report. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import os from 'node:os';
import { BENCH_DIR } from './paths.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  v8: string;
  versions: Record<string, string>;
  /** Commit of the repository, with "-dirty" if the work tree has changes ('' outside git). */
  commit: string;
}

/** The version of the package `name` as node would resolve it from bench/ (node_modules up the tree). */
function pkgVersion(name: string): string {
  for (let dir = BENCH_DIR; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return '?';
  }
}

/** The repository's commit (+ "-dirty"); PGCODEC_BENCH_COMMIT names it for runs outside a git checkout. */
function gitCommit(): string {
  if (process.env.PGCODEC_BENCH_COMMIT) return process.env.PGCODEC_BENCH_COMMIT;
  try {
    const opts = { cwd: BENCH_DIR, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return head + (dirty ? '-dirty' : '');
  } catch {
    return '';
  }
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: (cpus[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    versions: { pgcodec: pkgVersion('pgcodec'), 'pg-protocol': pkgVersion('pg-protocol'), tinybench: pkgVersion('tinybench') },
    commit: gitCommit(),
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB · ${m.os} · Node ${m.node} · pgcodec ${m.versions.pgcodec}, pg-protocol ${m.versions['pg-protocol']}, tinybench ${m.versions.tinybench}${m.commit ? ` · ${m.commit}` : ''}`;
}
