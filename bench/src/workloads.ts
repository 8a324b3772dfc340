/**
 * The workloads: complete byte streams, generated from a seed (the same bytes
 * on every run) with pgcodec's own message classes, or recorded from a real
 * PostgreSQL server (`real`, see record-real.ts).
 *
 * Backend streams are one query's answer: RowDescription, N DataRows,
 * CommandComplete, ReadyForQuery. The frontend stream is client traffic.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  Bind,
  CommandComplete,
  CopyData,
  CopyDone,
  DataRow,
  Describe,
  Execute,
  FieldDescription,
  Parse,
  Query,
  ReadyForQuery,
  RowDescription,
  Sync,
  TransactionStatus,
} from 'pgcodec';
import { DATA_DIR } from './paths.ts';
import { Rng, asciiBytes } from './prng.ts';

export type Direction = 'backend' | 'frontend';

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Who sends this stream: the server (decoded by a client) or the client (decoded by a server or proxy). */
  readonly direction: Direction;
  readonly bytes: Buffer;
  /** What `units` counts: DataRows in a backend stream, messages in a frontend one. */
  readonly unit: 'rows' | 'msgs';
  /** DataRows (backend) or messages (frontend): what every contender that decodes must count. */
  readonly units: number;
  /** Messages in the stream. */
  readonly messages: number;
  /** SHA-256 of the bytes, hex (for reports and determinism checks). */
  readonly sha256: string;
}

export interface WorkloadOptions {
  /** Seed of the generators (default DEFAULT_SEED). */
  seed?: number;
  /** Multiplies the row / batch counts (default 1; for smoke tests). */
  scale?: number;
  /** Rows of the recorded `real` file to use: bench/data/real-<N>.bin.gz (default 10000). */
  realRows?: number;
}

export const DEFAULT_SEED = 0x5eed_2024;
export const DEFAULT_REAL_ROWS = 10_000;

interface WorkloadGenerator {
  description: string;
  direction: Direction;
  build(rng: Rng, scale: (n: number) => number, opts: WorkloadOptions): Buffer;
}

const enc = new TextEncoder();
const INT4 = 23;
const TEXT = 25;

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

function resultSet(fields: FieldDescription[], rows: Iterable<(Uint8Array | string | null)[]>): Buffer {
  const parts: Uint8Array[] = [new RowDescription({ fields }).toWire()];
  let n = 0;
  for (const columns of rows) {
    parts.push(new DataRow({ columns }).toWire());
    n++;
  }
  parts.push(new CommandComplete({ tag: `SELECT ${n}` }).toWire());
  parts.push(new ReadyForQuery({ status: TransactionStatus.IDLE }).toWire());
  return concat(parts);
}

function* times<T>(n: number, f: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i++) yield f(i);
}

/** Multibyte characters (2, 3 and 4 bytes in UTF-8) for the ~1% non-ASCII values. */
const MULTIBYTE = ['é', 'ß', 'ж', '€', '日', '本', '語', '😀', '🐘'];

/** A text value of exactly `len` UTF-8 bytes, mixing ASCII and multibyte characters. */
function utf8Value(rng: Rng, len: number): string {
  let s = '';
  let bytes = 0;
  while (bytes < len) {
    const ch = rng.chance(0.4) ? rng.pick(MULTIBYTE) : String.fromCharCode(97 + rng.int(0, 25));
    const b = enc.encode(ch).length;
    if (bytes + b > len) {
      s += 'x'.repeat(len - bytes);
      break;
    }
    s += ch;
    bytes += b;
  }
  return s;
}

