/**
 * Test support: both builds, the reference engine, stream builders, a seeded
 * PRNG and the differential check (same input at the same positions in both
 * engines, tables pre-filled with sentinels so that every entry either engine
 * writes — the partial columns of a failing row too — is compared).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JsEngine } from '../../pgcodec/src/engine/js-engine.js';
import type { ScanResult } from '../../pgcodec/src/engine/engine.js';
import { instantiateScan, scanViews, type ScanExports, type ScanViews } from '../src/exports.js';

export const BUILDS = ['release', 'debug'] as const;
export type Build = (typeof BUILDS)[number];

/** The input window the differential tests use (the largest offsets in them assume it). */
export const WINDOW = 1048576;

export function wasmBytes(build: Build): Uint8Array {
  const path = fileURLToPath(new URL(`../build/${build}.wasm`, import.meta.url));
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${path} is missing: run \`npm run build:wasm -w @pgcodec/wasm\` (or \`npm run build\`) first`, { cause: e });
  }
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export type Rng = () => number;
export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

// ---- byte builders ---------------------------------------------------------

export function cat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
export function i32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v);
  return b;
}
export function u16(v: number): Uint8Array {
  return new Uint8Array([(v >>> 8) & 0xff, v & 0xff]);
}
/** A frame: type byte, Int32 length (payload + 4, unless given), payload. */
export function frame(type: number | string, payload: Uint8Array, len = payload.length + 4): Uint8Array {
  const t = typeof type === 'string' ? type.charCodeAt(0) : type;
  return cat(new Uint8Array([t]), i32(len), payload);
}
/** A well-formed DataRow. */
export function dataRow(values: (Uint8Array | null)[]): Uint8Array {
  return frame('D', cat(u16(values.length), ...values.flatMap((v) => (v === null ? [i32(-1)] : [i32(v.length), v]))));
}
export function ascii(n: number, rng?: Rng): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng ? int(rng, 0x20, 0x7e) : 0x61 + (i % 26);
  return b;
}
export function bytes(...v: number[]): Uint8Array {
  return new Uint8Array(v);
}

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/**
 * The module with its memory's maximum set to `pages` (the memory section
 * rewritten; the rest as it is): for making memory.grow fail.
 */
export function withMaximumPages(module: Uint8Array, pages: number): Uint8Array {
  const readLeb = (at: number): [number, number] => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = module[at++]!;
      n += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return [n, at];
    }
  };
  let at = 8; // magic and version
  while (at < module.length) {
    const id = module[at]!;
    const [size, content] = readLeb(at + 1);
    if (id === 5) {
      const [count, limits] = readLeb(content);
      if (count !== 1) throw new Error('expected one memory');
      const [min] = readLeb(limits + 1);
      const body = [1, 0x01, ...leb(min), ...leb(pages)];
      return cat(module.subarray(0, at), new Uint8Array([5, ...leb(body.length), ...body]), module.subarray(content + size));
    }
    at = content + size;
  }
  throw new Error('no memory section');
}

// ---- the differential check -----------------------------------------------

const SENTINEL = 0x5a5a5a5a;
const FLAG_SENTINEL = 0xa5;

export interface Pair {
  build: Build;
  x: ScanExports;
  v: ScanViews;
  js: JsEngine;
  jsInput: Uint8Array;
}

export function makePair(build: Build, capacity = WINDOW): Pair {
  const x = instantiateScan(wasmBytes(build), capacity);
  const v = scanViews(x);
  const js = new JsEngine();
  // Full-size tables up front so the reference never reallocates (and keeps the sentinels).
  js.frames = new Int32Array(v.frames.length);
  js.columns = new Int32Array(v.columns.length);
  js.flags = new Uint8Array(v.flags.length);
  const jsInput = new Uint8Array(v.input.length);
  js.setInput(jsInput);
  return { build, x, v, js, jsInput };
}

