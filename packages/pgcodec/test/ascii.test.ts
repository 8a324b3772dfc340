/**
 * The ASCII check behind long value strings: the WebAssembly SIMD check
 * (a window at a time) and the JavaScript one agree on every range, with a
 * high byte anywhere (the first, the last, across a window boundary, none).
 */
import { describe, expect, it } from 'vitest';
import { isAscii, isAsciiJs } from '../src/engine/ascii.js';
import { DEFAULT_WINDOW_SIZE } from '../src/engine/window.js';

describe('isAscii', () => {
  it('agrees with a byte-by-byte check wherever the one high byte is, across window boundaries', () => {
    const n = 2 * DEFAULT_WINDOW_SIZE + 777;
    const buf = new Uint8Array(n + 13).fill(0x41);
    const starts = [0, 1, 3, 5];
    const ends = [n, n - 1, n - 3, 5000, DEFAULT_WINDOW_SIZE, DEFAULT_WINDOW_SIZE + 1];
    const highs = [-1, 0, 1, 4095, 4096, DEFAULT_WINDOW_SIZE - 1, DEFAULT_WINDOW_SIZE, DEFAULT_WINDOW_SIZE + 1, n - 1, n + 5];
    for (const h of highs) {
      buf.fill(0x41);
      if (h >= 0) buf[h] = 0x80 | (h & 0x7f);
      for (const s of starts) {
        for (const e of ends) {
          const want = !(h >= s && h < e);
          expect(isAscii(buf, s, e), `high ${h}, [${s}, ${e})`).toBe(want);
          expect(isAsciiJs(buf, s, e), `js: high ${h}, [${s}, ${e})`).toBe(want);
        }
      }
    }
  });

  it('works on views at any byte offset, and on empty ranges', () => {
    const base = new Uint8Array(20_000).fill(0x20);
    base[10_001] = 0xc3;
    for (const off of [0, 1, 2, 3, 7]) {
      const v = base.subarray(off);
      expect(isAscii(v, 0, v.length)).toBe(false);
      expect(isAscii(v, 10_002 - off, v.length)).toBe(true);
      expect(isAsciiJs(v, 0, 10_001 - off)).toBe(true);
      expect(isAscii(v, 5, 5)).toBe(true);
    }
  });
});
