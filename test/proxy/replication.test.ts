/**
 * Replication connections through pgcodec-proxy, strict: a base backup
 * streamed with its WAL (pg_basebackup -X stream), verified by
 * pg_verifybackup, and logical decoding streamed by pg_recvlogical while
 * pgbench writes — CopyBoth both ways, the walsender's keepalives and the
 * client's status updates checked by both state machines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxy, type PgProxy } from '@pgcodec/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../harness/index.ts';
import { SERVERS, useServer } from '../support/servers.ts';

describe.each(SERVERS)('replication through pgcodec-proxy in front of $name', (server) => {
  const s = useServer(server);
  let proxy: PgProxy;
  let work: string;
  const bin = (tool: string) => join(s.cluster.clientBinDir, tool);
  const at = () => ['-h', '127.0.0.1', '-p', String(proxy.address.port), '-U', 'postgres'];

  beforeAll(async () => {
    proxy = await startProxy({ upstream: { host: s.cluster.host, port: s.cluster.port } });
    work = mkdtempSync(join(tmpdir(), 'pgcodec-proxy-repl-'));
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    rmSync(work, { recursive: true, force: true });
  });

  // pg_basebackup and pg_verifybackup refuse a server newer than themselves: the client tools here are PostgreSQL 15's.
  if (server.major === 15) {
    it('pg_basebackup -X stream through the proxy, checked by pg_verifybackup', async () => {
      const dir = join(work, 'base');
      const b = await runProcess(bin('pg_basebackup'), [...at(), '-D', dir, '-X', 'stream', '-c', 'fast', '--no-sync'], { env: s.cluster.clientEnv(), timeoutMs: 180_000 });
      expect(b.code, b.stderr).toBe(0);
      const v = await runProcess(bin('pg_verifybackup'), [dir], { env: s.cluster.clientEnv(), timeoutMs: 120_000 });
      expect(v.code, v.stderr + v.stdout).toBe(0);
      expect(v.stdout).toContain('backup successfully verified');
      expect(proxy.errors).toEqual([]);
    }, 240_000);
  }

  it('pg_recvlogical streams the changes pgbench makes meanwhile, through the proxy', async () => {
    const env = s.cluster.clientEnv();
    const slot = `pgcodec_slot_${server.major}`;
    const init = await runProcess(bin('pgbench'), ['-i', '-s', '1', '-q', ...at(), 'postgres'], { env, timeoutMs: 120_000 });
    expect(init.code, init.stderr).toBe(0);
    const create = await runProcess(bin('pg_recvlogical'), [...at(), '-d', 'postgres', '--slot', slot, '--create-slot', '--plugin', 'test_decoding'], { env, timeoutMs: 60_000 });
    expect(create.code, create.stderr).toBe(0);
    const out = join(work, 'changes.txt');
    const recv = spawn(bin('pg_recvlogical'), [...at(), '-d', 'postgres', '--slot', slot, '--start', '-f', out, '-F', '1', '-s', '1'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let recvErr = '';
    recv.stderr.on('data', (d: Buffer) => (recvErr += d));
    const exited = new Promise<number | null>((r) => recv.on('exit', (code) => r(code)));
    const bench = await runProcess(bin('pgbench'), ['-c', '4', '-j', '2', '-t', '200', '-n', ...at(), 'postgres'], { env, timeoutMs: 120_000 });
    expect(bench.code, bench.stderr).toBe(0);
    // Wait until the last transaction pgbench made has been decoded and written out.
    const marker = `marker_${Date.now()}`;
    await s.cluster.sql(`CREATE TABLE IF NOT EXISTS marks (m text); INSERT INTO marks VALUES ('${marker}')`);
    const end = Date.now() + 60_000;
    let text = '';
    while (!text.includes(marker)) {
      if (Date.now() > end) throw new Error(`the marker never arrived: ${recvErr}`);
      await new Promise((r) => setTimeout(r, 100));
      try {
        text = readFileSync(out, 'utf8');
      } catch {
        text = '';
      }
    }
    recv.kill('SIGINT'); // pg_recvlogical's clean stop: CopyDone, then it exits
    expect(await exited).toBe(0);
    const updates = (text.match(/table public\.pgbench_accounts: UPDATE/g) ?? []).length;
    expect(updates).toBe(800); // 4 clients × 200 transactions, one account update each
    expect((text.match(/^COMMIT/gm) ?? []).length).toBeGreaterThanOrEqual(800);
    const drop = await runProcess(bin('pg_recvlogical'), [...at(), '-d', 'postgres', '--slot', slot, '--drop-slot'], { env, timeoutMs: 60_000 });
    expect(drop.code, drop.stderr).toBe(0);
    expect(proxy.errors).toEqual([]);
  }, 240_000);
});
