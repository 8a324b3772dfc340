/**
 * A growable byte writer that refuses what the peer would read differently.
 * Messages write their header here in one place:
 *
 *   Byte1  type        (absent for startup packets)
 *   Int32  length      counts itself and the payload, back-filled by `finish`
 *   ...    payload
 *
 * Every field goes through a method that checks it fits its wire form — a
 * string without NUL and with a UTF-8 form, an integer inside its Int16 /
 * Int32 / UInt32, a count inside its Int16 — and throws `EncodingError`
 * naming the message and the field otherwise. Nothing is returned until
 * `finish`, which checks the length against PostgreSQL's limits, so a
 * refused message never yields a byte.
 */
import { MAX_STARTUP_PACKET_LENGTH, MIN_STARTUP_PACKET_LENGTH, PQ_LARGE_MESSAGE_LIMIT } from '../constants.js';
import { EncodingError, ErrorCode } from '../errors.js';
import { encodeTextInto, isWellFormed } from './text.js';
import { allocate, claimTail, commitTail, currentSlab, releaseTail } from './slab.js';

const utf8Encoder = new TextEncoder();

const EMPTY = new Uint8Array(0);
/** A finished writer kept for the next message (see Writer.open). */
let spare: Writer | null = null;

/** Strings up to this length are checked and copied in one JavaScript pass; longer ones by native code. */
const SHORT_STRING = 16;

/** Largest Int16 count PostgreSQL reads: pq_getmsgint(msg, 2) and libpq's pqGetInt(.., 2) are unsigned. */
export const MAX_INT16_COUNT = 0xffff;

/**
 * The writer a message's `writePayload` gets. Each field method checks the
 * value fits its wire form and throws EncodingError naming `field` otherwise;
 * the methods chain.
 */
export class Writer {
  /** The buffer; bytes `base` to `pos` are the message so far. */
  buf: Uint8Array;
  /** Index of the message's first byte in `buf` (a slab's free tail, or 0). */
  private base: number;
  /** Index of the next byte to write. */
  pos: number;
  /** Whether `buf` is the slab's claimed tail (see slab.ts). */
  private inSlab: boolean;
  private lengthAt = -1;
  /** Largest value the length field may take: PQ_LARGE_MESSAGE_LIMIT, or MAX_STARTUP_PACKET_LENGTH. */
  private maxLength = PQ_LARGE_MESSAGE_LIMIT;

  /**
   * @param messageType the message's name, for errors
   * @param capacity initial size; a hint that is not a sane size is ignored
   */
  /** The message's name, for errors. */
  messageType: string;

  constructor(messageType: string, capacity = 64) {
    this.messageType = messageType;
    this.buf = EMPTY;
    this.base = this.pos = 0;
    this.inSlab = false;
    this.start(capacity);
  }

  /** Takes a buffer for a message of about `capacity` bytes: the slab's free tail if it can. */
  private start(capacity: number): void {
    const size = capacity >= 16 && capacity <= PQ_LARGE_MESSAGE_LIMIT + 1 ? capacity : 64;
    const at = claimTail(size);
    if (at >= 0) {
      this.buf = currentSlab();
      this.base = this.pos = at;
      this.inSlab = true;
    } else {
      this.buf = new Uint8Array(size);
      this.base = this.pos = 0;
      this.inSlab = false;
    }
  }

  /** Gives back the slab tail of a message that will not be finished (its encoding failed). */
  abandon(): void {
    if (this.inSlab) releaseTail();
    this.inSlab = false;
    this.recycle();
  }

  /**
   * A writer for one message: the spare one when no other message is being
   * encoded (one object less per message), else a new one. `finish` or
   * `abandon` hands it back.
   */
  static open(messageType: string, capacity: number): Writer {
    const w = spare;
    if (w === null) return new Writer(messageType, capacity);
    spare = null;
    w.messageType = messageType;
    w.lengthAt = -1;
    w.maxLength = PQ_LARGE_MESSAGE_LIMIT;
    w.start(capacity);
    return w;
  }

