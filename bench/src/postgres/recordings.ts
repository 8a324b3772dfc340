/**
 * Records the real result sets (queries.ts) from a throwaway PostgreSQL,
 * once: each answer's exact bytes, RowDescription through ReadyForQuery, go
 * to bench/results/cache/<name>-<key>.bin, with a .json beside it (query,
 * server, counts, checksums); the key is a digest of the query and the
 * server's version, so a later run with the same ones reuses the file and
 * starts no server. If no PostgreSQL can start, the caller falls back to
 * the committed sample and says so.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from '../paths.ts';
import { frameCounts, valueChecksum } from '../workloads/frames.ts';
import { MiniClient } from './client.ts';
import { REAL_QUERIES, realRows, type RealName } from './queries.ts';
import { serverVersion, startServer, type Cluster } from './server.ts';

export interface Recording {
  name: RealName;
  query: string;
  /** 'PostgreSQL 15.14' */
  server: string;
  rows: number;
  messages: number;
  /** Size of the answer, bytes. */
  size: number;
  /** Where the answer's bytes are (read them with readWhole). */
  file: string;
  sha256: string;
  /** The strings group's checksum (workloads/frames.ts). */
  values: number;
  /** Whether this run recorded it (false: reused from the cache). */
  fresh: boolean;
}

type Sidecar = Omit<Recording, 'file' | 'fresh'>;

export interface RecordOptions {
  scale: number;
  issueSizes: boolean;
  log: (line: string) => void;
  cacheDir?: string;
}

export interface Recorded {
  recordings: Recording[];
  /** Why there are none, when there are none. */
  unavailable: string | null;
}

function key(query: string, server: string): string {
  return createHash('sha256').update(`${query}\n${server}`).digest('hex').slice(0, 16);
}

/** Reads a file of any size (readFileSync stops at 2 GiB). */
export function readWhole(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const out = Buffer.allocUnsafe(size);
    for (let off = 0; off < size; ) off += readSync(fd, out, off, Math.min(1 << 30, size - off), off);
    return out;
  } finally {
    closeSync(fd);
  }
}

function sha256(bytes: Buffer): string {
  const h = createHash('sha256');
  for (let off = 0; off < bytes.length; off += 1 << 30) h.update(bytes.subarray(off, off + (1 << 30)));
  return h.digest('hex');
}

/** The recordings of `names`, from the cache or recorded now. */
export async function recordAll(names: readonly RealName[], o: RecordOptions): Promise<Recorded> {
  const dir = o.cacheDir ?? CACHE_DIR;
  const server = serverVersion();
  if (server === null) return { recordings: [], unavailable: 'no PostgreSQL server binary runs here (set PG_BIN_DIR, or install postgresql-15)' };
  mkdirSync(dir, { recursive: true });
  const out: Recording[] = [];
  let cluster: Cluster | null = null;
  try {
    for (const name of names) {
      const q = REAL_QUERIES[name];
      const rows = realRows(q, o.scale, o.issueSizes);
      const query = q.sql(rows);
      const base = join(dir, `${name}-${key(query, server)}`);
      if (existsSync(`${base}.bin`) && existsSync(`${base}.json`)) {
        const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Sidecar;
        out.push({ ...meta, file: `${base}.bin`, fresh: false });
        continue;
      }
      if (cluster === null) {
        try {
          cluster = await startServer(o.log);
        } catch (e) {
          const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
          return { recordings: [], unavailable: `PostgreSQL could not start: ${why}` };
        }
      }
      o.log(`recording ${name}: ${rows.toLocaleString('en-US')} rows from ${server}`);
      out.push(await record(cluster, name, query, rows, server, base));
    }
  } finally {
    await (cluster as Cluster | null)?.stop();
  }
  return { recordings: out, unavailable: null };
}

/** Runs the query once and keeps its answer's bytes; the file appears only once it is complete and checked. */
async function record(cluster: Cluster, name: RealName, query: string, rows: number, server: string, base: string): Promise<Recording> {
  const client = await MiniClient.connect(cluster.host, cluster.port, cluster.users.trust);
  const partial = `${base}.${process.pid}.partial`;
  const fd = openSync(partial, 'w');
  try {
    await client.query(query, { onChunk: (c) => void writeSync(fd, c) });
  } finally {
    closeSync(fd);
    client.close();
  }
  const bytes = readWhole(partial);
  const counts = frameCounts(bytes);
  // exactly one answer: RowDescription, the rows, CommandComplete, ReadyForQuery
  if (bytes[0] !== 0x54 || counts.dataRows !== rows || counts.messages !== rows + 3) {
    rmSync(partial, { force: true });
    throw new Error(`${name}: unexpected answer (${counts.messages} messages, ${counts.dataRows} DataRows, first type ${String.fromCharCode(bytes[0] ?? 63)})`);
  }
  const meta: Sidecar = { name, query, server, rows, messages: counts.messages, size: bytes.length, sha256: sha256(bytes), values: valueChecksum(bytes) };
  renameSync(partial, `${base}.bin`);
  writeFileSync(`${base}.json`, JSON.stringify(meta, null, 2) + '\n');
  return { ...meta, file: `${base}.bin`, fresh: true };
}
