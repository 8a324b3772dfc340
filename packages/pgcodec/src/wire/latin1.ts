/**
 * One string from many bytes at once, each byte one UTF-16 unit. The
 * row-batch strings mode decodes a whole batch this way and takes ASCII
 * values out with `substring` (which V8 does without copying); values the
 * scan flagged non-ASCII are decoded as UTF-8 separately, so only ASCII
 * positions of this string are ever used.
 *
 * Node's Buffer has the fastest such decoder; it is used when present
 * (feature-detected on globalThis, never imported), and a TextDecoder
 * otherwise (its 'latin1' is windows-1252, which agrees on ASCII).
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

const nodeSlice: Latin1Slice | undefined = (
  globalThis as { Buffer?: { prototype: { latin1Slice?: Latin1Slice } } }
).Buffer?.prototype.latin1Slice;
const decoder = new TextDecoder('latin1');

export function latin1(buf: Uint8Array, start: number, end: number): string {
  if (nodeSlice !== undefined) return nodeSlice.call(buf, start, end);
  return decoder.decode(buf.subarray(start, end));
}
