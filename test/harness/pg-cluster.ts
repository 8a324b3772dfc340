/**
 * Throwaway PostgreSQL cluster for recording / replaying wire-protocol sessions.
 *
 * startCluster() runs initdb in a fresh temp dir (as the `postgres` OS user when we are root,
 * because initdb/pg_ctl refuse to run as root), configures TCP on 127.0.0.1 only, logical
 * replication, trust/md5/scram/password users, starts it with `pg_ctl -w`, and returns a handle.
 * stop() does `pg_ctl stop -m immediate` and deletes the temp dir.
 *
 * Leftover protection: an exit handler stops every still-running cluster synchronously, signal
 * handlers do the same, and a tiny detached `sh` watchdog stops the cluster if this process dies
 * without running any handler (SIGKILL, crashed vitest worker, ...).
 *
 * node: builtins only.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, chownSync, chmodSync, appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

export interface ClusterUser {
  user: string;
  password: string;
}

export interface ClusterUsers {
  /** Superuser, authenticated by `trust` (no password exchange: AuthenticationOk only). */
  trust: string;
  /** MD5-hashed password + `md5` hba method (AuthenticationMD5Password). */
  md5: ClusterUser;
  /** SCRAM-SHA-256 password + `scram-sha-256` hba method (AuthenticationSASL/Continue/Final). */
  scram: ClusterUser;
  /** SCRAM-stored password + `password` hba method (AuthenticationCleartextPassword). Extra, beyond the original brief. */
  password: ClusterUser;
  /**
   * Role with hba method `gss` (AuthenticationGSS), present only if the server was built with GSSAPI.
   * No Kerberos is set up, so nobody can actually log in as it; useful to provoke AuthenticationGSS.
   */
  gss?: string;
}

export interface Cluster {
  host: '127.0.0.1';
  port: number;
  /** The server's major version (15, 18, ...), from `postgres --version`. */
  major: number;
  /** The server's version string, e.g. '18.4'. */
  version: string;
  /** Unix socket directory (= the temp dir). */
  socketDir: string;
  dataDir: string;
  binDir: string;
  /** Where psql, pgbench and the other client tools are (binDir, or PostgreSQL 15's for the npm PostgreSQL 18). */
  clientBinDir: string;
  /** The temp dir holding data/, the server log and the socket. Removed by stop(). */
  baseDir: string;
  logFile: string;
  users: ClusterUsers;
  /** Last `lines` lines of the server log ('' if unreadable). */
  logTail(lines?: number): string;
  /** Environment for running client tools (psql, pgbench, ...) against the cluster directly over TCP. */
  clientEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /**
   * Run SQL directly (not through any recorder) over the unix socket as the trust superuser with psql.
   * Resolves with psql's stdout (unaligned, tuples only); rejects with stderr on error.
   */
  sql(sql: string, opts?: { database?: string; timeoutMs?: number }): Promise<string>;
  /** Stop the server (immediate mode) and remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  /** Directory with initdb, pg_ctl, postgres. Default: $PG_BIN_DIR or /usr/lib/postgresql/15/bin. */
  binDir?: string;
  /** Directory with the client tools (psql, pgbench, ...), when binDir has none (the npm PostgreSQL 18). Default: binDir. */
  clientBinDir?: string;
  /** Fixed port. Default: a free port picked by binding port 0. */
  port?: number;
  /** OS user to run the server as when we are root. Default 'postgres'. */
  osUser?: string;
  /** Extra postgresql.conf lines appended after ours. */
  extraConf?: string[];
  /** Timeout for initdb and for pg_ctl start, each. Default 60 s. */
  timeoutMs?: number;
  /** Spawn the watchdog that stops the cluster if this process dies abruptly. Default true. */
  watchdog?: boolean;
  /** Progress logging. Default: silent. */
  log?: (msg: string) => void;
}

export const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';

export const USERS: ClusterUsers = Object.freeze({
  trust: 'postgres',
  md5: Object.freeze({ user: 'md5_user', password: 'md5_pass' }),
  scram: Object.freeze({ user: 'scram_user', password: 'scram_pass' }),
  password: Object.freeze({ user: 'password_user', password: 'password_pass' }),
}) as ClusterUsers;

const GSS_USER = 'gss_user';

