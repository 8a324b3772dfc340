/**
 * Micro-benchmark: the WebAssembly scan (build/release.wasm) against the
 * reference JsEngine, on ~1 MiB windows of narrow rows, wide rows and 4 KiB
 * values, at each detail level. Prints median MB/s and the WASM/JS ratio.
 *
 *   npx tsx packages/wasm/bench/scan-speed.ts [--samples N] [--ms M] [--only narrow|wide|4]
 *
 * "wasm" scans input already in the input region (a decoder reading the
 * socket straight into it); "wasm+copy" copies the window in first.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JsEngine } from '../../pgcodec/src/engine/js-engine.js';
import { instantiateScan, scanViews } from '../src/exports.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SAMPLES = opt('samples', 21);
const SAMPLE_MS = opt('ms', 40);
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1]! : '';
const MAX = 1 << 30;
const WINDOW = 1048576;

// ---- windows ------------------------------------------------------------------

let seed = 12345;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};
const text = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = 0x20 + Math.floor(rnd() * 95);
  return b;
};
function dataRow(values: (Uint8Array | null)[]): Uint8Array {
  let n = 7;
  for (const v of values) n += 4 + (v ? v.length : 0);
  const b = new Uint8Array(n);
  const dv = new DataView(b.buffer);
  b[0] = 0x44;
  dv.setInt32(1, n - 1);
  dv.setUint16(5, values.length);
  let o = 7;
  for (const v of values) {
    dv.setInt32(o, v ? v.length : -1);
    o += 4;
    if (v) {
      b.set(v, o);
      o += v.length;
    }
  }
  return b;
}
/** Whole frames from `make` up to WINDOW bytes. */
function fill(make: () => Uint8Array): { bytes: Uint8Array; rows: number } {
  const out = new Uint8Array(WINDOW);
  let o = 0;
  let rows = 0;
  for (;;) {
    const r = make();
    if (o + r.length > WINDOW) break;
    out.set(r, o);
    o += r.length;
    rows++;
  }
  return { bytes: out.subarray(0, o), rows };
}

const windows = [
  // id, short name, ~30-byte rows: an integer, a short name, a NULL or a flag
  ['narrow (3 cols, ~30 B/row)', fill(() => dataRow([text(1 + Math.floor(rnd() * 6)), text(6 + Math.floor(rnd() * 6)), rnd() < 0.3 ? null : text(1)]))],
  ['wide (20 cols, ~4-40 B)', fill(() => dataRow(Array.from({ length: 20 }, () => (rnd() < 0.1 ? null : text(4 + Math.floor(rnd() * 36))))))],
  ['4 KiB values', fill(() => dataRow([text(4096)]))],
] as const;

// ---- engines -------------------------------------------------------------------

const wasmPath = fileURLToPath(new URL('../build/release.wasm', import.meta.url));
const x = instantiateScan(readFileSync(wasmPath), WINDOW);
const v = scanViews(x);
// One reference engine per (window, detail): its tables grow to fit and then stay.
let js = new JsEngine();

type Run = (len: number, detail: number) => number;
const runJs: Run = (len, detail) => {
  const r = js.scan(0, len, MAX, detail as 0 | 1 | 2);
  return r.frameCount + r.columnCount + r.consumed;
};
const runWasm: Run = (len, detail) => {
  x.scan(0, len, MAX, detail);
  return x.frameCount() + x.columnCount() + x.consumed();
};
let current: Uint8Array = new Uint8Array(0);
const runWasmCopy: Run = (len, detail) => {
  v.input.set(current);
  x.scan(0, len, MAX, detail);
  return x.frameCount() + x.columnCount() + x.consumed();
};

let sink = 0;
/** Iterations of `run` that take about ms milliseconds. */
function calibrate(run: Run, len: number, detail: number, ms: number): number {
  let iters = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) sink += run(len, detail);
    const dt = performance.now() - t0;
    if (dt > ms / 4) return Math.max(1, Math.round((iters * ms) / dt));
    iters *= 2;
  }
}
function rate(run: Run, iters: number, len: number, detail: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) sink += run(len, detail);
  return (len * iters) / ((performance.now() - t0) / 1000) / 1e6;
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
/**
 * Samples the engines back to back (so load from elsewhere on the machine
 * hits both alike): median MB/s of each, and the median of the per-sample
 * ratios to the first.
 */
function measure(runs: Run[], len: number, detail: number): { mbps: number[]; ratio: number[] } {
  const iters = runs.map((r) => calibrate(r, len, detail, SAMPLE_MS / runs.length));
  const rates: number[][] = runs.map(() => []);
  for (let s = 0; s < SAMPLES; s++) runs.forEach((r, i) => rates[i]!.push(rate(r, iters[i]!, len, detail)));
  return {
    mbps: rates.map(median),
    ratio: rates.map((rs) => median(rs.map((x, s) => x / rates[0]![s]!))),
  };
}

// Warm both engines up on every shape (tier-up to optimized code).
for (const [, w] of windows) {
  v.input.set(w.bytes);
  for (let d = 0; d <= 2; d++) {
    js = new JsEngine();
    js.setInput(w.bytes);
    for (let i = 0; i < 30; i++) {
      sink += runJs(w.bytes.length, d);
      sink += runWasm(w.bytes.length, d);
    }
  }
}

const detailName = ['frames', 'columns', 'flags'];
const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number) => n.toFixed(0).padStart(7);
console.log(`node ${process.version}; ${SAMPLES} samples × ~${SAMPLE_MS} ms; median MB/s (1 MB = 1e6 bytes); ratios: median of per-sample ratios`);
console.log(`${pad('window', 28)} ${pad('detail', 8)} ${'js'.padStart(7)} ${'wasm'.padStart(7)} ${'w+copy'.padStart(7)}  wasm/js  (w+copy)/js`);
for (const [name, w] of windows) {
  if (!name.startsWith(ONLY)) continue;
  current = w.bytes;
  v.input.set(w.bytes);
  const len = w.bytes.length;
  for (let d = 0; d <= 2; d++) {
    js = new JsEngine();
    js.setInput(w.bytes);
    const m = measure([runJs, runWasm, runWasmCopy], len, d);
    console.log(
      `${pad(name, 28)} ${pad(detailName[d]!, 8)} ${m.mbps.map(num).join(' ')}  ${m.ratio[1]!.toFixed(2).padStart(6)}×  ${m.ratio[2]!.toFixed(2).padStart(6)}×`,
    );
  }
  console.log(`${pad('', 28)} (${w.rows} rows, ${len} bytes)`);
}
if (sink === 42) console.log('');
