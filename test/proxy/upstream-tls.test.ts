/**
 * TLS to the upstream: the proxy asks the server for TLS (SSLRequest), and
 * on 'S' sends the client's StartupMessage over the encrypted channel; a
 * server that answers 'N' ends the session when TLS is required, and is
 * used in the clear when it is only preferred. Against a PostgreSQL 15
 * with ssl = on (a throwaway self-signed certificate) and one without.
 */
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxy, type PgProxy } from '@pgcodec/proxy';
import pgClient from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, startCluster, type Cluster } from '../harness/index.ts';

describe('TLS to the upstream (PostgreSQL 15)', () => {
  let tlsServer: Cluster;
  let plainServer: Cluster;
  let certDir: string;
  const proxies: PgProxy[] = [];
  const start = async (cluster: Cluster, upstreamTls: 'require' | 'prefer') => {
    const p = await startProxy({ upstream: { host: cluster.host, port: cluster.port }, upstreamTls });
    proxies.push(p);
    return p;
  };
  const query = async (p: PgProxy, sql: string) => {
    const c = new pgClient.Client({ host: '127.0.0.1', port: p.address.port, user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'pgcodec-upstream-tls-'));
    const key = join(certDir, 'server.key');
    const cert = join(certDir, 'server.crt');
    const gen = await runProcess('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { timeoutMs: 60_000 });
    expect(gen.code, gen.stderr).toBe(0);
    // The server reads its key as its own OS user, and refuses a key others can read.
    chmodSync(certDir, 0o755);
    chmodSync(key, 0o600);
    if (process.getuid?.() === 0) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
      const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);
      chownSync(key, uid, gid);
      chownSync(cert, uid, gid);
    }
    tlsServer = await startCluster({ extraConf: ['ssl = on', `ssl_cert_file = '${cert}'`, `ssl_key_file = '${key}'`] });
    plainServer = await startCluster();
  }, 180_000);
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await tlsServer?.stop();
    await plainServer?.stop();
    rmSync(certDir, { recursive: true, force: true });
  }, 60_000);

  it('required and offered: the session upstream is encrypted, the client (in the clear to the proxy) sees nothing different', async () => {
    const p = await start(tlsServer, 'require');
    expect(await query(p, 'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).toEqual([{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }]);
    // The frame path after startup runs over TLS too: a large result and an error.
    expect(await query(p, 'SELECT count(*)::int AS n, sum(length(md5(g::text)))::int AS l FROM generate_series(1, 100000) g')).toEqual([{ n: 100000, l: 3200000 }]);
    await expect(query(p, 'SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    expect(p.errors).toEqual([]);
  });

  it("required and refused: the client gets FATAL 08004 from the proxy; preferred and refused: the session goes on in the clear", async () => {
    const strict = await start(plainServer, 'require');
    await expect(query(strict, 'SELECT 1')).rejects.toMatchObject({ code: '08004', message: expect.stringContaining('does not offer TLS') });
    const lax = await start(plainServer, 'prefer');
    expect(await query(lax, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).toEqual([{ ssl: false }]);
  });
});
