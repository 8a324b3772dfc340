/**
 * Small encodings (and the decoder's small owned copies) are carved out
 * of shared slabs, as Node's Buffer pool does: a fresh ArrayBuffer is allocated off the JavaScript heap and
 * accounted for, which costs several times what encoding a whole Bind
 * does; a view of a slab costs one small object. Each message's bytes are
 * a view of a range nothing else ever writes to; keeping one keeps its
 * slab (16 KiB) alive, and its `.buffer` is the slab (use `byteOffset`).
 *
 * One writer at a time may write straight into the free tail of the slab
 * (`claimTail`), then keeps what it wrote (`commitTail`) or gives the tail
 * back (`releaseTail`); a writer that starts while another holds the tail
 * (a message encoding another inside its payload) gets its own buffer.
 */

import { view } from './views.js';

export const SLAB_SIZE = 16 * 1024;
/** Largest encoding carved from a slab; larger ones get their own buffer. */
export const MAX_SLAB_ALLOCATION = SLAB_SIZE / 4;

let slab = new Uint8Array(SLAB_SIZE);
/** slab.buffer, kept: views are cut from it for every message (see wire/views.ts). */
let slabBuffer = slab.buffer;
let used = 0;
let claimed = false;

/** 8-byte alignment, so views may be read as wider types by users. */
function align(n: number): number {
  return (n + 7) & ~7;
}

/** `n` bytes of their own (zeroed only if newly allocated: callers write every byte). */
export function allocate(n: number): Uint8Array {
  if (n > MAX_SLAB_ALLOCATION || claimed) return new Uint8Array(n);
  if (used + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabBuffer = slab.buffer;
    used = 0;
  }
  // From the kept ArrayBuffer (see wire/views.ts).
  const out = view(slabBuffer, used, n);
  used = align(used + n);
  return out;
}

/** V8's largest typed array kept on its heap (typed_array_max_size_in_heap). */
const ON_HEAP = 64;

/** copyBytes of a buffer whose ArrayBuffer and byteOffset the caller keeps (`ab`, `abOffset`; see views.ts). */
export function copyRange(src: Uint8Array, ab: ArrayBufferLike, abOffset: number, start: number, end: number): Uint8Array {
  const n = end - start;
  // Up to 64 bytes V8 keeps a typed array's bytes on its heap: cheaper than any view of a slab.
  if (n <= ON_HEAP || n > MAX_SLAB_ALLOCATION) return src.slice(start, end);
  const out = allocate(n);
  out.set(view(ab, abOffset + start, n));
  return out;
}

/** A copy of `src[start, end)` of its own (from a slab when small). */
export function copyBytes(src: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n > MAX_SLAB_ALLOCATION) return src.slice(start, end);
  const out = allocate(n);
  if (n <= 32) for (let i = 0; i < n; i++) out[i] = src[start + i]!;
  else out.set(new Uint8Array(src.buffer, src.byteOffset + start, n)); // not subarray(): no species lookup
  return out;
}

/** What `copyScan` returns: the copies, in one allocation. */
export interface ScanCopy {
  bytes: Uint8Array;
  ints: Int32Array;
  flags: Uint8Array;
}

/**
 * Copies of `src[start, end)` (bytes null: none), of `ints[0, intCount)`
 * and of `flags[0, flagCount)`, carved out of one allocation: an owned
 * chunk of rows then costs one ArrayBuffer, not three (each costs more
 * than copying tens of KiB).
 *
 *   [ ints (4 × intCount) | flags (flagCount) | bytes (end - start) ]
 */
export function copyScan(src: Uint8Array | null, start: number, end: number, ints: Int32Array, intCount: number, flags: Uint8Array, flagCount: number): ScanCopy {
  const n = src === null ? 0 : end - start;
  const intBytes = intCount * 4;
  const all = allocate(intBytes + flagCount + n); // slab ranges start at multiples of 8
  const ab = all.buffer;
  const at = all.byteOffset;
  const outInts = new Int32Array(ab, at, intCount);
  outInts.set(new Int32Array(ints.buffer, ints.byteOffset, intCount)); // not subarray(): no species lookup
  const outFlags = new Uint8Array(ab, at + intBytes, flagCount);
  if (flagCount > 0) outFlags.set(new Uint8Array(flags.buffer, flags.byteOffset, flagCount));
  const bytes = new Uint8Array(ab, at + intBytes + flagCount, n);
  if (n > 0) bytes.set(new Uint8Array(src!.buffer, src!.byteOffset + start, n));
  return { bytes, ints: outInts, flags: outFlags };
}

/**
 * Claims the free tail of the slab for one writer, with at least `room`
 * bytes: returns its index in `currentSlab()`, or -1 if the tail is held
 * or `room` is too large.
 */
export function claimTail(room: number): number {
  if (claimed || room > MAX_SLAB_ALLOCATION) return -1;
  if (used + room > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabBuffer = slab.buffer;
    used = 0;
  }
  claimed = true;
  return used;
}

/** The slab a claimed tail is in. */
export function currentSlab(): Uint8Array {
  return slab;
}

/** Keeps `buf[at, end)` for the claiming writer and returns it; the tail is free again. */
export function commitTail(buf: Uint8Array, at: number, end: number): Uint8Array {
  claimed = false;
  if (buf !== slab) return new Uint8Array(buf.buffer, buf.byteOffset + at, end - at);
  used = align(end);
  return view(slabBuffer, at, end - at);
}

/** Gives the tail back unused (the writer failed, or moved to its own buffer). */
export function releaseTail(): void {
  claimed = false;
}
