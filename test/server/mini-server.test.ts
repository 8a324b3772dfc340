/**
 * Real clients against a server made of pgcodec's BackendConnection: psql
 * (SSLRequest answered 'N', SCRAM) and node-postgres (SCRAM, simple and
 * extended queries) authenticate with our SCRAM server helper and read the
 * fixed rows; the server's strict state machine reports no violation.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pgClient from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiniServer, type MiniServer } from './mini-server.ts';

const run = promisify(execFile);
let server: MiniServer;

beforeAll(async () => {
  server = await startMiniServer({ alice: 'wonderland', 'bob ü': 'pässwörd' });
});
afterAll(async () => {
  await server?.close();
});

describe('a BackendConnection server', () => {
  it('psql connects with SCRAM over TCP and reads the rows', async () => {
    const { stdout } = await run('psql', ['-X', '-A', '-F', ',', '-h', '127.0.0.1', '-p', String(server.port), '-U', 'alice', '-d', 'db', '-c', 'SELECT * FROM anything'], {
      env: { ...process.env, PGPASSWORD: 'wonderland', PGSSLMODE: 'prefer', PGCONNECT_TIMEOUT: '10' },
      timeout: 20_000,
    });
    expect(stdout.trim().split('\n')).toEqual(['id,name', '1,alpha', '2,', '3,gämma', '(3 rows)']);
    expect(server.errors).toEqual([]);
  });

  it('psql with a wrong password is refused', async () => {
    const r = run('psql', ['-X', '-h', '127.0.0.1', '-p', String(server.port), '-U', 'alice', '-d', 'db', '-c', 'SELECT 1'], {
      env: { ...process.env, PGPASSWORD: 'nope', PGCONNECT_TIMEOUT: '10' },
      timeout: 20_000,
    });
    await expect(r).rejects.toThrow(/password authentication failed for user "alice"/);
  });

  it('node-postgres connects with SCRAM (SASLprep-ed non-ASCII password) and reads the rows, simple and extended', async () => {
    const client = new pgClient.Client({ host: '127.0.0.1', port: server.port, user: 'bob ü', password: 'pässwörd', database: 'db' });
    await client.connect();
    const simple = await client.query('SELECT * FROM anything');
    expect(simple.rows).toEqual([
      { id: 1, name: 'alpha' },
      { id: 2, name: null },
      { id: 3, name: 'gämma' },
    ]);
    const extended = await client.query({ text: 'SELECT * FROM anything WHERE $1::int > 0', values: [1], rowMode: 'array' });
    expect(extended.rows).toEqual([
      [1, 'alpha'],
      [2, null],
      [3, 'gämma'],
    ]);
    await client.end();
    expect(server.errors).toEqual([]);
  });
});
