/**
 * Node's string codecs, which beat the web's on the hot paths: found on
 * globalThis's Buffer when present (feature-detected, never imported, so
 * pgcodec runs unchanged in browsers, Deno and Bun), with web fallbacks.
 *
 * - `latin1`: one string from many bytes, each byte one UTF-16 unit. Value
 *   strings take short ASCII values out of one latin1 decode of a scan with
 *   `substring`, and long ASCII values are a latin1 copy: several times
 *   faster than decoding UTF-8. Only ASCII positions are ever used, so the
 *   fallback TextDecoder's 'latin1' (windows-1252) agrees.
 * - `utf8Range`: UTF-8 of a range, U+FFFD for bad bytes, no view made.
 * - `utf8WriteInto`: UTF-8 written at an offset, no view made.
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;
type Utf8Write = (this: Uint8Array, s: string, offset: number, length: number) => number;

interface NodeBufferPrototype {
  latin1Slice?: Latin1Slice;
  utf8Slice?: Utf8Slice;
  utf8Write?: Utf8Write;
}

const proto: NodeBufferPrototype | undefined = (globalThis as { Buffer?: { prototype: NodeBufferPrototype } }).Buffer?.prototype;
const nodeLatin1 = proto?.latin1Slice;
const nodeUtf8 = proto?.utf8Slice;
const nodeUtf8Write = proto?.utf8Write;

const latin1Decoder = new TextDecoder('latin1');
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** buf[start, end) as one string, a byte per UTF-16 unit. */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  if (nodeLatin1 !== undefined) return nodeLatin1.call(buf, start, end);
  return latin1Decoder.decode(buf.subarray(start, end));
}

/** UTF-8 decode of buf[start, end), U+FFFD for bytes that are not UTF-8. */
export function utf8Range(buf: Uint8Array, start: number, end: number): string {
  if (nodeUtf8 !== undefined) return nodeUtf8.call(buf, start, end);
  return utf8Decoder.decode(buf.subarray(start, end));
}

/** Writes `s` (well-formed) as UTF-8 into `dst` at `at`, which has room for it; returns bytes written. */
export function utf8WriteInto(s: string, dst: Uint8Array, at: number): number {
  if (nodeUtf8Write !== undefined) return nodeUtf8Write.call(dst, s, at, dst.length - at);
  return utf8Encoder.encodeInto(s, dst.subarray(at)).written;
}
