/**
 * pgcodec-proxy at scale and under faults, as a process of its own (the
 * CLI) in front of a PostgreSQL 15 allowed 1100 connections: what 1000
 * idle clients cost it in RSS, its RSS while 10 M rows stream through one
 * connection, and what happens when the server dies in the middle of a
 * result. Its RSS is read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import * as pg from 'pgcodec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../harness/index.ts';

const CLI = join(dirname(createRequire(import.meta.url).resolve('@pgcodec/proxy/package.json')), 'dist', 'cli.js');
const RFQ_IDLE = Buffer.from(new pg.ReadyForQuery({ status: 'I' }).toWire());

/** RSS of a process, bytes, from /proc. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** Open file descriptors of a process. */
function fds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** A raw client through the proxy: logged in (trust), its bytes collected. */
async function login(port: number): Promise<{ sock: Socket; got: () => Buffer; pid: number }> {
  const sock = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  sock.on('data', (d) => chunks.push(d));
  sock.on('error', () => {});
  sock.write(new pg.StartupMessage({ params: { user: 'postgres', database: 'postgres' } }).toWire());
  const got = () => (chunks.length > 1 ? (chunks.splice(0, chunks.length, Buffer.concat(chunks)), chunks[0]!) : (chunks[0] ?? Buffer.alloc(0)));
  await new Promise<void>((resolve, reject) => {
    const check = () => (got().includes(RFQ_IDLE) ? resolve() : undefined);
    sock.on('data', check);
    sock.on('close', () => reject(new Error('closed during startup')));
  });
  const c = new pg.FrontendConnection();
  c.send(new pg.StartupMessage({ params: { user: 'postgres' } }));
  let pid = 0;
  for (const m of c.receive(got())) if (m instanceof pg.BackendKeyData) pid = m.processId;
  return { sock, got, pid };
}

describe('pgcodec-proxy at scale and under faults (PostgreSQL 15)', () => {
  let cluster: Cluster;
  let proxy: ChildProcess;
  let port = 0;
  let stderr = '';

  beforeAll(async () => {
    cluster = await startCluster({ extraConf: ['max_connections = 1100', 'shared_buffers = 32MB'] });
    proxy = spawn(process.execPath, [CLI, '--listen', '127.0.0.1:0', '--upstream', `${cluster.host}:${cluster.port}`, '--log', 'none'], { stdio: ['ignore', 'pipe', 'pipe'] });
    proxy.stderr!.on('data', (d: Buffer) => (stderr += d));
    port = await new Promise<number>((resolve) => {
      let out = '';
      proxy.stdout!.on('data', (d: Buffer) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { listening: { port: number } }).listening.port);
      });
    });
  }, 120_000);
  afterAll(async () => {
    proxy?.kill('SIGTERM');
    await cluster?.stop();
  }, 60_000);

  it('1000 idle clients through the proxy add at most 100 MB to its RSS, and leave no socket open once gone', async () => {
    const fdsBefore = fds(proxy.pid!);
    const clients: Socket[] = [];
    // Warm up (JIT, pools) with a few, then measure the thousand.
    for (let i = 0; i < 5; i++) clients.push((await login(port)).sock);
    const before = rss(proxy.pid!);
    for (let i = 0; i < 100; i++) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => login(port)));
      for (const b of batch) clients.push(b.sock);
    }
    const added = rss(proxy.pid!) - before;
    console.log(`1000 idle clients through pgcodec-proxy: +${(added / 1e6).toFixed(1)} MB RSS (${((added / 1000) / 1024).toFixed(1)} KiB each)`);
    expect(added).toBeLessThan(100e6);
    expect(fds(proxy.pid!)).toBeGreaterThanOrEqual(fdsBefore + 2 * 1000); // a client socket and an upstream socket each
    for (const s of clients) s.end(new pg.Terminate().toWire());
    const end = Date.now() + 60_000;
    while (fds(proxy.pid!) > fdsBefore && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(fds(proxy.pid!)).toBe(fdsBefore);
  }, 300_000);

  it('10 M rows through one connection: the proxy RSS stays bounded', async () => {
    const { sock } = await login(port);
    sock.removeAllListeners('data');
    const base = rss(proxy.pid!);
    let peak = base;
    let bytes = 0;
    let tail = Buffer.alloc(0);
    const done = new Promise<void>((resolve) => {
      sock.on('data', (d: Buffer) => {
        bytes += d.length;
        tail = Buffer.concat([tail, d]).subarray(-6);
        if (tail.equals(RFQ_IDLE)) resolve();
      });
    });
    const timer = setInterval(() => (peak = Math.max(peak, rss(proxy.pid!))), 50);
    sock.write(new pg.Query({ queryString: 'SELECT g, g::text FROM generate_series(1, 10000000) g' }).toWire());
    await done;
    clearInterval(timer);
    console.log(`10 M rows (${(bytes / 1e6).toFixed(0)} MB) through pgcodec-proxy: RSS ${(base / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB (+${((peak - base) / 1e6).toFixed(1)} MB)`);
    expect(bytes).toBeGreaterThan(10_000_000 * 20);
    expect(peak - base).toBeLessThan(64e6);
    sock.end(new pg.Terminate().toWire());
  }, 300_000);

  it('the server killed mid-result: the client gets the whole frames sent (and FATAL admin_shutdown if PostgreSQL could send it), then a close; other sessions go on', async () => {
    const victim = await login(port);
    const other = await login(port);
    let closed = false;
    victim.sock.on('close', () => (closed = true));
    victim.sock.write(new pg.Query({ queryString: 'SELECT g, repeat(chr(65 + g % 26), 100) FROM generate_series(1, 5000000) g' }).toWire());
    // Wait until rows flow, then terminate its backend from a direct connection.
    while (victim.got().length < 1_000_000) await new Promise((r) => setTimeout(r, 20));
    await cluster.sql(`SELECT pg_terminate_backend(${victim.pid})`);
    while (!closed) await new Promise((r) => setTimeout(r, 20));
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    const all = victim.got();
    d.feed(all.subarray(all.indexOf(RFQ_IDLE) + RFQ_IDLE.length));
    let rows = 0;
    let fatal: pg.ErrorResponse | null = null;
    for (let m = d.read(); m !== null; m = d.read()) {
      if (m instanceof pg.DataRow) rows++;
      else if (m instanceof pg.ErrorResponse) fatal = m;
    }
    expect(rows).toBeGreaterThan(1000);
    // PostgreSQL sends FATAL admin_shutdown only if it was not in the middle of a message (PqCommBusy):
    // terminated while streaming, it usually just closes. Either way the client got whole frames only.
    if (fatal !== null) expect(fatal.get('C')).toBe('57P01');
    expect(d.buffered).toBe(0);
    other.sock.write(new pg.Query({ queryString: 'SELECT 1' }).toWire());
    const seen = other.got().length;
    while (other.got().subarray(seen).indexOf(RFQ_IDLE) < 0) await new Promise((r) => setTimeout(r, 20));
    other.sock.end(new pg.Terminate().toWire());
    expect(stderr).not.toMatch(/Error|ProtocolError/);
    expect(rows).toBeLessThan(5_000_000);
  }, 120_000);
});
