import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError, AuthErrorCode, checkMd5Password, isMd5Verifier, md5, md5Password, md5Verifier } from '../../src/auth/index.js';
import { postgresMd5Secret } from './fixtures.js';

const nodeMd5Hex = (...parts: (string | Uint8Array)[]): string => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('md5', () => {
  it('passes the RFC 1321 test suite', () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [input, digest] of suite) expect(hex(md5(new TextEncoder().encode(input)))).toBe(digest);
  });

  it('agrees with node:crypto for every length up to 300 (all padding cases)', () => {
    for (let n = 0; n <= 300; n++) {
      const data = new Uint8Array(randomBytes(n));
      expect(hex(md5(data)), `length ${n}`).toBe(nodeMd5Hex(data));
    }
  });

  it('agrees with node:crypto for large inputs', () => {
    const data = new Uint8Array(randomBytes(100_000));
    expect(hex(md5(data))).toBe(nodeMd5Hex(data));
  });
});

describe('md5 password method', () => {
  it('builds the pg_authid verifier: "md5" + md5(password || user)', () => {
    expect(md5Verifier('postgres', 'postgres')).toBe('md5' + nodeMd5Hex('postgrespostgres'));
    expect(md5Verifier('postgres', 'postgres')).toBe('md53175bce1d3201d16594cebf9d7eb3f9d');
  });

  it('matches what PostgreSQL 15 stored', () => {
    expect(md5Verifier(postgresMd5Secret.role, postgresMd5Secret.password)).toBe(postgresMd5Secret.secret);
  });

  it('answers AuthenticationMD5Password like libpq: "md5" + md5(hex(md5(password || user)) || salt)', () => {
    const salt = Uint8Array.of(0x93, 0x7c, 0x01, 0xff);
    const inner = nodeMd5Hex('postgres', 'postgres');
    expect(md5Password('postgres', 'postgres', salt)).toBe('md5' + nodeMd5Hex(inner, salt));
  });

  it('agrees with node:crypto for random users, passwords and salts', () => {
    for (let i = 0; i < 200; i++) {
      const user = randomBytes(1 + (i % 20)).toString('base64');
      const password = randomBytes(i % 40).toString('latin1');
      const salt = new Uint8Array(randomBytes(4));
      const inner = nodeMd5Hex(Buffer.from(password, 'utf8'), user);
      expect(md5Password(user, password, salt)).toBe('md5' + nodeMd5Hex(inner, salt));
    }
  });

  it('takes passwords and user names as bytes too (for non-UTF-8 client encodings)', () => {
    const latin1 = Uint8Array.of(0x70, 0xe9); // "pé" in LATIN1
    expect(md5Verifier(Uint8Array.of(0x75), latin1)).toBe('md5' + nodeMd5Hex(latin1, 'u'));
  });

  it('checks a client response on the server side', () => {
    const stored = md5Verifier('alice', 'wonderland');
    const salt = new Uint8Array(randomBytes(4));
    expect(checkMd5Password(stored, salt, md5Password('alice', 'wonderland', salt))).toBe(true);
    expect(checkMd5Password(stored, salt, md5Password('alice', 'Wonderland', salt))).toBe(false);
    expect(checkMd5Password(stored, salt, md5Password('bob', 'wonderland', salt))).toBe(false);
    expect(checkMd5Password(stored, Uint8Array.of(1, 2, 3, 4), md5Password('alice', 'wonderland', Uint8Array.of(1, 2, 3, 5)))).toBe(false);
    expect(checkMd5Password(stored, salt, 'wonderland')).toBe(false);
    expect(checkMd5Password(stored, salt, '')).toBe(false);
  });

  it('refuses to check against something that is not an md5 verifier', () => {
    for (const bad of ['wonderland', 'md5', 'MD5' + 'a'.repeat(32), 'md5' + 'A'.repeat(32), 'md5' + 'a'.repeat(31), 'SCRAM-SHA-256$4096:...']) {
      expect(isMd5Verifier(bad)).toBe(false);
      let err: unknown;
      try {
        checkMd5Password(bad, Uint8Array.of(1, 2, 3, 4), 'md5' + 'a'.repeat(32));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).code).toBe(AuthErrorCode.INVALID_VERIFIER);
    }
    expect(isMd5Verifier(md5Verifier('a', 'b'))).toBe(true);
  });
});
