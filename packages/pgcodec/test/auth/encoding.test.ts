import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError, AuthErrorCode, base64Decode, base64Encode, timingSafeEqual } from '../../src/auth/index.js';

describe('base64', () => {
  it('encodes like Node for every length from 0 to 100 and decodes back', () => {
    for (let n = 0; n <= 100; n++) {
      const b = new Uint8Array(randomBytes(n));
      const text = base64Encode(b);
      expect(text).toBe(Buffer.from(b).toString('base64'));
      expect(base64Decode(text)).toEqual(b);
    }
  });

  it('handles every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64Decode(base64Encode(all))).toEqual(all);
  });

  it('decodes the RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, coded] of vectors) {
      expect(base64Encode(new TextEncoder().encode(plain))).toBe(coded);
      expect(new TextDecoder().decode(base64Decode(coded))).toBe(plain);
    }
  });

  it.each([
    ['Zm9', 'length is not a multiple of 4'],
    ['Zm9v Yg==', 'length'],
    ['Zg', 'length'],
    ['Zm=v', 'unexpected character at 2'],
    ['====', 'unexpected character at 0'],
    ['Z===', 'unexpected character at 1'],
    ['Zg==Zm9v', 'unexpected character at 2'],
    ['Zm9-', 'unexpected character at 3'],
    ['Zm9\u00e9', 'unexpected character at 3'],
    ['Zh==', 'non-zero bits under the padding'],
    ['Zm9=', 'non-zero bits under the padding'],
  ])('rejects %j (%s)', (text, why) => {
    const e = catchError(() => base64Decode(text));
    expect(e).toBeInstanceOf(AuthError);
    expect(e.code).toBe(AuthErrorCode.INVALID_BASE64);
    expect(e.message).toContain(why);
  });
});

describe('timingSafeEqual', () => {
  it('is true only for equal bytes of equal length', () => {
    expect(timingSafeEqual(Uint8Array.of(), Uint8Array.of())).toBe(true);
    expect(timingSafeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(timingSafeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false);
    expect(timingSafeEqual(Uint8Array.of(0, 2, 3), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(timingSafeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(false);
  });

  it('finds a difference in any byte', () => {
    const a = new Uint8Array(randomBytes(32));
    for (let i = 0; i < 32; i++) {
      const b = a.slice();
      b[i]! ^= 0x80;
      expect(timingSafeEqual(a, b)).toBe(false);
    }
  });
});

function catchError(f: () => unknown): AuthError {
  try {
    f();
  } catch (e) {
    return e as AuthError;
  }
  throw new Error('expected an error');
}