/** True if `pg_config --configure` in binDir mentions --with-gssapi (hba method `gss` is then accepted). */
function serverHasGssapi(binDir: string): boolean {
  const pgConfig = join(binDir, 'pg_config');
  if (!existsSync(pgConfig)) return false;
  const r = spawnSync(pgConfig, ['--configure'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && /--with-gssapi/.test(r.stdout);
}

// ---------------------------------------------------------------------------------------------
// small process helpers

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  input?: string | Uint8Array;
  /** Cap on captured stdout/stderr bytes each (keeps roughly the tail). Default 1 MiB. */
  maxOutput?: number;
}

/**
 * Spawn a process (in its own process group), capture output, kill the whole group with SIGKILL on timeout.
 * Never rejects for a non-zero exit; rejects only if the binary cannot be spawned at all.
 */
export function runProcess(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const maxOutput = opts.maxOutput ?? 1 << 20;
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    };
    if (opts.uid !== undefined) spawnOpts.uid = opts.uid;
    if (opts.gid !== undefined) spawnOpts.gid = opts.gid;
    let child;
    try {
      child = spawn(cmd, args, spawnOpts);
    } catch (err) {
      reject(err);
      return;
    }
    // keep (about) the last maxOutput bytes of each stream, decode as UTF-8 at the end
    const collect = () => {
      const chunks: Buffer[] = [];
      let size = 0;
      return {
        push(d: Buffer) {
          chunks.push(d);
          size += d.length;
          while (size - chunks[0].length >= maxOutput) size -= chunks.shift()!.length;
        },
        text: () => Buffer.concat(chunks).toString('utf8'),
      };
    };
    const out = collect();
    const err = collect();
    let timedOut = false;
    let settled = false;
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    const killGroup = () => {
      if (child.pid === undefined) return;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    });
    // 'close' waits for stdio to close; if a grandchild kept our pipes open we still finish
    // shortly after 'exit'.
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (settled || !exitInfo) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      resolve({ ...exitInfo, stdout: out.text(), stderr: err.text(), timedOut });
    };
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      graceTimer = setTimeout(finish, 2000);
      graceTimer.unref();
    });
    child.on('close', () => finish());
    child.stdin!.on('error', () => { /* EPIPE when the process exits early */ });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

function describeRun(what: string, r: RunResult): string {
  const status = r.timedOut ? 'timed out (killed)' : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
  const out = [r.stdout.trim() && `stdout:\n${tail(r.stdout, 30)}`, r.stderr.trim() && `stderr:\n${tail(r.stderr, 30)}`]
    .filter(Boolean)
    .join('\n');
  return `${what}: ${status}${out ? `\n${out}` : ''}`;
}

function tail(text: string, lines: number): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

/** Bind a TCP server on 127.0.0.1:0, read the port the kernel picked, close it. */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// OS user lookup

interface OsIds { uid: number; gid: number }

function lookupOsUser(name: string): OsIds | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch { /* fall through */ }
  const u = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (u.status === 0 && g.status === 0) return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// cleanup registry (exit / signals)

interface LiveCluster {
  stopSync(): void;
}

const live = new Set<LiveCluster>();
let handlersInstalled = false;

function stopAllSync(): void {
  for (const c of [...live]) {
    try { c.stopSync(); } catch { /* best effort */ }
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', stopAllSync);
  if (!isMainThread) return; // signals are not delivered to worker threads
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      stopAllSync();
      // If we are the only listener, restore default behaviour (terminate with that signal).
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      }
    };
    try { process.on(sig, handler); } catch { /* unsupported platform */ }
  }
}

// ---------------------------------------------------------------------------------------------

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function pickTempBase(): string {
  // The unix socket path (<dir>/.s.PGSQL.<port>) must stay under ~107 bytes.
  const t = tmpdir();
  return t.length <= 60 ? t : '/tmp';
}

