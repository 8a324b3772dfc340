/** Helpers for the auth tests: SCRAM done independently with node:crypto, and error assertions. */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { expect } from 'vitest';
import { AuthError, type AuthErrorCode } from '../../src/auth/index.js';

/** PostgreSQL's scram_build_secret, written with node:crypto; `password` is already SASLprep'd. */
export function nodeScramSecret(password: Uint8Array | string, salt: Uint8Array, iterations: number): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/** Runs `f` and returns the AuthError it throws (or rejects with), checking its code. */
export async function authError(f: () => unknown, code: AuthErrorCode): Promise<AuthError> {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an AuthError').toBeInstanceOf(AuthError);
  expect((err as AuthError).code, (err as Error).message).toBe(code);
  return err as AuthError;
}
