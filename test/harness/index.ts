/**
 * Test harness entry point: throwaway PostgreSQL cluster, recording proxy, fixture files.
 *
 *   const cluster = await startCluster();
 *   const rec = await startRecorder({ host: cluster.host, port: cluster.port });
 *   await runProcess('psql', ['-X', '-h', '127.0.0.1', '-p', String(rec.port), '-U', 'postgres', '-c', 'SELECT 1'], { env: cluster.clientEnv() });
 *   const [session] = await rec.waitForAllClosed();
 *   await rec.close();
 *   await cluster.stop();
 *
 * (Never use spawnSync/execSync for a client that talks through the recorder: the proxy runs on
 * this process's event loop, so a synchronous spawn deadlocks until the client's timeout.)
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export {
  startCluster,
  getFreePort,
  runProcess,
  DEFAULT_BIN_DIR,
  type Cluster,
  type ClusterUser,
  type ClusterUsers,
  type StartClusterOptions,
  type RunOptions,
  type RunResult,
} from './pg-cluster.ts';
export { postgres18BinDir, startCluster18 } from './postgres18.ts';
export {
  startRecorder,
  encodeSession,
  decodeSession,
  readSessionFile,
  writeSessionFile,
  MAGIC,
  type Direction,
  type SessionEvent,
  type RecordedSession,
  type LiveSession,
  type Recorder,
  type StartRecorderOptions,
} from './recorder.ts';
export {
  frameSession,
  messageCounts,
  ALL_FRONTEND_MESSAGES,
  ALL_BACKEND_MESSAGES,
  type FramedMessage,
  type FramingResult,
} from './frames.ts';

/** test/fixtures/sessions, absolute. */
export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/sessions');

/** One entry of test/fixtures/sessions/index.json. */
export interface FixtureIndexEntry {
  /** File name relative to the index, e.g. 'psql-copy.pgrec.gz'. */
  file: string;
  /** The server recorded against, e.g. 'PostgreSQL 18.4'; absent for the first recordings, all against PostgreSQL 15. */
  server?: string;
  description: string;
  /** 'psql' | 'pgbench' | 'pg_recvlogical' | 'node-pg' | 'postgres.js' | 'raw' */
  client: string;
  /** 'trust' | 'md5' | 'scram-sha-256' | 'password' | 'gss' | 'none' (CancelRequest / GSSENCRequest-only connections) */
  auth: string;
  notes: string;
  /** Message counts keyed 'F:Name' / 'B:Name' (names as produced by frames.ts). */
  messages?: Record<string, number>;
}

/** Parsed index.json. */
export function readFixtureIndex(dir: string = FIXTURES_DIR): FixtureIndexEntry[] {
  return JSON.parse(readFileSync(resolve(dir, 'index.json'), 'utf8')) as FixtureIndexEntry[];
}

/** Absolute paths of every fixture listed in index.json, in index order. */
export function listFixtures(dir: string = FIXTURES_DIR): string[] {
  return readFixtureIndex(dir).map((e) => resolve(dir, e.file));
}
