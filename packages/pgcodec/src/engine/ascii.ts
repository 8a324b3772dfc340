/**
 * Is a range of bytes all ASCII? Long ASCII values become strings by a
 * latin1 copy instead of a UTF-8 decode (several times faster), which needs
 * this answer. The scan's flags give it for values in the window; for a
 * value in a frame larger than the window, a lent WebAssembly engine checks
 * it with SIMD, copied through its window a piece at a time (the copy and
 * the SIMD pass cost a fraction of a JavaScript pass), and JavaScript checks
 * four bytes at a time where WebAssembly is not available, or the range is short.
 */
import { borrowEngine, returnEngine } from './pool.js';
import { wasmSupported, type WasmEngine } from './wasm-engine.js';
import { DEFAULT_WINDOW_SIZE } from './window.js';

/** Ranges from this length are checked by WebAssembly. */
const WASM_FROM = 4096;
const useWasm = wasmSupported();

/** Whether buf[start, end) is all ASCII. */
export function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  if (useWasm && end - start >= WASM_FROM) {
    const e = borrowEngine('wasm', DEFAULT_WINDOW_SIZE) as WasmEngine;
    try {
      return !e.highBits(buf, start, end);
    } finally {
      returnEngine(e);
    }
  }
  return isAsciiJs(buf, start, end);
}

/** The JavaScript check: four bytes at a time through an aligned Int32Array view. */
export function isAsciiJs(buf: Uint8Array, start: number, end: number): boolean {
  let acc = 0;
  let i = start;
  const aligned = Math.min(end, start + ((4 - ((buf.byteOffset + start) & 3)) & 3));
  for (; i < aligned; i++) acc |= buf[i]!;
  const words = (end - i) >> 2;
  if (words > 0) {
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, words);
    for (let k = 0; k < words; k++) acc |= w[k]!;
    i += words * 4;
  }
  for (; i < end; i++) acc |= buf[i]!;
  return (acc & 0x80808080) === 0;
}
