/**
 * A DataRow value as a string, fast. Rows of one scan share one buffer, so
 * the buffer's bytes are decoded once as latin1 (one native call) and short
 * ASCII values are cut out of that string with `substring`, which costs far
 * less than a native UTF-8 decode per value. Long ASCII values are a latin1
 * copy of their own (several times faster than decoding UTF-8); values with
 * a byte ≥ 0x80 are decoded as UTF-8. Not-UTF-8 bytes become U+FFFD, as
 * TextDecoder does.
 */
import { isAscii } from '../engine/ascii.js';
import { latin1, utf8Range } from './native-text.js';

export { utf8Range };

/**
 * The bytes a value lies in, and the latin1 image of a range of them, made
 * on first use (ColumnSource carries these fields).
 */
export interface TextSource {
  readonly buf: Uint8Array;
  /** latin1 image of buf[textLo, textHi), or null until a value asks. */
  text: string | null;
  textLo: number;
  textHi: number;
}

/** Values longer than this are decoded on their own. */
export const SHORT_VALUE = 64;

/**
 * The value at buf[start, start + len) of `src` as a string (`len` ≥ 0).
 * `flag`: the scan's non-ASCII flag for it (0 ASCII, 1 not), or -1 if the
 * scan did not work flags out (then the bytes are checked here).
 */
export function valueText(src: TextSource, start: number, len: number, flag: number): string {
  const end = start + len;
  if (flag > 0) return utf8Range(src.buf, start, end);
  if (len > SHORT_VALUE || start < src.textLo || end > src.textHi) {
    // Long: ASCII (as flagged, or checked here) is a latin1 copy, several times faster than a UTF-8 decode.
    return flag === 0 || isAscii(src.buf, start, end) ? latin1(src.buf, start, end) : utf8Range(src.buf, start, end);
  }
  const b = src.buf;
  if (flag < 0) for (let i = start; i < end; i++) if (b[i]! >= 0x80) return utf8Range(b, start, end);
  return scanText(src).substring(start - src.textLo, end - src.textLo);
}

/**
 * valueText's common case, for callers to inline in their loops: a short
 * value the scan flagged ASCII (`flag` 0) inside the scanned range [lo, hi)
 * (the source's textLo and textHi, read once by a loop).
 */
export function shortAscii(flag: number, start: number, len: number, lo: number, hi: number): boolean {
  return flag === 0 && len <= SHORT_VALUE && start >= lo && start + len <= hi;
}

/** The latin1 image of `src`'s scanned range, made on first use. */
export function scanText(src: TextSource): string {
  return (src.text ??= latin1(src.buf, src.textLo, src.textHi));
}
