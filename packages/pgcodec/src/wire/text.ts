/**
 * UTF-8 text on the wire. Decoding is exact or reports that it was not: a
 * string that is not valid UTF-8 (a non-UTF8 client_encoding, a fuzzer) is
 * decoded with replacement characters and flagged, so the message can keep
 * its original bytes and still re-encode losslessly.
 */

import { MAX_SLAB_ALLOCATION, allocate } from './slab.js';
import { utf8WriteInto } from './native-text.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Result of decoding: the string, and whether it is an exact image of the bytes. */
export interface DecodedText {
  text: string;
  exact: boolean;
}

/** Below this length a JS loop beats a TextDecoder call for ASCII. */
const SHORT = 32;
/** Strings up to this length are encoded by a JavaScript loop, longer ones by the native writer (measured on the encode bench: about even at 8 to 16). */
const SHORT_ENCODE = 16;

export function decodeText(buf: Uint8Array, start: number, end: number): DecodedText {
  if (end - start <= SHORT) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (buf[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
      return { text: s, exact: true };
    }
  }
  const view = buf.subarray(start, end);
  try {
    return { text: strictDecoder.decode(view), exact: true };
  } catch {
    return { text: lenientDecoder.decode(view), exact: false };
  }
}

type WellFormed = (this: string) => boolean;
const nativeWellFormed = (String.prototype as { isWellFormed?: WellFormed }).isWellFormed;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True unless `s` holds a lone surrogate (which UTF-8 cannot carry: TextEncoder writes U+FFFD instead). */
export function isWellFormed(s: string): boolean {
  return nativeWellFormed !== undefined ? nativeWellFormed.call(s) : !LONE_SURROGATE.test(s);
}

/** Writes `s` as UTF-8 into `dst` at `at` (which must have room for 3 bytes per UTF-16 unit); returns bytes written. */
export function encodeTextInto(s: string, dst: Uint8Array, at: number): number {
  // Tiny ASCII strings (names, short values) skip the native call; longer ones are faster native.
  const n = s.length;
  if (n <= SHORT_ENCODE) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      dst[at + i] = c;
    }
    if (i === n) return n;
  }
  return utf8WriteInto(s, dst, at);
}

/** `s` as UTF-8 bytes of their own (a view of a shared slab when small). */
export function encodeText(s: string): Uint8Array {
  const n = s.length;
  if (n <= MAX_SLAB_ALLOCATION) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const out = allocate(n);
      if (n <= SHORT) for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
      else encodeTextInto(s, out, 0);
      return out;
    }
  }
  return encoder.encode(s);
}
