/**
 * The real servers the integration suite runs against: PostgreSQL 15 (the
 * Debian binaries) and PostgreSQL 18 (the npm binaries; it speaks protocol
 * 3.2). Tests that hold for both run as `describe.each(SERVERS)`; where the
 * servers differ, the test says how.
 */
import { startCluster, type Cluster } from '../harness/pg-cluster.ts';
import { startCluster18 } from '../harness/postgres18.ts';

export interface Server {
  name: string;
  major: 15 | 18;
  start(): Promise<Cluster>;
}

export const PG15: Server = { name: 'PostgreSQL 15', major: 15, start: () => startCluster() };
export const PG18: Server = { name: 'PostgreSQL 18', major: 18, start: () => startCluster18() };
export const SERVERS: readonly Server[] = [PG15, PG18];