const GENERATORS: Record<string, WorkloadGenerator> = {
  narrow: {
    description: '3 columns: int as text, short text, NULL',
    direction: 'backend',
    build(rng, scale) {
      const fields = [
        new FieldDescription({ name: 'id', typeOid: INT4, typeSize: 4 }),
        new FieldDescription({ name: 'name', typeOid: TEXT }),
        new FieldDescription({ name: 'note', typeOid: TEXT }),
      ];
      return resultSet(
        fields,
        times(scale(30_000), () => [String(rng.int(1, 2_000_000)), asciiBytes(rng, rng.int(3, 12)), null]),
      );
    },
  },
  wide: {
    description: '20 text columns of 1–40 B, ~5% NULL, ~1% non-ASCII',
    direction: 'backend',
    build(rng, scale) {
      const fields = Array.from({ length: 20 }, (_, i) => new FieldDescription({ name: `c${i + 1}`, typeOid: TEXT }));
      return resultSet(
        fields,
        times(scale(5_000), () =>
          Array.from({ length: 20 }, () => {
            if (rng.chance(0.05)) return null;
            const len = rng.int(1, 40);
            return rng.chance(0.01) ? utf8Value(rng, len) : asciiBytes(rng, len);
          }),
        ),
      );
    },
  },
  large: {
    description: 'int + 2 text columns of 1–8 KiB',
    direction: 'backend',
    build(rng, scale) {
      const fields = [
        new FieldDescription({ name: 'id', typeOid: INT4, typeSize: 4 }),
        new FieldDescription({ name: 'a', typeOid: TEXT }),
        new FieldDescription({ name: 'b', typeOid: TEXT }),
      ];
      return resultSet(
        fields,
        times(scale(300), (i) => [String(i + 1), asciiBytes(rng, rng.int(1024, 8192)), asciiBytes(rng, rng.int(1024, 8192))]),
      );
    },
  },
  huge: {
    description: 'int + 1 text column of 1–4 MiB, few rows',
    direction: 'backend',
    build(rng, scale) {
      const fields = [
        new FieldDescription({ name: 'id', typeOid: INT4, typeSize: 4 }),
        new FieldDescription({ name: 'doc', typeOid: TEXT }),
      ];
      const mib = 1 << 20;
      // scale shrinks the values too, so a tiny smoke run stays tiny
      const s = Math.min(1, scale(1_000_000) / 1_000_000);
      return resultSet(
        fields,
        times(Math.max(1, scale(6)), (i) => [String(i + 1), asciiBytes(rng, Math.max(1, Math.round(rng.int(mib, 4 * mib) * s)))]),
      );
    },
  },
  frontend: {
    description: 'client traffic: pipelined Parse/Bind/Describe/Execute/Sync batches and COPY FROM STDIN CopyData',
    direction: 'frontend',
    build(rng, scale) {
      const parts: Uint8Array[] = [];
      const batches = scale(1_200);
      for (let b = 0; b < batches; b++) {
        // a pipeline: one named statement, then 10 executions of it, one Sync
        const stmt = `s${b % 50}`;
        parts.push(
          new Parse({
            statement: stmt,
            query: 'INSERT INTO events (account_id, kind, payload) VALUES ($1, $2, $3) RETURNING id',
            paramTypes: [INT4, TEXT, TEXT],
          }).toWire(),
        );
        for (let k = 0; k < 10; k++) {
          parts.push(
            new Bind({
              statement: stmt,
              paramValues: [String(rng.int(1, 1_000_000)), rng.pick(['click', 'view', 'buy', 'login']), asciiBytes(rng, rng.int(8, 120))],
            }).toWire(),
          );
          parts.push(new Describe({ kind: 'P' }).toWire());
          parts.push(new Execute({ maxRows: 0 }).toWire());
        }
        parts.push(new Sync().toWire());
        // now and then a COPY FROM STDIN: one CopyData per line, as psql sends it
        if (b % 100 === 99 || b === batches - 1) {
          parts.push(new Query({ queryString: 'COPY events (account_id, kind, payload) FROM STDIN' }).toWire());
          for (let line = 0, lines = scale(1_000); line < lines; line++) {
            const text = `${rng.int(1, 1_000_000)}\t${rng.pick(['click', 'view', 'buy'])}\t`;
            const row = new Uint8Array(text.length + rng.int(10, 80) + 1);
            row.set(enc.encode(text));
            row.set(asciiBytes(rng, row.length - text.length - 1), text.length);
            row[row.length - 1] = 0x0a;
            parts.push(new CopyData({ data: row }).toWire());
          }
          parts.push(new CopyDone().toWire());
        }
      }
      return concat(parts);
    },
  },
};

