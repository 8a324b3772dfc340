/**
 * Views over part of a buffer, cut cheaply. On V8, reading a typed array's
 * `.buffer` or `.byteOffset` is a call, and `subarray` looks up a species
 * constructor: measured on the bench machine, a view made as
 * `new Uint8Array(b.buffer, b.byteOffset + i, n)` costs ~110 ns, `subarray`
 * ~90 ns, and one made from an ArrayBuffer and offset read once ~40 ns.
 * So whatever hands out many views of one buffer (a scan's rows and
 * frames, an encoding slab) reads its ArrayBuffer and offset once and
 * cuts every view with `view`.
 */

/** `length` bytes at `offset` of `ab` (offsets already include the buffer's own byteOffset). */
export function view(ab: ArrayBufferLike, offset: number, length: number): Uint8Array {
  return new Uint8Array(ab, offset, length);
}
