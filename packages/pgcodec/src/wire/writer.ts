/**
 * A growable byte writer. Messages write their header here in one place:
 *
 *   Byte1  type        (absent for startup packets)
 *   Int32  length      counts itself and the payload, back-filled by `finish`
 *   ...    payload
 */
import { encodeTextInto } from './text.js';

export class Writer {
  buf: Uint8Array;
  pos = 0;
  private lengthAt = -1;

  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Starts a typed message: type byte and a length placeholder. */
  begin(type: number): this {
    this.grow(5);
    this.buf[this.pos++] = type;
    this.lengthAt = this.pos;
    this.pos += 4;
    return this;
  }

  /** Starts an untyped startup packet: just the length placeholder. */
  beginUntyped(): this {
    this.grow(4);
    this.lengthAt = this.pos;
    this.pos += 4;
    return this;
  }

  /** Back-fills the length and returns the finished bytes. */
  finish(): Uint8Array {
    const len = this.pos - this.lengthAt;
    const b = this.buf;
    const p = this.lengthAt;
    b[p] = len >>> 24;
    b[p + 1] = len >>> 16;
    b[p + 2] = len >>> 8;
    b[p + 3] = len;
    return this.pos === b.length ? b : b.slice(0, this.pos);
  }

  u8(v: number): this {
    this.grow(1);
    this.buf[this.pos++] = v;
    return this;
  }

  i16(v: number): this {
    this.grow(2);
    const b = this.buf;
    b[this.pos++] = v >>> 8;
    b[this.pos++] = v;
    return this;
  }

  i32(v: number): this {
    this.grow(4);
    const b = this.buf;
    b[this.pos++] = v >>> 24;
    b[this.pos++] = v >>> 16;
    b[this.pos++] = v >>> 8;
    b[this.pos++] = v;
    return this;
  }

  bytes(v: Uint8Array): this {
    this.grow(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  /** A UTF-8 string followed by NUL. */
  cstring(s: string): this {
    this.grow(s.length * 3 + 1);
    this.pos += encodeTextInto(s, this.buf, this.pos);
    this.buf[this.pos++] = 0;
    return this;
  }

  /** Int32 length then bytes; null is written as length -1. */
  lengthPrefixed(v: Uint8Array | null): this {
    if (v === null) return this.i32(-1);
    return this.i32(v.length).bytes(v);
  }

  /** Int16 count then each code as Int16. */
  int16Array(v: readonly number[]): this {
    this.i16(v.length);
    for (const x of v) this.i16(x);
    return this;
  }
}