/** Every workload name, in report order. */
export const WORKLOAD_NAMES = ['narrow', 'wide', 'large', 'huge', 'frontend', 'real'] as const;

export function realFile(rows: number): string {
  return `${DATA_DIR}/real-${rows}.bin.gz`;
}

/** Walks standard frames: message count and DataRow count; throws unless the stream is whole frames. */
export function frameCounts(bytes: Uint8Array): { messages: number; dataRows: number } {
  let p = 0;
  let messages = 0;
  let dataRows = 0;
  while (p < bytes.length) {
    if (bytes.length - p < 5) throw new Error(`truncated header at ${p}`);
    const len = ((bytes[p + 1]! << 24) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 8) | bytes[p + 4]!) >>> 0;
    if (len < 4 || p + 1 + len > bytes.length) throw new Error(`bad frame length ${len} at ${p}`);
    if (bytes[p] === 0x44) dataRows++;
    messages++;
    p += 1 + len;
  }
  return { messages, dataRows };
}

function finish(name: string, description: string, direction: Direction, bytes: Buffer): Workload {
  const { messages, dataRows } = frameCounts(bytes);
  return {
    name,
    description,
    direction,
    bytes,
    unit: direction === 'backend' ? 'rows' : 'msgs',
    units: direction === 'backend' ? dataRows : messages,
    messages,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Builds (or loads) one workload. Deterministic for a given name and options. */
export function buildWorkload(name: string, opts: WorkloadOptions = {}): Workload {
  if (name === 'real') {
    const rows = opts.realRows ?? DEFAULT_REAL_ROWS;
    const file = realFile(rows);
    if (!existsSync(file)) {
      throw new Error(`${file} does not exist: record it with \`npm run record-real -w @pgcodec/bench -- --rows ${rows}\` (needs PostgreSQL 15)`);
    }
    let bytes: Buffer = gunzipSync(readFileSync(file));
    const scale = opts.scale ?? 1;
    if (scale < 1) bytes = truncateResult(bytes, Math.max(1, Math.round(rows * scale)));
    return finish('real', `recorded from PostgreSQL 15: SELECT g, md5(g::text), now() FROM generate_series(1, ${rows}) g`, 'backend', bytes);
  }
  const gen = GENERATORS[name];
  if (!gen) throw new Error(`unknown workload '${name}' (known: ${WORKLOAD_NAMES.join(', ')})`);
  // one seed per workload, so selecting a subset does not change any workload's bytes
  const rng = new Rng((opts.seed ?? DEFAULT_SEED) ^ hashName(name));
  const scale = opts.scale ?? 1;
  const scaled = (n: number) => Math.max(1, Math.round(n * scale));
  return finish(name, gen.description, gen.direction, gen.build(rng, scaled, opts));
}

/** Keeps RowDescription, the first `rows` DataRows, and the last two frames (CommandComplete, ReadyForQuery). */
function truncateResult(bytes: Buffer, rows: number): Buffer {
  const frames: Buffer[] = [];
  let p = 0;
  while (p < bytes.length) {
    const len = bytes.readUInt32BE(p + 1);
    frames.push(bytes.subarray(p, p + 1 + len));
    p += 1 + len;
  }
  const head = frames[0]!;
  const tail = frames.slice(-2);
  const rowsKept = frames.slice(1, -2).slice(0, rows);
  const tag = new CommandComplete({ tag: `SELECT ${rowsKept.length}` }).toWire();
  return Buffer.concat([head, ...rowsKept, tag, tail[1]!]);
}

function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function buildWorkloads(names: readonly string[], opts: WorkloadOptions = {}): Workload[] {
  return names.map((n) => buildWorkload(n, opts));
}
