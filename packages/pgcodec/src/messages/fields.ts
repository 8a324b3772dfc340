/**
 * Fields several messages share, read and written in one place: format
 * codes, length-prefixed values, cancel keys. Internal: not exported from
 * the package.
 */
import { MAX_CANCEL_KEY_LENGTH, MIN_CANCEL_KEY_LENGTH } from '../constants.js';
import { ErrorCode } from '../errors.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

/** Reads an Int16 format code: 0 (text) or 1 (binary), the only ones PostgreSQL knows. */
export function readFormatCode(r: Reader, what: string): number {
  const v = r.i16(what);
  if (v !== 0 && v !== 1) r.fail(ErrorCode.INVALID_VALUE, `${what} ${v} is not 0 (text) or 1 (binary)`, r.pos - 2);
  return v;
}

/** Reads an Int16 count and that many format codes. */
export function readFormatCodes(r: Reader, what: string): number[] {
  const n = r.count16(2, `${what} count`);
  const codes = new Array<number>(n);
  for (let i = 0; i < n; i++) codes[i] = readFormatCode(r, what);
  return codes;
}

/** Reads an Int16 count and that many length-prefixed values (NULL as -1). */
export function readValues(r: Reader, what: string): (Uint8Array | null)[] {
  const n = r.count16(4, `${what} count`);
  const values = new Array<Uint8Array | null>(n);
  for (let i = 0; i < n; i++) values[i] = r.lengthPrefixed(what);
  return values;
}

/** 'P': prepare a statement from SQL, with the parameter types the client fixes. */

/** Checks a cancel key's length against protocol 3.2's bounds (4 bytes in 3.0, at most 256 in 3.2). */
export function readCancelKey(r: Reader): Uint8Array {
  const n = r.remaining;
  if (n < MIN_CANCEL_KEY_LENGTH || n > MAX_CANCEL_KEY_LENGTH) {
    r.fail(ErrorCode.INVALID_VALUE, `secret key of ${n} bytes is outside ${MIN_CANCEL_KEY_LENGTH}..${MAX_CANCEL_KEY_LENGTH}`);
  }
  return r.rest();
}

/** Writes a cancel key, refusing lengths outside 4..256 (the peer would misread the packet or refuse it). */
export function writeCancelKey(w: Writer, key: Uint8Array): void {
  const n = key instanceof Uint8Array ? key.length : -1;
  if (n >= 0 && (n < MIN_CANCEL_KEY_LENGTH || n > MAX_CANCEL_KEY_LENGTH)) {
    w.fail(ErrorCode.INVALID_LENGTH, 'secretKey', `${n} bytes is outside ${MIN_CANCEL_KEY_LENGTH}..${MAX_CANCEL_KEY_LENGTH}`);
  }
  w.bytes(key, 'secretKey');
}