export async function startCluster(opts: StartClusterOptions = {}): Promise<Cluster> {
  const binDir = opts.binDir ?? process.env.PG_BIN_DIR ?? DEFAULT_BIN_DIR;
  const clientBinDir = opts.clientBinDir ?? binDir;
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 60_000;

  const missing = [join(binDir, 'initdb'), join(binDir, 'pg_ctl'), join(binDir, 'postgres'), join(clientBinDir, 'psql')].filter((b) => !existsSync(b));
  if (missing.length) {
    throw new Error(
      `PostgreSQL binaries not found: ${missing.join(', ')}. ` +
        `Install PostgreSQL 15 (Debian/Ubuntu: apt-get install -y postgresql-15) or point PG_BIN_DIR ` +
        `(or startCluster({ binDir })) at a directory containing initdb, pg_ctl, postgres and psql.`,
    );
  }

  // initdb and pg_ctl refuse to run as root: use the postgres OS user then.
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let ids: OsIds | undefined;
  if (isRoot) {
    const osUser = opts.osUser ?? 'postgres';
    ids = lookupOsUser(osUser);
    if (!ids) {
      throw new Error(
        `Running as root, but OS user '${osUser}' does not exist (initdb refuses to run as root). ` +
          `Create it (apt-get install postgresql-15 does) or run as a non-root user.`,
      );
    }
  }
  const asPg = ids ? { uid: ids.uid, gid: ids.gid } : {};

  const baseDir = mkdtempSync(join(pickTempBase(), 'pgcluster-'));
  if (ids) chownSync(baseDir, ids.uid, ids.gid);
  chmodSync(baseDir, 0o700);
  const dataDir = join(baseDir, 'data');
  const logFile = join(baseDir, 'server.log');
  const socketDir = baseDir;
  const serverEnv: NodeJS.ProcessEnv = {
    PATH: `${binDir}:${clientBinDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: baseDir,
    LANG: 'C',
    LC_ALL: 'C',
    TZ: 'UTC',
  };
  const pgCtl = join(binDir, 'pg_ctl');

  let port = 0;
  let started = false;
  let stopped = false;
  let watchdogPid: number | undefined;

  const logTail = (lines = 40): string => {
    try { return tail(readFileSync(logFile, 'utf8'), lines); } catch { return ''; }
  };

  const killPostmasterFromPidFile = () => {
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch { /* not running */ }
  };

  const entry: LiveCluster = {
    stopSync() {
      if (stopped) return;
      stopped = true;
      live.delete(entry);
      if (watchdogPid) { try { process.kill(-watchdogPid, 'SIGKILL'); } catch { /* gone */ } } // its process group: sh + sleep
      if (started) {
        const r = spawnSync(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '15', '-s'], {
          ...asPg, env: serverEnv, cwd: baseDir, stdio: 'ignore', timeout: 20_000,
        });
        if (r.status !== 0) killPostmasterFromPidFile();
      }
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
  live.add(entry);
  installHandlers();

  const fail = async (message: string): Promise<never> => {
    const logText = logTail(40);
    entry.stopSync();
    throw new Error(`${message}${logText ? `\n--- server log tail (${logFile}) ---\n${logText}` : ''}`);
  };

  // 1. initdb
  log(`initdb in ${dataDir}`);
  const init = await runProcess(
    join(binDir, 'initdb'),
    ['-D', dataDir, '-U', USERS.trust, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'],
    { ...asPg, env: serverEnv, cwd: baseDir, timeoutMs },
  );
  if (init.code !== 0) await fail(describeRun('initdb failed', init));

  // 2. configuration
  const withGss = serverHasGssapi(binDir);
  const hba = [
    '# generated by test/harness/pg-cluster.ts',
    'local   all          all                          trust',
    `host    all          ${USERS.md5.user.padEnd(14)} 127.0.0.1/32  md5`,
    `host    all          ${USERS.scram.user.padEnd(14)} 127.0.0.1/32  scram-sha-256`,
    `host    all          ${USERS.password.user.padEnd(14)} 127.0.0.1/32  password`,
    ...(withGss ? [`host    all          ${GSS_USER.padEnd(14)} 127.0.0.1/32  gss`] : []),
    'host    all          all            127.0.0.1/32  trust',
    `host    replication  ${USERS.md5.user.padEnd(14)} 127.0.0.1/32  md5`,
    `host    replication  ${USERS.scram.user.padEnd(14)} 127.0.0.1/32  scram-sha-256`,
    `host    replication  ${USERS.password.user.padEnd(14)} 127.0.0.1/32  password`,
    'host    replication  all            127.0.0.1/32  trust',
    '',
  ].join('\n');
  writeFileSync(join(dataDir, 'pg_hba.conf'), hba); // existing file: keeps its owner

  const baseConf = (p: number) =>
    [
      '',
      '# --- test/harness/pg-cluster.ts ---',
      `port = ${p}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${socketDir.replace(/'/g, "''")}'`,
      'wal_level = logical',
      'max_wal_senders = 4',
      'max_replication_slots = 4',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'ssl = off',
      'max_connections = 30',
      "timezone = 'UTC'",
      "log_timezone = 'UTC'",
      "lc_messages = 'C'",
      "password_encryption = 'scram-sha-256'",
      'logging_collector = off',
      "log_line_prefix = '%m [%p] %q%u@%d '",
      ...(opts.extraConf ?? []),
      '',
    ].join('\n');

  // 3. start (retry on a port race)
  const attempts = opts.port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    port = opts.port ?? (await getFreePort());
    // Later settings win, so appending again on retry overrides the previous port.
    appendFileSync(join(dataDir, 'postgresql.conf'), baseConf(port));
    log(`pg_ctl start on port ${port}`);
    started = true; // from here on, stop must try pg_ctl stop
    const r = await runProcess(
      pgCtl,
      ['start', '-D', dataDir, '-l', logFile, '-w', '-t', String(Math.ceil(timeoutMs / 1000)), '-s'],
      { ...asPg, env: serverEnv, cwd: baseDir, timeoutMs: timeoutMs + 5000 },
    );
    if (r.code === 0) break;
    const logText = logTail(40);
    const portRace = /could not bind|Address already in use/i.test(logText);
    if (portRace && attempt < attempts) {
      log(`port ${port} taken, retrying`);
      spawnSync(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-s'], { ...asPg, env: serverEnv, cwd: baseDir, stdio: 'ignore', timeout: 20_000 });
      continue;
    }
    await fail(describeRun(`pg_ctl start failed (port ${port}, data ${dataDir})`, r));
  }

  // 4. watchdog: stops the cluster if this process disappears without cleanup
  if ((opts.watchdog ?? true) && process.platform === 'linux' && existsSync(`/proc/${process.pid}`)) {
    const script =
      `while [ -d /proc/${process.pid} ]; do sleep 1; done; ` +
      `${shellQuote(pgCtl)} stop -D ${shellQuote(dataDir)} -m immediate -s >/dev/null 2>&1; ` +
      `rm -rf ${shellQuote(baseDir)}`;
    const wd = spawn('/bin/sh', ['-c', script], { ...asPg, env: serverEnv, cwd: '/', detached: true, stdio: 'ignore' });
    wd.on('error', () => { /* watchdog is best effort */ });
    wd.unref();
    watchdogPid = wd.pid;
  }

  const psql = join(clientBinDir, 'psql');
  const sql = async (text: string, o: { database?: string; timeoutMs?: number } = {}): Promise<string> => {
    const r = await runProcess(
      psql,
      ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', USERS.trust, '-d', o.database ?? 'postgres', '-f', '-'],
      { ...asPg, env: { ...serverEnv, PGCONNECT_TIMEOUT: '10' }, cwd: baseDir, input: text, timeoutMs: o.timeoutMs ?? 60_000 },
    );
    if (r.code !== 0) throw new Error(describeRun('psql (direct, unix socket) failed', r));
    return r.stdout;
  };

  // 5. roles
  try {
    await sql(`
      SET password_encryption = 'md5';
      CREATE ROLE ${USERS.md5.user} LOGIN REPLICATION SUPERUSER PASSWORD '${USERS.md5.password}';
      SET password_encryption = 'scram-sha-256';
      CREATE ROLE ${USERS.scram.user} LOGIN REPLICATION SUPERUSER PASSWORD '${USERS.scram.password}';
      CREATE ROLE ${USERS.password.user} LOGIN REPLICATION SUPERUSER PASSWORD '${USERS.password.password}';
      ${withGss ? `CREATE ROLE ${GSS_USER} LOGIN;` : ''}
    `);
    const check = await sql(
      `SELECT rolname || '=' || left(rolpassword, 6) FROM pg_authid WHERE rolname IN ('${USERS.md5.user}', '${USERS.scram.user}') ORDER BY 1;`,
    );
    if (!/md5_user=md5/.test(check) || !/scram_user=SCRAM-/.test(check)) {
      throw new Error(`unexpected password hashes: ${check.trim()}`);
    }
  } catch (err) {
    await fail(`cluster started but role setup failed: ${(err as Error).message}`);
  }
  log(`cluster ready: 127.0.0.1:${port}, socket dir ${socketDir}`);

  const versionOut = spawnSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const version = /\(PostgreSQL\) (\d+(?:\.\d+)*)/.exec(versionOut)?.[1] ?? '0';
  const cluster: Cluster = {
    host: '127.0.0.1',
    port,
    major: Number(version.split('.')[0]),
    version,
    socketDir,
    dataDir,
    binDir,
    clientBinDir,
    baseDir,
    logFile,
    users: withGss ? { ...USERS, gss: GSS_USER } : USERS,
    logTail,
    clientEnv(extra = {}) {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (!k.startsWith('PG')) env[k] = v; // drop the caller's PGHOST/PGUSER/... to avoid surprises
      }
      Object.assign(env, {
        PATH: `${clientBinDir}:${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        PGCONNECT_TIMEOUT: '10',
        PGPASSFILE: join(baseDir, 'no-such-pgpass'),
        PGSERVICEFILE: join(baseDir, 'no-such-service-file'),
        PGSYSCONFDIR: join(baseDir, 'no-such-sysconfdir'),
        PGTZ: 'UTC',
        PAGER: '',
        PSQL_PAGER: '',
        PSQLRC: '/dev/null',
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
      });
      for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      return env;
    },
    sql,
    async stop() {
      if (stopped) return;
      stopped = true;
      live.delete(entry);
      if (watchdogPid) { try { process.kill(-watchdogPid, 'SIGKILL'); } catch { /* gone */ } } // its process group: sh + sleep
      const r = await runProcess(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '15', '-s'], {
        ...asPg, env: serverEnv, cwd: baseDir, timeoutMs: 20_000,
      });
      if (r.code !== 0) killPostmasterFromPidFile();
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
  return cluster;
}
