/**
 * Payload checks without decoding, for the frame path. A proxy forwards
 * most frames as they came: it needs to know that each is well formed and
 * which message it is, not its fields. A message class's `skim` accepts
 * exactly the payloads its `read` accepts (a property test holds every one
 * to it), allocates nothing, and answers only yes or no: on no, the caller
 * decodes, and the reader raises the typed error with its offset.
 *
 * Each helper takes the index where a field starts and returns the index
 * just past it, or -1 if the field is not there whole; -1 passes through
 * the next helper, so a layout reads as a chain.
 */

/** Past the NUL ending the string at `p`. */
export function skipString(buf: Uint8Array, p: number, end: number): number {
  if (p < 0 || p >= end) return -1;
  const i = buf.indexOf(0, p);
  return i < 0 || i >= end ? -1 : i + 1;
}

/** Past `n` bytes at `p`. */
export function skipBytes(p: number, n: number, end: number): number {
  return p < 0 || p + n > end ? -1 : p + n;
}

/** The Int16 at `p`, unsigned (a count). */
export function u16At(buf: Uint8Array, p: number): number {
  return (buf[p]! << 8) | buf[p + 1]!;
}

/** The Int32 at `p`, signed. */
export function i32At(buf: Uint8Array, p: number): number {
  return (buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
}

/** Whether the Int16 at `p` is a format code: 0 (text) or 1 (binary). */
export function isFormatAt(buf: Uint8Array, p: number): boolean {
  return buf[p] === 0 && buf[p + 1]! <= 1;
}

/** Past an Int16 count and that many format codes (`readFormatCodes`). */
export function skipFormats(buf: Uint8Array, p: number, end: number): number {
  if (p < 0 || p + 2 > end) return -1;
  const n = u16At(buf, p);
  const q = p + 2 + 2 * n;
  if (q > end) return -1;
  for (let i = p + 2; i < q; i += 2) if (!isFormatAt(buf, i)) return -1;
  return q;
}

/** Past an Int16 count and that many Int32-length-prefixed values, -1 for NULL (`readValues`). */
export function skipValues(buf: Uint8Array, p: number, end: number): number {
  if (p < 0 || p + 2 > end) return -1;
  const n = u16At(buf, p);
  let q = p + 2;
  if (n * 4 > end - q) return -1;
  for (let i = 0; i < n; i++) {
    if (q + 4 > end) return -1;
    const len = i32At(buf, q);
    q += 4;
    if (len === -1) continue;
    if (len < 0 || len > end - q) return -1;
    q += len;
  }
  return q;
}
