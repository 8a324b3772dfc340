/**
 * Proxies under load, in front of a throwaway PostgreSQL 15: pgbench
 * `-S -M prepared -c 4 -j 2` TPS straight to the server, through a plain
 * `socket.pipe` proxy (the reference: what any proxy in Node costs),
 * through `pgcodec-proxy` (the CLI: frame path, strict) and through
 * pgbouncer (Debian's package, session pooling; when installed); then
 * MB/s of a 1M-row SELECT fetched through each by the pgcodec client
 * (children/client.ts). Each proxy is a process of its own, as deployed;
 * the contenders alternate within each round, the order rotated per
 * round, and ratios are taken round by round.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ClientArgs, ClientChildResult } from '../children/client.ts';
import { childScript, runChild } from '../children/run.ts';
import { startServer, type Cluster } from '../postgres/server.ts';
import type { Progress } from '../progress.ts';
import { summarize } from '../ratios.ts';
import type { ProxyRow } from '../results.ts';
import { roundOrder } from '../rounds.ts';
import { quartiles } from '../stats.ts';
import { runProcess } from '../../../test/harness/index.ts';

export interface ProxyOptions {
  quick: boolean;
  progress: Progress;
}

export const PROXY_CONTENDERS = ['direct', 'pipe', 'pgcodec-proxy', 'pgbouncer'] as const;
type Contender = (typeof PROXY_CONTENDERS)[number];

const HOW: Record<Contender, string> = {
  direct: 'no proxy',
  pipe: 'node socket.pipe both ways',
  'pgcodec-proxy': 'pgcodec-proxy --log none (strict, frame path)',
  pgbouncer: 'pgbouncer, session pooling',
};

/** A running contender: where to connect, and how to stop it. */
interface Running {
  port: number;
  stop(): void;
}

/** Waits for `p` to print a JSON line on stdout; resolves with it. */
function firstJson<T>(p: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    p.stderr?.on('data', (d: Buffer) => (err += d));
    p.stdout!.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as T);
    });
    p.on('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready: ${err.slice(-500)}`)));
  });
}

