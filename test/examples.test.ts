/**
 * The README examples that need a server (marked `// needs: postgres`) run
 * here against a throwaway PostgreSQL 15, as a user would run them, and must
 * print their documented output.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from './harness/index.ts';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'packages', 'pgcodec', 'examples');
const OUTPUT = /\/\* Output:\n([\s\S]*?)\*\/\s*$/;
const live = readdirSync(dir).filter((f) => f.endsWith('.ts') && readFileSync(join(dir, f), 'utf8').includes('// needs: postgres'));

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
}, 30_000);

describe('examples against PostgreSQL 15', () => {
  it('there are some', () => expect(live).toContain('md5-client.ts'));

  it.each(live)('%s prints its documented output', (file) => {
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
