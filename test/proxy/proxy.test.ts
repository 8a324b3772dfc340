/**
 * @pgcodec/proxy against real servers (PostgreSQL 15 and 18), strict: real
 * clients through the proxy see what they see directly, pgbench runs every
 * query mode without a failed transaction, cancels reach the right server,
 * and a client that breaks the protocol or dies mid-query takes down its
 * own session and nothing else.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxy, type PgProxy } from '@pgcodec/proxy';
import pgClient from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import * as pg from 'pgcodec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../harness/index.ts';
import { WireClient, rows, untilSleeping } from '../client/wire-client.ts';
import { SERVERS, useServer } from '../support/servers.ts';

const HERE = new URL('.', import.meta.url).pathname;
/** ReadyForQuery, idle: where a raw client's startup ends. */
const RFQ_IDLE = Buffer.from(new pg.ReadyForQuery({ status: 'I' }).toWire());

/** Waits until `cond()` holds, polling (for effects seen only from outside, e.g. a socket the proxy closed). */
async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Output of a psql run with what differs between any two runs (PIDs, OIDs) masked. */
function normalize(s: string): string {
  return s
    .replace(/server process with PID \d+/g, 'server process with PID <pid>')
    .replace(/lo_(import|unlink) \d+/g, 'lo_$1 <oid>')
    .replace(/pg_toast_\d+/g, 'pg_toast_<oid>')
    .replace(/pg_temp_\d+/g, 'pg_temp_<n>')
    .replace(/\/tmp\/[^\s"']+/g, '<tmp>');
}

describe.each(SERVERS)('pgcodec-proxy in front of $name', (server) => {
  const s = useServer(server);
  let proxy: PgProxy;
  let work: string;
  const port = () => String(proxy.address.port);
  const bin = (tool: string) => join(s.cluster.clientBinDir, tool);

  beforeAll(async () => {
    proxy = await startProxy({ upstream: { host: s.cluster.host, port: s.cluster.port } });
    work = mkdtempSync(join(tmpdir(), 'pgcodec-proxy-test-'));
    writeFileSync(join(work, 'lo.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff)));
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  // Our own SQL scripts, each rich in what a proxy carries (test/proxy/sql/): psql's output through the
  // proxy must be the same as direct, each run in a fresh database.
  const scripts = readdirSync(join(HERE, 'sql')).filter((f) => f.endsWith('.sql')).sort();
  it.each(scripts)('psql runs sql/%s through the proxy with the same output as direct', async (file) => {
    const run = async (p: string, db: string) => {
      await s.cluster.sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}`);
      const r = await runProcess(bin('psql'), ['-X', '-a', '-h', '127.0.0.1', '-p', p, '-U', 'postgres', '-d', db, '-v', `lofile=${join(work, 'lo.bin')}`, '-f', join(HERE, 'sql', file)], {
        env: s.cluster.clientEnv(),
        timeoutMs: 60_000,
        maxOutput: 64 << 20,
      });
      return { code: r.code, out: normalize(r.stdout), err: normalize(r.stderr) };
    };
    const direct = await run(String(s.cluster.port), 'direct_run');
    const through = await run(port(), 'proxied_run');
    expect(direct.out.length).toBeGreaterThan(1000);
    expect(direct.err).toContain('ERROR:'); // every script provokes errors
    expect(through).toEqual(direct);
    expect(proxy.errors).toEqual([]);
  }, 120_000);

  it('pgbench: -i, then -c 8 -j 2 in simple, extended and prepared modes and a pipeline script, no failed transaction', async () => {
    const env = s.cluster.clientEnv();
    const args = ['-h', '127.0.0.1', '-p', port(), '-U', 'postgres'];
    const init = await runProcess(bin('pgbench'), ['-i', '-s', '1', '-q', ...args, 'postgres'], { env, timeoutMs: 120_000 });
    expect(init.code, init.stderr).toBe(0);
    const pipeline = join(work, 'pipeline.sql');
    writeFileSync(pipeline, '\\set aid random(1, 100000)\n\\startpipeline\nSELECT abalance FROM pgbench_accounts WHERE aid = :aid;\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\nSELECT 1;\n\\endpipeline\n');
    for (const mode of [['-M', 'simple'], ['-M', 'extended'], ['-M', 'prepared'], ['-M', 'prepared', '-f', pipeline], ['-M', 'extended', '-f', pipeline]]) {
      const r = await runProcess(bin('pgbench'), ['-c', '8', '-j', '2', '-t', '150', ...mode, ...args, 'postgres'], { env, timeoutMs: 120_000 });
      expect(r.code, `${mode.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/number of transactions actually processed: 1200\/1200/);
      expect(r.stdout).toMatch(/number of failed transactions: 0 /);
    }
    expect(proxy.errors).toEqual([]);
  }, 240_000);

  // pg_dump refuses a server newer than itself, and the only client tools here are PostgreSQL 15's.
  if (server.major === 15) it('pg_dump through the proxy, restored through the proxy with psql: the same data (PostgreSQL 15: pg_dump 15 refuses a newer server)', async () => {
    const env = s.cluster.clientEnv();
    const args = ['-h', '127.0.0.1', '-p', port(), '-U', 'postgres'];
    await s.cluster.sql('CREATE TABLE IF NOT EXISTS dumped AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g');
    await s.cluster.sql('DROP DATABASE IF EXISTS restored; CREATE DATABASE restored');
    const file = join(work, 'dump.sql');
    const dump = await runProcess(bin('pg_dump'), [...args, '-t', 'dumped', '-f', file, 'postgres'], { env, timeoutMs: 120_000 });
    expect(dump.code, dump.stderr).toBe(0);
    const restore = await runProcess(bin('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args, '-d', 'restored', '-f', file], { env, timeoutMs: 120_000 });
    expect(restore.code, restore.stderr).toBe(0);
    const sum = "SELECT count(*) || ' ' || md5(string_agg(v, ',' ORDER BY id)) FROM dumped";
    expect(await s.cluster.sql(sum, { database: 'restored' })).toBe(await s.cluster.sql(sum));
  }, 180_000);

  it('node-postgres with SCRAM and MD5 users: queries and parameters on the extended protocol', async () => {
    for (const who of [s.cluster.users.scram, s.cluster.users.md5]) {
      const c = new pgClient.Client({ host: '127.0.0.1', port: Number(port()), user: who.user, password: who.password, database: 'postgres' });
      await c.connect();
      const r = await c.query('SELECT current_user AS u, $1::int + 1 AS n', [41]);
      expect(r.rows).toEqual([{ u: who.user, n: 42 }]);
      await c.end();
    }
  });

  it('COPY both ways from node clients: node-postgres (pg-copy-streams) and postgres.js stream 20 000 rows in and back out', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i}\tvalue ${i} with a tab\\tescaped\n`).join('');
    const table = `copy_clients_${server.major}`;
    await s.cluster.sql(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (n int, t text)`);
    const c = new pgClient.Client({ host: '127.0.0.1', port: Number(port()), user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      await pipeline(Readable.from([rows]), c.query(copyFrom(`COPY ${table} FROM STDIN`)));
      const out: Buffer[] = [];
      await pipeline(c.query(copyTo(`COPY ${table} TO STDOUT`)), async function* (source) {
        for await (const chunk of source) out.push(chunk as Buffer);
      });
      expect(Buffer.concat(out).toString()).toBe(rows);
    } finally {
      await c.end();
    }
    const sql = postgres({ host: '127.0.0.1', port: Number(port()), user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`TRUNCATE ${table}`);
      await pipeline(Readable.from([rows]), await sql.unsafe(`COPY ${table} FROM STDIN`).writable());
      const out: Buffer[] = [];
      for await (const chunk of await sql.unsafe(`COPY ${table} TO STDOUT`).readable()) out.push(chunk as Buffer);
      expect(Buffer.concat(out).toString()).toBe(rows);
    } finally {
      await sql.end({ timeout: 5 });
    }
    expect(proxy.errors).toEqual([]);
  }, 60_000);

  it('postgres.js: a cursor, LISTEN/NOTIFY, a pipeline, and a cancel routed to the right server', async () => {
    const sql = postgres({ host: '127.0.0.1', port: Number(port()), user: 'postgres', database: 'postgres', max: 2, onnotice: () => {} });
    try {
      let seen = 0;
      for await (const batch of sql`SELECT g FROM generate_series(1, 1000) g`.cursor(100)) seen += batch.length;
      expect(seen).toBe(1000);
      let heard: (payload: string) => void = () => {};
      const got = new Promise<string>((resolve) => (heard = resolve));
      await sql.listen('proxied', (payload) => heard(payload)); // resolves once LISTEN is in force
      await sql.notify('proxied', 'hi');
      expect(await got).toBe('hi');
      const [a, b] = await Promise.all([sql`SELECT 1 AS x`, sql`SELECT 2 AS x`]);
      expect([a[0]!.x, b[0]!.x]).toEqual([1, 2]);
      const q = sql`SELECT pg_sleep(30)`;
      const failed = q.then(
        () => null,
        (e: { code?: string }) => e.code,
      );
      // Cancel once the server is sleeping (a cancel before the query starts would be lost, or taken back by postgres.js).
      const end = Date.now() + 30_000;
      while ((await s.cluster.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")) === '0') {
        if (Date.now() > end) throw new Error('the query never started sleeping');
        await new Promise((r) => setTimeout(r, 20));
      }
      q.cancel();
      expect(await failed).toBe('57014'); // query_canceled
    } finally {
      await sql.end({ timeout: 5 });
    }
    expect(proxy.stats().cancelsForwarded).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("pgcodec's own client through the proxy: protocol 3.2 where the server speaks it, and a cancel with the server's key", async () => {
    const c = await WireClient.connect({ host: '127.0.0.1', port: Number(port()), user: 'postgres', protocolVersion: pg.StartupRequestCode.V3_2 });
    const watcher = await WireClient.connect({ host: '127.0.0.1', port: Number(port()), user: 'postgres' });
    expect(c.backendKey!.secretKey.length).toBe(server.major >= 18 ? 32 : 4);
    const pid = c.backendKey!.processId;
    c.send(new pg.Query({ queryString: 'SELECT pg_sleep(30)' }));
    await untilSleeping(watcher, pid);
    const cancel = await WireClient.open('127.0.0.1', Number(port()));
    cancel.send(new pg.CancelRequest({ processId: pid, secretKey: c.backendKey!.secretKey }));
    const answer = await c.untilReady();
    expect(answer.some((m) => m instanceof pg.ErrorResponse && m.get('C') === '57014')).toBe(true);
    expect(rows(await c.query('SELECT 7'))).toEqual([['7']]);
    await c.close();
    await watcher.close();
    cancel.socket.destroy();
  }, 60_000);

  it('a client sending garbage: it gets a FATAL protocol_violation and is closed, with an error record; other sessions go on', async () => {
    const other = new pgClient.Client({ host: '127.0.0.1', port: Number(port()), user: 'postgres', database: 'postgres' });
    await other.connect();
    const before = proxy.errors.length;
    const sock: Socket = tcpConnect(Number(port()), '127.0.0.1');
    const got: Buffer[] = [];
    sock.on('data', (d) => got.push(d));
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.write(new pg.StartupMessage({ params: { user: 'postgres', database: 'postgres' } }).toWire());
    await until(() => Buffer.concat(got).includes(RFQ_IDLE), 'ReadyForQuery');
    const seen = Buffer.concat(got).length;
    sock.write(Buffer.from('this is not a protocol message'));
    await closed;
    const after = Buffer.concat(got).subarray(seen);
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(after);
    const m = d.read();
    expect(m).toBeInstanceOf(pg.ErrorResponse);
    expect((m as pg.ErrorResponse).get('C')).toBe('08P01');
    await until(() => proxy.errors.length > before, 'the error record');
    const rec = proxy.errors.at(-1)!;
    expect(rec.side).toBe('client');
    expect(rec.code).toBe(pg.ErrorCode.UNKNOWN_MESSAGE_TYPE);
    expect(rec.phases.client).toBe(pg.ConnectionPhase.FAILED);
    expect(rec.bytesAround).toContain(`|${Buffer.from('this is').toString('hex')}`);
    expect(rec.lastFrames.at(-1)).toBe('server Z');
    expect((await other.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await other.end();
  }, 60_000);

  it('a client killed mid-query: its session closes both sockets; the proxy goes on', async () => {
    const open = proxy.sessions.size;
    const sock: Socket = tcpConnect(Number(port()), '127.0.0.1');
    const got: Buffer[] = [];
    sock.on('data', (d) => got.push(d));
    sock.write(new pg.StartupMessage({ params: { user: 'postgres', database: 'postgres' } }).toWire());
    await until(() => Buffer.concat(got).includes(RFQ_IDLE), 'ReadyForQuery');
    const session = [...proxy.sessions].at(-1)!;
    sock.write(new pg.Query({ queryString: 'SELECT pg_sleep(30)' }).toWire());
    await until(() => session.stats.clientMessages >= 2, 'the query forwarded');
    sock.resetAndDestroy();
    await until(() => session.finished, 'the session to end');
    expect(session.server!.destroyed).toBe(true);
    expect(proxy.sessions.size).toBe(open);
    const c = new pgClient.Client({ host: '127.0.0.1', port: Number(port()), user: 'postgres', database: 'postgres' });
    await c.connect();
    expect((await c.query('SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }]);
    await c.end();
  }, 60_000);

  it('a client that stops reading while the server streams: the proxy stops reading the server (bounded memory), and every row arrives intact once it reads again, while other sessions reuse the decoders\' windows', async () => {
    const sock: Socket = tcpConnect(Number(port()), '127.0.0.1');
    const got: Buffer[] = [];
    let bytes = 0;
    sock.on('data', (d) => (got.push(d), (bytes += d.length)));
    sock.write(new pg.StartupMessage({ params: { user: 'postgres', database: 'postgres' } }).toWire());
    await until(() => Buffer.concat(got).includes(RFQ_IDLE), 'ReadyForQuery');
    const session = [...proxy.sessions].at(-1)!;
    const start = bytes;
    const n = 60_000; // ~60 MB of rows
    sock.write(new pg.Query({ queryString: `SELECT g, repeat(chr(65 + g % 26), 1000) FROM generate_series(1, ${n}) g` }).toWire());
    await until(() => bytes - start > 0, 'the first rows');
    sock.pause();
    const rss0 = process.memoryUsage().rss;
    await until(() => session.readingPaused.server, 'the proxy to pause the server side');
    await new Promise((r) => setTimeout(r, 300));
    expect(session.readingPaused.server).toBe(true);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 << 20);
    // Meanwhile other sessions borrow and return windows.
    const other = new pgClient.Client({ host: '127.0.0.1', port: Number(port()), user: 'postgres', database: 'postgres' });
    await other.connect();
    for (let i = 0; i < 20; i++) expect((await other.query('SELECT count(*)::int AS n FROM generate_series(1, $1::int)', [1000 + i])).rows[0].n).toBe(1000 + i);
    sock.resume();
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    let rowsSeen = 0;
    let ready = false;
    const take = (chunk: Uint8Array) => {
      d.feed(chunk);
      for (let m = d.read(); m !== null; m = d.read()) {
        if (m instanceof pg.DataRow && m.columnCount === 2) {
          const g = Number(m.text(0));
          if (g >= 1) {
            expect(g).toBe(rowsSeen + 1);
            expect(m.text(1)).toBe(String.fromCharCode(65 + (g % 26)).repeat(1000));
            rowsSeen++;
          }
        } else if (m instanceof pg.ReadyForQuery) ready = rowsSeen > 0;
      }
    };
    const all = Buffer.concat(got).subarray(Buffer.concat(got).indexOf(RFQ_IDLE) + 6);
    got.length = 0;
    sock.removeAllListeners('data');
    take(all);
    sock.on('data', (c: Buffer) => take(c));
    await until(() => ready, 'the whole result', 60_000);
    expect(rowsSeen).toBe(n);
    expect(session.readingPaused).toEqual({ client: false, server: false });
    sock.end(new pg.Terminate().toWire());
    await other.end();
    await until(() => session.finished, 'the session to end');
  }, 120_000);

  it('terminates TLS when given a certificate: psql with sslmode=require gets TLS to the proxy, plaintext only upstream', async () => {
    const key = join(work, 'key.pem');
    const cert = join(work, 'cert.pem');
    const gen = await runProcess('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { timeoutMs: 60_000 });
    expect(gen.code, gen.stderr).toBe(0);
    const secure = await startProxy({ upstream: { host: s.cluster.host, port: s.cluster.port }, tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    try {
      const psql = (mode: string) =>
        runProcess(bin('psql'), ['-X', '-At', '-c', 'SELECT 6 * 7', '-c', '\\conninfo'], {
          env: s.cluster.clientEnv({ PGHOST: '127.0.0.1', PGPORT: String(secure.address.port), PGUSER: 'postgres', PGDATABASE: 'postgres', PGSSLMODE: mode }),
          timeoutMs: 60_000,
        });
      const r = await psql('require');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^42\n/);
      expect(r.stdout).toMatch(/SSL connection \(protocol: TLSv1\.[23]/);
      // Directly, the server has no TLS: sslmode=require fails there.
      const direct = await runProcess(bin('psql'), ['-X', '-At', '-c', 'SELECT 1'], { env: s.cluster.clientEnv({ PGHOST: '127.0.0.1', PGPORT: String(s.cluster.port), PGSSLMODE: 'require' }), timeoutMs: 30_000 });
      expect(direct.code).not.toBe(0);
    } finally {
      await secure.close();
    }
  }, 60_000);

  it('counts what went through: messages, bytes, rows and queries', async () => {
    const t = proxy.stats();
    expect(t.total).toBeGreaterThan(10);
    expect(t.rows).toBeGreaterThan(10_000);
    expect(t.queries).toBeGreaterThan(5_000);
    expect(t.clientBytes).toBeGreaterThan(1_000_000); // pgbench -i and the restore send COPY data
    expect(t.serverBytes).toBeGreaterThan(1_000_000);
    expect(t.clientMessages).toBeGreaterThan(t.queries);
    expect(t.latencyMeanMs).toBeGreaterThan(0);
  });
});
