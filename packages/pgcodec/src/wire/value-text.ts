/**
 * A DataRow value as a string, fast. Rows of one scan share one buffer, so
 * the buffer's bytes are decoded once as latin1 (one native call) and short
 * ASCII values are cut out of that string with `substring`, which costs far
 * less than a native UTF-8 decode per value; values with a byte ≥ 0x80, and
 * long ones (one native decode is as cheap as checking them), are decoded
 * as UTF-8 on their own. Not-UTF-8 bytes become U+FFFD, as TextDecoder does.
 */
import { latin1 } from './latin1.js';
import { utf8 } from './text.js';

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
const SHORT = 64;

type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;
const nodeUtf8: Utf8Slice | undefined = (globalThis as { Buffer?: { prototype: { utf8Slice?: Utf8Slice } } }).Buffer?.prototype.utf8Slice;

/** UTF-8 decode of buf[start, end) with U+FFFD for bad bytes (Node's native slice where there is one). */
export function utf8Range(buf: Uint8Array, start: number, end: number): string {
  return nodeUtf8 !== undefined ? nodeUtf8.call(buf, start, end) : utf8(buf.subarray(start, end));
}

/**
 * The value at buf[start, start + len) of `src` as a string (`len` ≥ 0).
 * `flag`: the scan's non-ASCII flag for it (0 ASCII, 1 not), or -1 if the
 * scan did not work flags out (then the bytes are checked here).
 */
export function valueText(src: TextSource, start: number, len: number, flag: number): string {
  const end = start + len;
  if (flag > 0 || len > SHORT || start < src.textLo || end > src.textHi) return utf8Range(src.buf, start, end);
  const b = src.buf;
  if (flag < 0) for (let i = start; i < end; i++) if (b[i]! >= 0x80) return utf8Range(b, start, end);
  const all = (src.text ??= latin1(b, src.textLo, src.textHi));
  return all.substring(start - src.textLo, end - src.textLo);
}
