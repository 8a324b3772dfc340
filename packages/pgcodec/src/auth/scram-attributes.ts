/**
 * Reading and writing SCRAM messages (RFC 5802 section 7): comma-separated
 * attributes "a=value" with one-letter names, after a GS2 header in the
 * client's first message. Values cannot contain ',' so splitting is exact.
 */
import { base64Decode, base64Encode } from './base64.js';
import { utf8DecodeStrict } from './bytes.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { randomBytes } from './webcrypto.js';

/** Random bytes in a nonce, as PostgreSQL's SCRAM_RAW_NONCE_LEN (24 base64 characters). */
export const SCRAM_RAW_NONCE_LEN = 18;

export interface Attribute {
  name: string;
  value: string;
}

const ATTR = /^[A-Za-z]=/;

/** Reads one message's attributes in order. */
export class AttributeReader {
  private readonly parts: string[];
  private next = 0;

  constructor(
    text: string,
    private readonly what: string,
  ) {
    this.parts = text === '' ? [] : text.split(',');
  }

  /** The next attribute's name ("" for an empty part), or undefined at the end. */
  peek(): string | undefined {
    return this.parts[this.next]?.charAt(0);
  }

  /** The next attribute, whatever its name. */
  any(): Attribute {
    const part = this.parts[this.next];
    if (part === undefined) throw malformed(`${this.what} ends too early`);
    if (!ATTR.test(part)) throw malformed(`${this.what}: ${JSON.stringify(part)} is not an attribute`);
    this.next++;
    return { name: part[0]!, value: part.slice(2) };
  }

  /** The value of the next attribute, which must be `name`. */
  expect(name: string): string {
    const a = this.any();
    if (a.name !== name) throw malformed(`${this.what}: expected attribute "${name}" but found "${a.name}"`);
    return a.value;
  }

  /** Rejects anything after the last attribute read. */
  end(): void {
    if (this.next < this.parts.length) throw malformed(`${this.what}: garbage at the end`);
  }
}

/** Message bytes as text; SCRAM messages are UTF-8 with no NUL. */
export function messageText(msg: string | Uint8Array, what: string): string {
  const text = typeof msg === 'string' ? msg : utf8DecodeStrict(msg);
  if (text === null) throw malformed(`${what} is not valid UTF-8`);
  if (text.includes('\0')) throw malformed(`${what} contains a NUL character`);
  return text;
}

/** Decodes a base64 attribute value, reporting a failure as a malformed message. */
export function base64Attribute(value: string, what: string): Uint8Array<ArrayBuffer> {
  try {
    return base64Decode(value);
  } catch (e) {
    throw malformed(`${what} is not valid base64`, e);
  }
}

/** A fresh nonce: random bytes as base64, which is always "printable". */
export function newNonce(): string {
  return base64Encode(randomBytes(SCRAM_RAW_NONCE_LEN));
}

/** RFC 5802 "printable": %x21-2B / %x2D-7E, i.e. visible ASCII except ','. */
export function isPrintable(s: string): boolean {
  return /^[\x21-\x2b\x2d-\x7e]+$/.test(s);
}

export function malformed(message: string, cause?: unknown): AuthError {
  return new AuthError(AuthErrorCode.MALFORMED_MESSAGE, `malformed SCRAM message: ${message}`, { cause });
}

/** The saslname form of a user name: ',' and '=' escaped as "=2C" and "=3D". */
export function saslname(user: string): string {
  return user.replace(/=/g, '=3D').replace(/,/g, '=2C');
}
