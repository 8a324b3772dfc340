/**
 * The README examples that need a server run here, as a user would run
 * them, and must print their documented output: those marked
 * `// needs: postgres` against both PostgreSQL 15 and 18, those marked
 * `// needs: postgres 18` (protocol 3.2) against PostgreSQL 18 only.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from './harness/index.ts';
import { SERVERS } from './support/servers.ts';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'packages', 'pgcodec', 'examples');
const OUTPUT = /\/\* Output:\n([\s\S]*?)\*\/\s*$/;

/** The major version an example needs (0: any server), from its `// needs: postgres [N]` line. */
function needs(file: string): number | null {
  const m = /\/\/ needs: postgres( \d+)?\n/.exec(readFileSync(join(dir, file), 'utf8'));
  return m === null ? null : Number(m[1] ?? 0);
}
const live = readdirSync(dir).filter((f) => f.endsWith('.ts') && needs(f) !== null);

describe.each(SERVERS)('examples against $name', (server) => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await server.start();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);

  const mine = live.filter((f) => needs(f) === 0 || needs(f) === server.major);
  it('there are some', () => expect(mine).toContain('client.ts'));

  /** Runs an example as a user would, with libpq's environment variables. */
  const run = (file: string, user: string, password: string) =>
    spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(dir, file)], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, PGHOST: cluster.host, PGPORT: String(cluster.port), PGUSER: user, PGPASSWORD: password, PGDATABASE: 'postgres' },
    });

  it.each(mine)('%s prints its documented output (an MD5 user)', (file) => {
    const r = run(file, cluster.users.md5.user, cluster.users.md5.password);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(OUTPUT.exec(readFileSync(join(dir, file), 'utf8'))![1]);
  });

  it('client.ts authenticates a SCRAM user (PostgreSQL’s default) too', () => {
    const r = run('client.ts', cluster.users.scram.user, cluster.users.scram.password);
    expect([r.status, r.stdout]).toEqual([0, "Result: [ '1' ]\n"]);
  });

  it('client.ts fails loudly on a wrong password: the server’s error on stderr, exit code 1', () => {
    const r = run('client.ts', cluster.users.scram.user, 'wrong');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('password authentication failed');
  });
});
