/**
 * The workloads: complete byte streams, each counted by walking its frames
 * (frames.ts). Three origins:
 *   synthetic  generated from a seed with pgcodec's message classes (synthetic.ts)
 *   recorded   real-*: result sets recorded from PostgreSQL at bench time (postgres/recordings.ts)
 *   sample     real: the committed 10,000-row recording, bench/data/real-10000.bin.gz,
 *              used by --quick and whenever no PostgreSQL can start
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CommandComplete } from 'pgcodec';
import { DATA_DIR } from '../paths.ts';
import { REAL_NAMES, REAL_QUERIES, type RealName } from '../postgres/queries.ts';
import { readWhole, type Recording } from '../postgres/recordings.ts';
import { frameCounts, valueChecksum } from './frames.ts';
import { DEFAULT_SEED, SYNTHETIC_NAMES, generate, isSynthetic, type Direction } from './synthetic.ts';

export { DEFAULT_SEED, type Direction };

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly origin: 'synthetic' | 'recorded' | 'sample';
  /** Who sends this stream: the server (decoded by a client) or the client (decoded by a server or proxy). */
  readonly direction: Direction;
  readonly bytes: Buffer;
  /** What `units` counts: DataRows in a backend stream, messages in a frontend one. */
  readonly unit: 'rows' | 'msgs';
  readonly units: number;
  /** Messages in the stream: the frames group's checksum. */
  readonly messages: number;
  /** SHA-256 of the bytes, hex (for reports and determinism checks). */
  readonly sha256: string;
}

export interface WorkloadOptions {
  /** Seed of the generators (default DEFAULT_SEED). */
  seed?: number;
  /** Multiplies the row / batch counts (default 1; for smoke tests). */
  scale?: number;
}

/** Every workload name, in report order. */
export const WORKLOAD_NAMES = [...SYNTHETIC_NAMES, ...REAL_NAMES, 'real'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export const SAMPLE_ROWS = 10_000;
export const SAMPLE_FILE = `${DATA_DIR}/real-${SAMPLE_ROWS}.bin.gz`;
export const SAMPLE_QUERY = `SELECT g, md5(g::text), now() FROM generate_series(1, ${SAMPLE_ROWS}) g`;

export function isReal(name: string): name is RealName {
  return (REAL_NAMES as readonly string[]).includes(name);
}

function finish(name: string, description: string, origin: Workload['origin'], direction: Direction, bytes: Buffer, sha?: string): Workload {
  const { messages, dataRows } = frameCounts(bytes);
  return {
    name,
    description,
    origin,
    direction,
    bytes,
    unit: direction === 'backend' ? 'rows' : 'msgs',
    units: direction === 'backend' ? dataRows : messages,
    messages,
    sha256: sha ?? createHash('sha256').update(bytes).digest('hex'),
  };
}

/** A synthetic workload, or the committed sample (`real`). Deterministic for a given name and options. */
export function buildWorkload(name: string, opts: WorkloadOptions = {}): Workload {
  const scale = opts.scale ?? 1;
  if (name === 'real') return sample(scale);
  if (!isSynthetic(name)) throw new Error(`unknown workload '${name}' (known: ${WORKLOAD_NAMES.join(', ')}; real-* come from recordings)`);
  const g = generate(name, opts.seed ?? DEFAULT_SEED, scale);
  return finish(name, g.description, 'synthetic', g.direction, g.bytes);
}

/** A real-* workload from its recording; its checksums come with it (counted when it was recorded). */
export function recordedWorkload(r: Recording): Workload {
  const w = finish(r.name, `${REAL_QUERIES[r.name].description} · ${r.server}`, 'recorded', 'backend', readWhole(r.file), r.sha256);
  knownValues.set(w, r.values);
  return w;
}

function sample(scale: number): Workload {
  if (!existsSync(SAMPLE_FILE)) throw new Error(`${SAMPLE_FILE} is missing: record it with \`npm run record-real -w @pgcodec/bench\``);
  let bytes: Buffer = gunzipSync(readFileSync(SAMPLE_FILE));
  const rows = Math.max(1, Math.round(SAMPLE_ROWS * Math.min(1, scale)));
  if (rows < SAMPLE_ROWS) bytes = truncateResult(bytes, rows);
  return finish('real', `committed sample recorded from PostgreSQL 15: ${SAMPLE_QUERY}${rows < SAMPLE_ROWS ? ` (its first ${rows} rows)` : ''}`, 'sample', 'backend', bytes);
}

const knownValues = new WeakMap<Workload, number>();

/** The strings group's checksum of a workload, counted once. */
export function valuesOf(w: Workload): number {
  let v = knownValues.get(w);
  if (v === undefined) knownValues.set(w, (v = valueChecksum(w.bytes)));
  return v;
}

/** Keeps RowDescription, the first `rows` DataRows, and the closing CommandComplete (retagged) and ReadyForQuery. */
function truncateResult(bytes: Buffer, rows: number): Buffer {
  const frames: Buffer[] = [];
  for (let p = 0; p < bytes.length; ) {
    const len = bytes.readUInt32BE(p + 1);
    frames.push(bytes.subarray(p, p + 1 + len));
    p += 1 + len;
  }
  const kept = frames.slice(1, -2).slice(0, rows);
  const tag = new CommandComplete({ tag: `SELECT ${kept.length}` }).toWire();
  return Buffer.concat([frames[0]!, ...kept, tag, frames.at(-1)!]);
}
