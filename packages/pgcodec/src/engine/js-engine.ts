/**
 * The reference engine: the fused frame + DataRow scan in plain TypeScript.
 * The WebAssembly engine (packages/wasm/assembly/scan.ts) does the same
 * thing; the differential tests hold them to identical tables and statuses.
 */
import { COLUMN_INTS, Detail, FRAME_INTS, Status, type Engine, type ScanResult } from './engine.js';
import { DEFAULT_WINDOW_SIZE } from './window.js';

const DATA_ROW = 0x44; // 'D'

const EMPTY_INTS = new Int32Array(0);
const EMPTY_BYTES = new Uint8Array(0);

export class JsEngine implements Engine {
  readonly name = 'js';
  input: Uint8Array = EMPTY_BYTES;
  // Tables are made by the first scan and grow with the frames found.
  frames: Int32Array = EMPTY_INTS;
  columns: Int32Array = EMPTY_INTS;
  flags: Uint8Array = EMPTY_BYTES;
  private windowBytes: Uint8Array | null = null;

  /** @param windowSize bytes of the window a decoder buffers in (made on first use: an engine that only scans large frames in heap buffers never makes it). */
  constructor(readonly windowSize: number = DEFAULT_WINDOW_SIZE) {}

  get window(): Uint8Array {
    return (this.windowBytes ??= new Uint8Array(this.windowSize));
  }

  /** Big-endian reads of the input (faster than assembling bytes). */
  private dv: DataView = new DataView(new ArrayBuffer(0));

  setInput(buf: Uint8Array): void {
    if (buf !== this.input) {
      this.input = buf;
      this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
  }

  scan(start: number, end: number, maxMessageSize: number, detail: Detail): ScanResult {
    const b = this.input;
    // Tables grow with the frames found, never with what a length field claims.
    if (this.frames.length === 0) {
      this.frames = new Int32Array(1024 * FRAME_INTS);
      this.columns = new Int32Array(4096 * COLUMN_INTS);
      this.flags = new Uint8Array(4096);
    }
    let frames = this.frames;
    let cols = this.columns;
    let flags = this.flags;
    let frameCap = frames.length / FRAME_INTS;
    let colCap = cols.length / COLUMN_INTS;
    let flagCap = flags.length;
    const dv = this.dv;
    let nf = 0;
    let nc = 0;
    let p = start;
    let status: Status = Status.OK;
    let errorOffset = -1;
    let errorFrame = -1;
    let goodCols = 0;

    scan: while (end - p >= 5) {
      const len = dv.getInt32(p + 1);
      if (len < 4) {
        status = Status.LENGTH_TOO_SMALL;
        errorOffset = p + 1;
        errorFrame = p;
        break;
      }
      if (len > maxMessageSize) {
        status = Status.LENGTH_TOO_LARGE;
        errorOffset = p + 1;
        errorFrame = p;
        break;
      }
      if (len + 1 > end - p) break; // incomplete
      const type = b[p]!;
      const body = p + 5;
      const next = p + 1 + len;
      let first = -1;
      if (type === DATA_ROW && detail !== Detail.FRAMES) {
        // Same checks, codes and offsets as DataRow.read.
        if (next - body < 2) {
          status = Status.ROW_COUNT_TRUNCATED;
          errorOffset = body;
          errorFrame = p;
          break;
        }
        const n = dv.getUint16(body);
        let q = body + 2;
        if (n * 4 > next - q) {
          status = Status.ROW_COUNT_TRUNCATED;
          errorOffset = body;
          errorFrame = p;
          break;
        }
        first = nc;
        if (nc + n > colCap) {
          colCap = Math.max(2 * colCap, nc + n);
          cols = this.columns = grow(cols, colCap * COLUMN_INTS);
        }
        if (detail === Detail.FLAGS && nc + n > flagCap) {
          flagCap = Math.max(2 * flagCap, nc + n);
          flags = this.flags = growBytes(flags, flagCap);
        }
        for (let i = 0; i < n; i++) {
          if (next - q < 4) {
            status = Status.ROW_LENGTH_TRUNCATED;
            errorOffset = q;
            errorFrame = p;
            break scan;
          }
          const vlen = dv.getInt32(q);
          if (vlen < -1) {
            status = Status.ROW_NEGATIVE_LENGTH;
            errorOffset = q;
            errorFrame = p;
            break scan;
          }
          q += 4;
          if (vlen > next - q) {
            status = Status.ROW_VALUE_TRUNCATED;
            errorOffset = q - 4;
            errorFrame = p;
            break scan;
          }
          cols[nc * 2] = q;
          cols[nc * 2 + 1] = vlen;
          if (detail === Detail.FLAGS) {
            // Four bytes at a time, then the tail: is any byte's high bit set?
            let high = 0;
            const e = q + (vlen > 0 ? vlen : 0);
            let k = q;
            for (; k + 4 <= e; k += 4) high |= dv.getInt32(k, true);
            for (; k < e; k++) high |= b[k]!;
            flags[nc] = (high & 0x80808080) !== 0 ? 1 : 0;
          }
          nc++;
          if (vlen > 0) q += vlen;
        }
        if (q !== next) {
          status = Status.ROW_TRAILING_BYTES;
          errorOffset = q;
          errorFrame = p;
          break;
        }
      }
      if (nf === frameCap) {
        frameCap *= 2;
        frames = this.frames = grow(frames, frameCap * FRAME_INTS);
      }
      const f = nf * FRAME_INTS;
      frames[f] = type;
      frames[f + 1] = body;
      frames[f + 2] = len - 4;
      frames[f + 3] = first;
      nf++;
      goodCols = nc;
      p = next;
    }
    // A frame that failed is not in the tables; neither are the values it got as far as.
    return { status, frameCount: nf, columnCount: goodCols, consumed: p, errorOffset, errorFrame };
  }
}

function grow(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function growBytes(a: Uint8Array, n: number): Uint8Array {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
