/**
 * Self-test of the harness:
 *  - every committed fixture decodes and frames into whole protocol messages (no PostgreSQL needed);
 *  - live: cluster + recorder + psql through the proxy, against PostgreSQL 15 and 18.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVERS } from '../support/servers.ts';
import {
  decodeSession,
  encodeSession,
  frameSession,
  listFixtures,
  messageCounts,
  readFixtureIndex,
  readSessionFile,
  runProcess,
  startRecorder,
  type Cluster,
  type Recorder,
} from './index.ts';

describe('fixtures', () => {
  const index = readFixtureIndex();

  it('index.json lists existing files with the required fields', () => {
    expect(index.length).toBeGreaterThan(0);
    for (const [i, path] of listFixtures().entries()) {
      expect(existsSync(path), path).toBe(true);
      const e = index[i];
      for (const k of ['file', 'description', 'client', 'auth', 'notes'] as const) expect(typeof e[k], `${e.file}.${k}`).toBe('string');
      expect(e.file).toMatch(/\.pgrec\.gz$/);
    }
  });

  it.each(index.map((e) => [e.file, e] as const))('%s frames into whole messages', (_file, entry) => {
    const path = listFixtures()[index.indexOf(entry)];
    const session = readSessionFile(path);
    expect(session.events.length).toBeGreaterThan(0);
    const framed = frameSession(session);
    expect(framed.problem).toBeUndefined();
    if (!framed.encrypted) expect(framed.leftover).toEqual({ F: 0, B: 0 });
    if (entry.messages) expect(messageCounts(session)).toEqual(entry.messages);
    // the format round-trips byte for byte
    const again = decodeSession(encodeSession(session));
    expect(again.events.map((e) => e.dir)).toEqual(session.events.map((e) => e.dir));
    expect(Buffer.concat(again.events.map((e) => e.bytes)).equals(Buffer.concat(session.events.map((e) => e.bytes)))).toBe(true);
  });
});

describe.each(SERVERS)('live cluster + recorder: $name', (server) => {
  let cluster: Cluster;
  let recorder: Recorder;

  beforeAll(async () => {
    cluster = await server.start();
    recorder = await startRecorder({ host: cluster.host, port: cluster.port });
  }, 120_000);

  afterAll(async () => {
    await recorder?.close();
    await cluster?.stop();
    if (cluster) expect(existsSync(cluster.baseDir)).toBe(false);
  }, 30_000);

  it('records a psql session through the proxy', async () => {
    const r = await runProcess(
      join(cluster.clientBinDir, 'psql'),
      ['-X', '-At', '-d', `host=127.0.0.1 port=${recorder.port} user=postgres dbname=postgres sslmode=disable gssencmode=disable`, '-c', "SELECT 40 + 2, 'x' || NULL"],
      { env: cluster.clientEnv(), timeoutMs: 20_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('42|');
    const sessions = await recorder.waitForAllClosed({ timeoutMs: 10_000 });
    expect(sessions).toHaveLength(1);
    const names = frameSession(sessions[0]).messages.map((m) => `${m.dir}:${m.name}`);
    expect(names[0]).toBe('F:StartupMessage(3.0)');
    expect(names).toContain('F:Query');
    expect(names).toContain('B:DataRow');
    expect(names.at(-1)).toBe('F:Terminate');
    expect(sessions[0].events[0].dir).toBe('F');
  }, 30_000);

  it('authenticates md5 and scram users', async () => {
    for (const u of [cluster.users.md5, cluster.users.scram]) {
      const r = await runProcess(
        join(cluster.clientBinDir, 'psql'),
        ['-X', '-At', '-d', `host=127.0.0.1 port=${recorder.port} user=${u.user} dbname=postgres sslmode=disable gssencmode=disable`, '-c', 'SELECT current_user'],
        { env: cluster.clientEnv({ PGPASSWORD: u.password }), timeoutMs: 20_000 },
      );
      expect(r.stdout.trim()).toBe(u.user);
    }
    const sessions = await recorder.waitForAllClosed({ timeoutMs: 10_000 });
    const auth = sessions.slice(-2).map((s) => frameSession(s).messages.find((m) => m.name.startsWith('Authentication'))?.name);
    expect(auth).toEqual(['AuthenticationMD5Password', 'AuthenticationSASL']);
  }, 30_000);
});