/** Resolves once something accepts connections on the port. */
async function listening(port: number, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`${what} is not listening on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startPipe(c: Cluster): Promise<Running> {
  const p = spawn(process.execPath, [childScript('pipe-proxy'), JSON.stringify({ host: c.host, port: c.port })], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { port } = await firstJson<{ port: number }>(p, 'the pipe proxy');
  return { port, stop: () => p.kill() };
}

async function startPgcodecProxy(c: Cluster): Promise<Running> {
  const cli = join(dirname(createRequire(import.meta.url).resolve('@pgcodec/proxy/package.json')), 'dist', 'cli.js');
  const p = spawn(process.execPath, [cli, '--listen', '127.0.0.1:0', '--upstream', `${c.host}:${c.port}`, '--log', 'none'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { listening: at } = await firstJson<{ listening: { port: number } }>(p, 'pgcodec-proxy');
  return { port: at.port, stop: () => p.kill('SIGTERM') };
}

/** pgbouncer from PATH or /usr/sbin, or null. */
function pgbouncerBinary(): string | null {
  for (const b of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) if (existsSync(b)) return b;
  const r = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

async function startPgbouncer(c: Cluster, bin: string, port: number): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'pgcodec-bench-pgbouncer-'));
  chmodSync(dir, 0o755);
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      `postgres = host=${c.host} port=${c.port} dbname=postgres user=${c.users.trust}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = session',
      'max_client_conn = 200',
      'default_pool_size = 20',
      'ignore_startup_parameters = extra_float_digits',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  // pgbouncer will not run as root: it drops to the postgres user (-u), which must own its directory.
  const root = process.getuid?.() === 0;
  if (root) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(id.stdout), Number(gid.stdout));
  }
  const p = spawn(bin, [...(root ? ['-u', 'postgres'] : []), ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  await listening(port, 'pgbouncer');
  return {
    port,
    stop: () => {
      p.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

/** TPS of one pgbench run, or throws with its output. */
async function pgbench(c: Cluster, port: number, seconds: number): Promise<number> {
  const r = await runProcess(join(c.clientBinDir, 'pgbench'), ['-S', '-M', 'prepared', '-c', '4', '-j', '2', '-T', String(seconds), '-n', '-h', '127.0.0.1', '-p', String(port), '-U', c.users.trust, 'postgres'], {
    env: c.clientEnv(),
    timeoutMs: (seconds + 60) * 1000,
  });
  const tps = Number(/tps = ([\d.]+)/.exec(r.stdout)?.[1]);
  if (r.code !== 0 || !(tps > 0)) throw new Error(`pgbench through port ${port} failed: ${r.stderr.slice(-500)}`);
  return tps;
}

export async function runProxy(o: ProxyOptions): Promise<{ rows: ProxyRow[]; note: string | null }> {
  let cluster: Cluster;
  try {
    cluster = await startServer((l) => o.progress.update(l));
  } catch (e) {
    return { rows: [], note: `proxy suite skipped: PostgreSQL could not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
  const notes: string[] = [];
  const running = new Map<Contender, Running>();
  try {
    const env = cluster.clientEnv();
    const init = await runProcess(join(cluster.clientBinDir, 'pgbench'), ['-i', '-s', '1', '-q', '-h', cluster.host, '-p', String(cluster.port), '-U', cluster.users.trust, 'postgres'], { env, timeoutMs: 300_000 });
    if (init.code !== 0) throw new Error(`pgbench -i failed: ${init.stderr.slice(-500)}`);
    running.set('direct', { port: cluster.port, stop: () => {} });
    running.set('pipe', await startPipe(cluster));
    running.set('pgcodec-proxy', await startPgcodecProxy(cluster));
    const bouncer = pgbouncerBinary();
    if (bouncer !== null) running.set('pgbouncer', await startPgbouncer(cluster, bouncer, await freePort()));
    else notes.push('pgbouncer is not installed (apt-get install pgbouncer): its row is left out');

    const names = PROXY_CONTENDERS.filter((c) => running.has(c));
    const rounds = o.quick ? 1 : 5;
    const seconds = o.quick ? 1 : 5;
    const selectRows = o.quick ? 100_000 : 1_000_000;
    const sql = `SELECT g, 'row number ' || g FROM generate_series(1, ${selectRows}) g`;
    const tps = names.map(() => [] as number[]);
    const fetched = names.map(() => [] as ClientChildResult[]);
    const total = rounds * names.length * 2;
    let done = 0;
    for (let r = 0; r < rounds; r++) {
      for (const i of roundOrder(names.length, r)) {
        o.progress.update(`pgbench through ${names[i]}`, done++, total);
        tps[i]!.push(await pgbench(cluster, running.get(names[i]!)!.port, seconds));
      }
      for (const i of roundOrder(names.length, r)) {
        o.progress.update(`${selectRows} rows through ${names[i]}`, done++, total);
        const args: ClientArgs = { client: 'pgcodec', host: '127.0.0.1', port: running.get(names[i]!)!.port, user: cluster.users.trust, sql };
        const got = await runChild<ClientChildResult>('client', args, { nodeArgs: ['--max-old-space-size=8192'] });
        if (got.rows !== selectRows) throw new Error(`${names[i]}: ${got.rows} rows of ${selectRows}`);
        fetched[i]!.push(got);
      }
    }
    const at = (c: Contender) => names.indexOf(c);
    const ratios = (xs: number[], ref: number[]) => summarize(xs.map((x, k) => x / ref[k]!));
    const mbps = (i: number) => fetched[i]!.map((f) => f.bytes / 1e3 / f.ms);
    const rows = names.map((name, i): ProxyRow => ({
      contender: name,
      how: HOW[name],
      rounds,
      seconds,
      tps: quartiles(tps[i]!),
      tpsVsPipe: name === 'pipe' ? null : ratios(tps[i]!, tps[at('pipe')]!),
      tpsVsDirect: name === 'direct' ? null : ratios(tps[i]!, tps[at('direct')]!),
      selectRows,
      selectBytes: fetched[i]![0]!.bytes,
      selectMBps: quartiles(mbps(i)),
      selectVsDirect: name === 'direct' ? null : ratios(mbps(i), mbps(at('direct'))),
    }));
    return { rows, note: notes.length > 0 ? notes.join('; ') : null };
  } finally {
    for (const r of running.values()) r.stop();
    await cluster.stop();
  }
}
