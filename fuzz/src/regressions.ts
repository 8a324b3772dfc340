/**
 * Regression cases: every counterexample a fuzz run finds is kept as a JSON
 * file in `fuzz/regressions/`, and `npm test` replays them all. A case keeps
 * fast-check's seed and path (replays the shrunk input exactly while the
 * arbitraries stay as they are) and, for byte streams, the shrunk bytes
 * themselves with the side, phase and chunking, which replay against every
 * stream invariant whatever becomes of the arbitraries.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionPhase } from 'pgcodec';
import type { Side } from './arbitraries/messages.js';
import { chunkingOf } from './arbitraries/streams.js';
import type { Pg } from './pg.js';
import { checkChunking } from './properties/chunking.js';
import { checkDifferential } from './properties/differential.js';
import { checkRobustness, type Pull } from './properties/robustness.js';
import type { StreamCase } from './properties/support.js';
import { replayProperty, type PropertyReport } from './runner.js';

export interface Regression {
  property: string;
  seed: number;
  path: string;
  /** What failed, when found. */
  error: string;
  counterexample: string;
  /** The shrunk stream, when the counterexample is one. */
  stream?: { side: Side; phase: ConnectionPhase; gss: boolean; engine?: 'wasm' | 'js'; bytes: string; sizes: number[] };
  /** What it was, and what fixed it. */
  note?: string;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));

/** The regression case for a failed report. */
export function regressionOf(r: PropertyReport): Regression {
  const out: Regression = { property: r.name, seed: r.seed, path: r.path ?? '', error: r.error ?? '', counterexample: r.counterexample ?? '' };
  const s = streamOf(Array.isArray(r.value) ? r.value : []);
  if (s !== null) out.stream = { side: s.side, phase: s.phase, gss: s.gss ?? false, engine: s.engine, bytes: hex(s.bytes), sizes: [...s.cut.sizes] };
  return out;
}

/** A stream case in a counterexample tuple: a value with side, phase and bytes, and a chunking. */
function streamOf(tuple: readonly unknown[]): StreamCase | null {
  const where = tuple.find((v) => typeof v === 'object' && v !== null && 'side' in v && 'phase' in v) as Partial<StreamCase> | undefined;
  const bytes = where?.bytes ?? (tuple.find((v) => v instanceof Uint8Array) as Uint8Array | undefined);
  const cut = tuple.find((v) => typeof v === 'object' && v !== null && 'sizes' in v) as StreamCase['cut'] | undefined;
  if (where === undefined || bytes === undefined || cut === undefined) return null;
  return { side: where.side!, phase: where.phase!, gss: where.gss ?? false, engine: where.engine, bytes, cut };
}

/** Replays a case; throws with what failed. */
export function replayRegression(pg: Pg, r: Regression): void {
  if (r.stream !== undefined) {
    const c: StreamCase = { side: r.stream.side, phase: r.stream.phase, gss: r.stream.gss, engine: r.stream.engine, bytes: unhex(r.stream.bytes), cut: chunkingOf(r.stream.sizes) };
    for (const how of ['read', 'frame', 'frames', 'rows'] as Pull[]) checkRobustness(pg, c, how);
    checkDifferential(pg, c);
    for (const how of ['read', 'frames', 'readFrames', 'readRowBatch'] as const) checkChunking(pg, c, how);
  }
  const rep = replayProperty(pg, r.property, r.seed, r.path);
  if (rep.failed) throw new Error(`${r.property} fails again: ${rep.error}`);
}

/** The cases kept in `dir`, by file name. */
export function loadRegressions(dir: string): [string, Regression][] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((n) => [n, JSON.parse(readFileSync(join(dir, n), 'utf8')) as Regression]);
}
