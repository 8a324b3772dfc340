/**
 * The WebCrypto primitives SCRAM-SHA-256 needs (RFC 5802 section 2.2 names):
 * H (SHA-256), HMAC (HMAC-SHA-256) and Hi (PBKDF2 with HMAC-SHA-256), plus
 * random bytes. WebCrypto exists in browsers, Node 20+, Deno and Bun.
 */
import { toBytes } from './bytes.js';
import { AuthError, AuthErrorCode } from './errors.js';

/** Browsers expose crypto.subtle only in secure contexts (https, localhost). */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) {
    throw new AuthError(AuthErrorCode.UNSUPPORTED, 'WebCrypto (crypto.subtle) is not available; browsers offer it only in secure contexts');
  }
  return s;
}

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

export async function digest(algorithm: 'SHA-256' | 'SHA-384' | 'SHA-512', data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().digest(algorithm, toBytes(data)));
}

/** H(str) */
export function sha256(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return digest('SHA-256', data);
}

/** HMAC(key, str); `str` given as text is encoded as UTF-8. */
export async function hmac(key: Uint8Array, data: Uint8Array | string): Promise<Uint8Array<ArrayBuffer>> {
  const k = await subtle().importKey('raw', toBytes(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', k, toBytes(data)));
}

/** Hi(str, salt, i): PBKDF2-HMAC-SHA-256 with one output block (32 bytes). */
export async function hi(password: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  const k = await subtle().importKey('raw', toBytes(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: toBytes(salt), iterations }, k, 256);
  return new Uint8Array(bits);
}