function wasmResult(p: Pair): ScanResult {
  const r = p.v.results;
  return {
    status: r[0]!,
    frameCount: r[1]!,
    columnCount: r[2]!,
    consumed: r[3]!,
    errorOffset: r[4]!,
    errorFrame: r[5]!,
  };
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export interface Outcome {
  result: ScanResult;
}

/**
 * Puts `input` at `off` in both engines' input (bytes after it: `tail`, to
 * catch reads past `end`), scans [off, off + input.length) in both and throws
 * on any difference. Returns the (common) result.
 */
export function diff(p: Pair, input: Uint8Array, off: number, max: number, detail: number, tail = 0xff): ScanResult {
  const { x, v, js, jsInput } = p;
  const end = off + input.length;
  if (end > v.input.length) throw new Error('input does not fit');
  v.input.set(input, off);
  jsInput.set(input, off);
  const padEnd = Math.min(end + 32, v.input.length);
  v.input.fill(tail, end, padEnd);
  jsInput.fill(tail, end, padEnd);

  const nf = Math.floor(input.length / 5) + 1;
  const ncol = Math.floor(input.length / 4) + 1;
  v.frames.fill(SENTINEL, 0, nf * 4);
  js.frames.fill(SENTINEL, 0, nf * 4);
  v.columns.fill(SENTINEL, 0, ncol * 2);
  js.columns.fill(SENTINEL, 0, ncol * 2);
  v.flags.fill(FLAG_SENTINEL, 0, ncol);
  js.flags.fill(FLAG_SENTINEL, 0, ncol);

  const status = x.scan(off, end, max, detail);
  const w = wasmResult(p);
  const r = js.scan(off, end, max, detail as 0 | 1 | 2);
  const where = () => `[${p.build}] off=${off} len=${input.length} max=${max} detail=${detail}`;

  if (status !== w.status) throw new Error(`${where()}: scan returned ${status}, results say ${w.status}`);
  const getters = {
    status: x.status(),
    frameCount: x.frameCount(),
    columnCount: x.columnCount(),
    consumed: x.consumed(),
    errorOffset: x.errorOffset(),
    errorFrame: x.errorFrame(),
  };
  if (JSON.stringify(getters) !== JSON.stringify(w)) throw new Error(`${where()}: getters ${JSON.stringify(getters)} vs results ${JSON.stringify(w)}`);
  if (JSON.stringify(w) !== JSON.stringify(r)) throw new Error(`${where()}: wasm ${JSON.stringify(w)} vs js ${JSON.stringify(r)}`);
  let d = firstDiff(v.frames, js.frames, nf * 4);
  if (d >= 0) throw new Error(`${where()}: frames[${d}] wasm ${v.frames[d]} js ${js.frames[d]}`);
  d = firstDiff(v.columns, js.columns, ncol * 2);
  if (d >= 0) throw new Error(`${where()}: columns[${d}] wasm ${v.columns[d]} js ${js.columns[d]}`);
  d = firstDiff(v.flags, js.flags, ncol);
  if (d >= 0) throw new Error(`${where()}: flags[${d}] wasm ${v.flags[d]} js ${js.flags[d]}`);
  if (detail !== 2) {
    // Below FLAGS the flags are untouched.
    if (v.flags.subarray(0, ncol).some((f) => f !== FLAG_SENTINEL)) throw new Error(`${where()}: flags written below detail 2`);
  }
  return r;
}

/** diff at every detail level; returns the results by detail. */
export function diffAll(p: Pair, input: Uint8Array, off: number, max = 1 << 30): ScanResult[] {
  return [0, 1, 2].map((d) => diff(p, input, off, max, d));
}

// ---- random streams ---------------------------------------------------------

function randomValue(rng: Rng): Uint8Array | null {
  const r = rng();
  if (r < 0.1) return null;
  if (r < 0.2) return new Uint8Array(0);
  let n: number;
  const s = rng();
  if (s < 0.6) n = int(rng, 1, 40);
  else if (s < 0.85) n = int(rng, 41, 300);
  else if (s < 0.97) n = [15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 79, 80, 81][int(rng, 0, 14)]!;
  else n = int(rng, 301, 3000);
  const v = ascii(n, rng);
  if (rng() < 0.3) v[int(rng, 0, n - 1)] = int(rng, 0x80, 0xff);
  if (rng() < 0.05) for (let i = 0; i < n; i++) v[i] = int(rng, 0, 255);
  return v;
}

function randomFrame(rng: Rng): Uint8Array {
  const r = rng();
  if (r < 0.7) {
    const cols = rng() < 0.9 ? int(rng, 0, 8) : int(rng, 9, 60);
    const vals: (Uint8Array | null)[] = [];
    for (let i = 0; i < cols; i++) vals.push(randomValue(rng));
    return dataRow(vals);
  }
  const types = 'TCZEN123AKSRdcfG';
  const t = rng() < 0.05 ? int(rng, 0, 255) : types.charCodeAt(int(rng, 0, types.length - 1));
  const payload = new Uint8Array(int(rng, 0, rng() < 0.9 ? 40 : 600));
  for (let i = 0; i < payload.length; i++) payload[i] = int(rng, 0, 255);
  return frame(t, payload);
}

const SPECIAL_I32 = [-2147483648, -1000, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 65535, 65536, 0x7fffffff, 0x40000000];

/** A plausible stream with (sometimes) random corruptions. */
export function randomStream(rng: Rng): Uint8Array {
  const parts: Uint8Array[] = [];
  const frames = rng() < 0.1 ? int(rng, 20, 80) : int(rng, 0, 12);
  for (let i = 0; i < frames; i++) parts.push(randomFrame(rng));
  let s = cat(...parts);
  if (rng() < 0.5 && s.length > 0) {
    const k = int(rng, 1, 3);
    for (let i = 0; i < k; i++) {
      const c = rng();
      const at = int(rng, 0, Math.max(0, s.length - 1));
      if (c < 0.35) {
        s[at] = int(rng, 0, 255);
      } else if (c < 0.65 && s.length >= 4) {
        s.set(i32(SPECIAL_I32[int(rng, 0, SPECIAL_I32.length - 1)]! + (rng() < 0.3 ? int(rng, -8, 8) : 0)), Math.min(at, s.length - 4));
      } else if (c < 0.75 && s.length >= 2) {
        s.set(u16(int(rng, 0, 1) ? int(rng, 0, 70) : 0xffff), Math.min(at, s.length - 2));
      } else if (c < 0.85) {
        s = s.subarray(0, at);
      } else if (c < 0.93) {
        s = cat(s.subarray(0, at), ascii(int(rng, 1, 5), rng), s.subarray(at));
      } else {
        s = cat(s.subarray(0, at), s.subarray(Math.min(s.length, at + int(rng, 1, 5))));
      }
    }
  }
  return s;
}
