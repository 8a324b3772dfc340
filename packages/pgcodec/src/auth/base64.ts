/**
 * Standard base64 (RFC 4648 section 4, with padding), as SCRAM and
 * PostgreSQL's verifiers use it. Written out rather than using btoa/atob,
 * which work on "binary strings" and are easy to misuse with bytes >= 0x80.
 */
import { AuthError, AuthErrorCode } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Character code -> 6-bit value, or -1 for characters outside the alphabet. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as padded base64. */
export function base64Encode(b: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const left = b.length - i;
  if (left === 1) {
    const n = b[i]! << 16;
    s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (left === 2) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8);
    s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return s;
}

/**
 * Decodes padded base64. Strict: whitespace, missing or misplaced padding,
 * characters outside the alphabet and non-zero bits under the padding are
 * all rejected, so each byte string has exactly one accepted spelling.
 */
export function base64Decode(s: string): Uint8Array<ArrayBuffer> {
  if (s.length % 4 !== 0) throw invalid('length is not a multiple of 4');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      let v = c < 128 ? VALUE[c]! : -1;
      if (v < 0) {
        // '=' only as the final one or two characters.
        if (c !== 61 || !last || j < 4 - pad) throw invalid(`unexpected character at ${i + j}`);
        v = 0;
      }
      n = (n << 6) | v;
    }
    if (last && (pad === 2 ? n & 0xffff : pad === 1 ? n & 0xff : 0) !== 0) throw invalid('non-zero bits under the padding');
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function invalid(why: string): AuthError {
  return new AuthError(AuthErrorCode.INVALID_BASE64, `invalid base64: ${why}`);
}
