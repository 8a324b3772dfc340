/**
 * A bounded reader confined to one frame's payload. Every count and length is
 * checked against the bytes that remain before anything is read or
 * allocated, so a lying frame yields a `DecodingError` with the exact offset,
 * never a RangeError and never a read into the next message.
 */
import { DecodingError, ErrorCode } from '../errors.js';
import { decodeText } from './text.js';
import { view } from './views.js';

/**
 * The reader a message class's `read` gets: confined to one payload, each
 * read checked against the bytes left (a DecodingError at the exact offset otherwise).
 * `what` arguments name the field for error messages.
 */
export class Reader {
  /** Index in `buf` of the next byte to read. */
  pos: number;
  /** Set when some string was not valid UTF-8: the message must keep its raw bytes to stay lossless. */
  inexactText = false;

  /**
   * @param buf bytes holding the payload
   * @param start index of the payload's first byte in `buf`
   * @param end index one past the payload's last byte
   * @param messageType the frame's type letter (or packet name), for errors
   * @param origin stream offset of `buf[start]`, for errors
   * @param ab `buf.buffer`, if the caller has it at hand: byte fields are then cut from it (see views.ts)
   * @param abOffset `buf.byteOffset`, with `ab`
   */
  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly messageType: string,
    readonly origin: number = 0,
    private readonly ab: ArrayBufferLike | null = null,
    private readonly abOffset = 0,
  ) {
    this.pos = start;
  }

  /** buf[p, p + n) as a view. */
  private cut(p: number, n: number): Uint8Array {
    return this.ab !== null ? view(this.ab, this.abOffset + p, n) : this.buf.subarray(p, p + n);
  }

  /** A reader over all of `payload`. */
  static of(payload: Uint8Array, messageType: string, origin = 0): Reader {
    return new Reader(payload, 0, payload.length, messageType, origin);
  }

  /** Bytes left in the payload. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Stream offset of buffer index `at`. */
  offsetAt(at: number = this.pos): number {
    return this.origin + (at - this.start);
  }

  /** Throws a DecodingError with `code`, at the stream offset of buffer index `at`. */
  fail(code: string, message: string, at: number = this.pos): never {
    throw new DecodingError(code, message, { messageType: this.messageType, offset: this.offsetAt(at) });
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      this.fail(ErrorCode.TRUNCATED, `${what} needs ${n} bytes but ${this.end - this.pos} remain in the frame`);
    }
  }

  /** A Byte1: 0..255. */
  u8(what = 'Byte1'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  /** An Int16, signed. */
  i16(what = 'Int16'): number {
    this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return ((b[p]! << 24) | (b[p + 1]! << 16)) >> 16;
  }

  /** An Int16 count: PostgreSQL reads these unsigned (0..65535). */
  u16(what = 'Int16'): number {
    this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  /** An Int32, signed. */
  i32(what = 'Int32'): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  /** An Int32 holding an OID or a protocol code: unsigned. */
  u32(what = 'Int32'): number {
    return this.i32(what) >>> 0;
  }

  /** A view (no copy) of the next `n` bytes. */
  bytes(n: number, what = 'Byten'): Uint8Array {
    this.need(n, what);
    const p = this.pos;
    this.pos = p + n;
    return this.cut(p, n);
  }

  /** A view of everything left in the frame. */
  rest(): Uint8Array {
    const p = this.pos;
    this.pos = this.end;
    return this.cut(p, this.end - p);
  }

  /** Index of the NUL ending the string that starts at `pos`. */
  private nul(what: string): number {
    const i = this.buf.indexOf(0, this.pos);
    if (i < 0 || i >= this.end) this.fail(ErrorCode.MISSING_NUL, `${what} has no terminating NUL inside the frame`);
    return i;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(what = 'String'): string {
    const i = this.nul(what);
    const d = decodeText(this.buf, this.pos, i);
    if (!d.exact) this.inexactText = true;
    this.pos = i + 1;
    return d.text;
  }

  /** Is the next byte a NUL (end of a list of strings)? Reads nothing. */
  atNul(): boolean {
    this.need(1, 'terminator');
    return this.buf[this.pos] === 0;
  }

  /** Int32 length then that many bytes; -1 means NULL. */
  lengthPrefixed(what = 'value'): Uint8Array | null {
    const at = this.pos;
    const n = this.i32(`${what} length`);
    if (n === -1) return null;
    if (n < 0) this.fail(ErrorCode.NEGATIVE_LENGTH, `${what} length ${n} is negative and not -1`, at);
    if (n > this.end - this.pos) {
      this.fail(ErrorCode.TRUNCATED, `${what} length ${n} exceeds the ${this.end - this.pos} bytes left in the frame`, at);
    }
    return this.bytes(n);
  }

  /**
   * An Int16 count of items each at least `minItemBytes` long, checked
   * against what remains before anyone allocates for it.
   */
  count16(minItemBytes: number, what = 'count'): number {
    const at = this.pos;
    const n = this.u16(what);
    if (n * minItemBytes > this.end - this.pos) {
      this.fail(ErrorCode.TRUNCATED, `${what} ${n} needs at least ${n * minItemBytes} bytes but ${this.end - this.pos} remain`, at);
    }
    return n;
  }

  /** Int32 variant of `count16` (NegotiateProtocolVersion). */
  count32(minItemBytes: number, what = 'count'): number {
    const at = this.pos;
    const n = this.i32(what);
    if (n < 0) this.fail(ErrorCode.NEGATIVE_LENGTH, `${what} ${n} is negative`, at);
    if (n * minItemBytes > this.end - this.pos) {
      this.fail(ErrorCode.TRUNCATED, `${what} ${n} needs at least ${n * minItemBytes} bytes but ${this.end - this.pos} remain`, at);
    }
    return n;
  }

  /** The frame must be fully consumed. */
  done(): void {
    if (this.pos !== this.end) {
      this.fail(ErrorCode.TRAILING_BYTES, `${this.end - this.pos} unexpected trailing bytes`);
    }
  }
}
