/**
 * The PostgreSQL the real workloads come from: the test harness's
 * throwaway cluster (test/harness), PostgreSQL 15 from /usr/lib/postgresql/15/bin
 * unless PG_BIN_DIR points elsewhere. Its version, read from the binary
 * without starting it, keys the recording cache.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_BIN_DIR, startCluster, type Cluster } from '../../../test/harness/index.ts';

export type { Cluster };

export function binDir(): string {
  return process.env.PG_BIN_DIR ?? DEFAULT_BIN_DIR;
}

/** 'PostgreSQL 15.14', or null if the server binary cannot run. */
export function serverVersion(): string | null {
  const r = spawnSync(join(binDir(), 'postgres'), ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const m = /\(PostgreSQL\) (\d+(?:\.\d+)*)/.exec(r.stdout);
  return m ? `PostgreSQL ${m[1]}` : null;
}

/** Starts a throwaway cluster (initdb, pg_ctl start; a few seconds); `stop()` removes it. */
export function startServer(log: (line: string) => void): Promise<Cluster> {
  return startCluster({ binDir: binDir(), log: (m) => log(`postgres: ${m}`) });
}
