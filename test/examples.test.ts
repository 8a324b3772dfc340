/**
 * The README examples that need a server run here, as a user would run
 * them, and must print their documented output: those marked
 * `// needs: postgres` against both PostgreSQL 15 and 18, those marked
 * `// needs: postgres 18` (protocol 3.2) against PostgreSQL 18 only.
 */
import { execFileSync } from 'node:child_process';
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
  it('there are some', () => expect(mine).toContain('md5-client.ts'));

  it.each(mine)('%s prints its documented output', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const { user, password } = cluster.users.md5;
    const out = execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [join(dir, file)], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, PGHOST: cluster.host, PGPORT: String(cluster.port), PGUSER: user, PGPASSWORD: password, PGDATABASE: 'postgres' },
    });
    expect(out).toBe(OUTPUT.exec(source)![1]);
  });
});
