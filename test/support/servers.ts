/**
 * The real servers the integration suite runs against: PostgreSQL 15 (the
 * Debian binaries) and PostgreSQL 18 (the npm binaries; it speaks protocol
 * 3.2). Tests that hold for both run as `describe.each(SERVERS)`; where the
 * servers differ, the test says how.
 */
import { afterAll, beforeAll } from 'vitest';
import { WireClient, type ConnectOptions } from '../client/wire-client.ts';
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

/** A server started for the enclosing describe block, with the clients of it that are closed with it. */
export interface ServerUnderTest {
  readonly cluster: Cluster;
  /** A strict pgcodec client, logged in as the trust user unless told otherwise. */
  connect(o?: Partial<ConnectOptions>): Promise<WireClient>;
  /** A bare socket client (for a CancelRequest), closed at the end. */
  open(): Promise<WireClient>;
}

/** Starts `server` before the block's tests and stops it (and every client) after them. */
export function useServer(server: Server): ServerUnderTest {
  let cluster: Cluster | undefined;
  const clients: WireClient[] = [];
  beforeAll(async () => {
    cluster = await server.start();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.socket.destroy();
    await cluster?.stop();
  }, 30_000);
  const started = (): Cluster => {
    if (cluster === undefined) throw new Error(`${server.name} is not started`);
    return cluster;
  };
  return {
    get cluster() {
      return started();
    },
    async connect(o = {}) {
      const c = started();
      const client = await WireClient.connect({ host: c.host, port: c.port, user: c.users.trust, ...o });
      clients.push(client);
      return client;
    },
    async open() {
      const c = started();
      const client = await WireClient.open(c.host, c.port);
      clients.push(client);
      return client;
    },
  };
}
