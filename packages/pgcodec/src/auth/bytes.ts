/** Byte helpers shared by the authentication code. */

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(s: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(s);
}

/** Decodes UTF-8, or returns null if the bytes are not valid UTF-8 (a BOM is kept, not stripped). */
export function utf8DecodeStrict(b: Uint8Array): string | null {
  try {
    return strictDecoder.decode(b);
  } catch {
    return null;
  }
}

/** Text as bytes; bytes are copied so WebCrypto gets a plain, unshared ArrayBuffer it can own. */
export function toBytes(v: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof v === 'string' ? encoder.encode(v) : new Uint8Array(v);
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function xor(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

const HEX = '0123456789abcdef';

/** Lower-case hex, as PostgreSQL prints MD5 digests. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += HEX[x >> 4]! + HEX[x & 15]!;
  return s;
}