  /** Keeps this writer as the spare, dropping its buffer. */
  private recycle(): void {
    this.buf = EMPTY;
    if (spare === null) spare = this;
  }

  /** Throws the EncodingError for `field`. */
  fail(code: string, field: string, message: string): never {
    throw new EncodingError(code, this.messageType, field, message);
  }

  /**
   * Makes room for `n` more bytes. The buffer never grows past the longest
   * message allowed; `exact` writes that would pass it are refused before
   * anything is allocated. Estimates (a string's 3 bytes per unit) get what
   * room there is, and `cstring` checks what it actually wrote.
   */
  private grow(n: number, exact = true): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    const cap = this.lengthAt + this.maxLength;
    if (need > cap && exact) this.tooLong();
    const base = this.base;
    const size = Math.min(Math.max((this.pos - base) * 2, need - base, 64), cap - base);
    if (size <= this.buf.length - base) return;
    // Out of the slab (or out of room): the message so far moves to a buffer of its own.
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(base, this.pos));
    this.abandon();
    this.buf = next;
    this.pos -= base;
    this.lengthAt -= base;
    this.base = 0;
  }

  private tooLong(): never {
    const what = this.maxLength === PQ_LARGE_MESSAGE_LIMIT ? 'PQ_LARGE_MESSAGE_LIMIT' : 'MAX_STARTUP_PACKET_LENGTH';
    return this.fail(ErrorCode.LENGTH_TOO_LARGE, 'length', `the message would be longer than ${this.maxLength} bytes (${what})`);
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
    this.maxLength = MAX_STARTUP_PACKET_LENGTH;
    this.grow(4);
    this.lengthAt = this.pos;
    this.pos += 4;
    return this;
  }

  /** Back-fills the length and returns the finished bytes. */
  finish(): Uint8Array {
    const len = this.pos - this.lengthAt;
    if (len > this.maxLength) this.fail(ErrorCode.LENGTH_TOO_LARGE, 'length', `message length ${len} exceeds ${this.maxLength}`);
    if (this.maxLength === MAX_STARTUP_PACKET_LENGTH && len < MIN_STARTUP_PACKET_LENGTH) {
      this.fail(ErrorCode.LENGTH_TOO_SMALL, 'length', `startup packet length ${len} is below ${MIN_STARTUP_PACKET_LENGTH}`);
    }
    const b = this.buf;
    const p = this.lengthAt;
    b[p] = len >>> 24;
    b[p + 1] = len >>> 16;
    b[p + 2] = len >>> 8;
    b[p + 3] = len;
    let out: Uint8Array;
    if (this.inSlab) {
      this.inSlab = false;
      out = commitTail(b, this.base, this.pos);
    } else if (this.pos === b.length) {
      out = b;
    } else {
      out = allocate(this.pos);
      out.set(b.subarray(0, this.pos));
    }
    this.recycle();
    return out;
  }

  /** A byte the message itself supplies (a terminator, a code): not checked. */
  u8(v: number): this {
    this.grow(1);
    this.buf[this.pos++] = v;
    return this;
  }

  /** Byte1 / Int8 field: an integer 0..255. */
  byte(v: number, field: string): this {
    if (typeof v !== 'number' || (v & 0xff) !== v) this.fail(ErrorCode.OUT_OF_RANGE, field, `${show(v)} is not an integer from 0 to 255`);
    return this.u8(v);
  }

  /** Byte1 field holding one character from `allowed` (a transaction status, a Describe kind). */
  char(c: string, allowed: string, field: string): this {
    if (typeof c !== 'string' || c.length !== 1 || !allowed.includes(c)) {
      this.fail(ErrorCode.INVALID_VALUE, field, `${show(c)} is not one of ${[...allowed].map((x) => `'${x}'`).join(', ')}`);
    }
    return this.u8(c.charCodeAt(0));
  }

  /** Int16 field, signed (attribute number, type size): -32768..32767. */
  i16(v: number, field: string): this {
    if (typeof v !== 'number' || (v << 16) >> 16 !== v) this.fail(ErrorCode.OUT_OF_RANGE, field, `${show(v)} is not an integer from -32768 to 32767 (Int16)`);
    return this.int16(v);
  }

  /** The Int16 count of list `v`; checks `v` is an array. */
  count16(v: readonly unknown[], field: string): this {
    if (!Array.isArray(v)) this.fail(ErrorCode.WRONG_TYPE, field, `${show(v)} is not an array`);
    return this.size16(v.length, field);
  }

  /** An Int16 count of `n` items: 0..65535, as PostgreSQL reads it (unsigned). */
  size16(n: number, field: string): this {
    if (n > MAX_INT16_COUNT) this.fail(ErrorCode.TOO_MANY, field, `${n} items do not fit the Int16 count (at most ${MAX_INT16_COUNT})`);
    return this.int16(n);
  }

  /** A format code: 0 (text) or 1 (binary), as Int16. */
  format(v: number, field: string): this {
    if (v !== 0 && v !== 1) this.fail(ErrorCode.INVALID_VALUE, field, `format code ${show(v)} is not 0 (text) or 1 (binary)`);
    return this.int16(v);
  }

  /** Int16 count then each format code (0 or 1). */
  formats(v: readonly number[], field: string): this {
    this.count16(v, field);
    for (let i = 0; i < v.length; i++) this.format(v[i]!, field);
    return this;
  }

  private int16(v: number): this {
    this.grow(2);
    const b = this.buf;
    b[this.pos++] = v >>> 8;
    b[this.pos++] = v;
    return this;
  }

  /** Int32 field, signed: -2^31..2^31-1. */
  i32(v: number, field: string): this {
    if (typeof v !== 'number' || (v | 0) !== v) this.fail(ErrorCode.OUT_OF_RANGE, field, `${show(v)} is not an integer from -2147483648 to 2147483647 (Int32)`);
    return this.int32(v);
  }

  /** Int32 field holding an unsigned value (an OID, a protocol code): 0..2^32-1. */
  u32(v: number, field: string): this {
    if (typeof v !== 'number' || v >>> 0 !== v) this.fail(ErrorCode.OUT_OF_RANGE, field, `${show(v)} is not an integer from 0 to 4294967295 (an OID)`);
    return this.int32(v);
  }

  /** An Int32 the message itself supplies (a request code, a length it computed): not checked. */
  int32(v: number): this {
    this.grow(4);
    const b = this.buf;
    b[this.pos++] = v >>> 24;
    b[this.pos++] = v >>> 16;
    b[this.pos++] = v >>> 8;
    b[this.pos++] = v;
    return this;
  }

  /** Byten field: the bytes as given. */
  bytes(v: Uint8Array, field: string): this {
    if (!(v instanceof Uint8Array)) this.fail(ErrorCode.WRONG_TYPE, field, `${show(v)} is not a Uint8Array`);
    const n = v.length;
    this.grow(n);
    const b = this.buf;
    const at = this.pos;
    // A loop beats set()'s native call for the short values most rows hold.
    if (n <= 16) for (let i = 0; i < n; i++) b[at + i] = v[i]!;
    else b.set(v, at);
    this.pos = at + n;
    return this;
  }

  /** String field: UTF-8 then NUL. Refuses a NUL inside (the peer would end the string there) and lone surrogates. */
  cstring(s: string, field: string): this {
    if (typeof s !== 'string') this.fail(ErrorCode.WRONG_TYPE, field, `${show(s)} is not a string`);
    const n = s.length;
    const room = n * 3 + 1;
    this.grow(room, false);
    if (this.buf.length - this.pos >= room) {
      // Short ASCII: check and copy in one pass (a NUL is refused; anything else non-ASCII takes the checked path).
      const b = this.buf;
      const at = this.pos;
      let i = 0;
      if (n <= SHORT_STRING) {
        for (; i < n; i++) {
          const c = s.charCodeAt(i);
          if (c === 0 || c >= 0x80) break;
          b[at + i] = c;
        }
      }
      if (i < n) {
        // Written first, judged after (the bytes stay uncommitted until finish): as many
        // bytes as units means all ASCII, so only a NUL can be wrong; otherwise the full check.
        const written = encodeTextInto(s, b, at);
        if (n <= SHORT_STRING || written !== n || s.includes('\0')) this.checkText(s, field);
        i = written;
      }
      this.pos += i;
    } else {
      this.checkText(s, field);
      // Near the length limit: write the exact bytes, or refuse.
      const b = utf8Encoder.encode(s);
      this.grow(b.length + 1);
      this.buf.set(b, this.pos);
      this.pos += b.length;
    }
    this.u8(0);
    return this;
  }

  /** Refuses a NUL inside (the peer would end the string there) and lone surrogates (no UTF-8 form). */
  private checkText(s: string, field: string): void {
    if (s.includes('\0')) this.fail(ErrorCode.NUL_IN_STRING, field, `contains a NUL at index ${s.indexOf('\0')}; the peer would read the string as ending there`);
    if (!isWellFormed(s)) this.fail(ErrorCode.INVALID_TEXT, field, 'contains a lone UTF-16 surrogate, which has no UTF-8 form');
  }

  /**
   * A String in a list that an empty string ends (startup parameter names,
   * SASL mechanisms): it must not be empty, or the peer would end the list there.
   */
  listItem(s: string, field: string): this {
    if (s === '') this.fail(ErrorCode.INVALID_VALUE, field, 'is empty; an empty name ends the list on the wire');
    return this.cstring(s, field);
  }

  /** Int32 length then bytes; null is written as length -1. */
  lengthPrefixed(v: Uint8Array | null, field: string): this {
    if (v === null) return this.int32(-1);
    if (!(v instanceof Uint8Array)) this.fail(ErrorCode.WRONG_TYPE, field, `${show(v)} is not a Uint8Array or null`);
    return this.int32(v.length).bytes(v, field);
  }

  /**
   * Int32 length then `s` as UTF-8: a value given as a string, already
   * checked to have a UTF-8 form (a value may hold any character).
   */
  lengthPrefixedText(s: string, field: string): this {
    const room = 4 + 3 * s.length;
    this.grow(room, false);
    if (this.buf.length - this.pos < room) return this.lengthPrefixed(utf8Encoder.encode(s), field);
    const at = this.pos;
    const n = encodeTextInto(s, this.buf, at + 4);
    const b = this.buf;
    b[at] = n >>> 24;
    b[at + 1] = n >>> 16;
    b[at + 2] = n >>> 8;
    b[at + 3] = n;
    this.pos = at + 4 + n;
    return this;
  }

  /** Int16 count then each value as Int32 length and bytes (NULL as -1). */
  values(v: readonly (Uint8Array | null)[], field: string): this {
    this.count16(v, field);
    for (let i = 0; i < v.length; i++) this.lengthPrefixed(v[i]!, field);
    return this;
  }

  /** Int16 count then each OID as Int32 (unsigned). */
  oids(v: readonly number[], field: string): this {
    this.count16(v, field);
    for (let i = 0; i < v.length; i++) this.u32(v[i]!, field);
    return this;
  }
}

/** A value as it appears in an error message, cut short. */
export function show(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (v instanceof Uint8Array) s = `Uint8Array(${v.length})`;
  else if (typeof v === 'bigint') s = `${v}n`;
  else if (typeof v === 'object' && v !== null) s = Object.prototype.toString.call(v);
  else s = String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
