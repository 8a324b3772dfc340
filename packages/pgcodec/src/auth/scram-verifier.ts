/**
 * SCRAM secrets as pg_authid.rolpassword stores them:
 *
 *   SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>
 *
 * They let a server check a client without knowing the password, but not
 * act as the client (that needs ClientKey, which only the password gives).
 */
import { base64Decode, base64Encode } from './base64.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { saslprepPassword } from './saslprep.js';
import { SCRAM_KEY_LENGTH, scramKeys } from './scram-keys.js';
import { randomBytes } from './webcrypto.js';

/** A parsed SCRAM-SHA-256 secret. */
export interface ScramVerifier {
  /** The PBKDF2 iteration count the keys were derived with. */
  iterations: number;
  /** The salt the keys were derived with. */
  salt: Uint8Array;
  /** StoredKey, 32 bytes: checks the client's proof. */
  storedKey: Uint8Array;
  /** ServerKey, 32 bytes: signs the server's final message. */
  serverKey: Uint8Array;
}

/** Options of scramVerifier. */
export interface ScramVerifierOptions {
  /** PBKDF2 iterations; PostgreSQL's default (scram_iterations) is 4096. */
  iterations?: number;
  /** Default: 16 random bytes, as PostgreSQL makes. */
  salt?: Uint8Array;
}

/** PostgreSQL's iteration count is a C int. */
const MAX_STORED_ITERATIONS = 0x7fffffff;

/**
 * Builds the secret PostgreSQL would store for `password` (what
 * `CREATE ROLE ... PASSWORD` does with password_encryption = scram-sha-256),
 * including its SASLprep-or-raw-bytes treatment of the password.
 */
export async function scramVerifier(password: string | Uint8Array, opts: ScramVerifierOptions = {}): Promise<string> {
  const iterations = opts.iterations ?? 4096;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_STORED_ITERATIONS) {
    throw new AuthError(AuthErrorCode.INVALID_ARGUMENT, `iteration count must be an integer from 1 to ${MAX_STORED_ITERATIONS}, not ${iterations}`);
  }
  const salt = opts.salt ?? randomBytes(16);
  const { storedKey, serverKey } = await scramKeys(saslprepPassword(password), salt, iterations);
  return formatScramVerifier({ iterations, salt, storedKey, serverKey });
}

/** The text pg_authid stores for a secret: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>. */
export function formatScramVerifier(v: ScramVerifier): string {
  return `SCRAM-SHA-256$${v.iterations}:${base64Encode(v.salt)}$${base64Encode(v.storedKey)}:${base64Encode(v.serverKey)}`;
}

const SHAPE = /^SCRAM-SHA-256\$([0-9]+):([^$:]*)\$([^$:]*):([^$:]*)$/;

/** Parses a stored secret; throws AuthError(INVALID_VERIFIER) if it is not a SCRAM-SHA-256 one. */
export function parseScramVerifier(s: string): ScramVerifier {
  const m = SHAPE.exec(s);
  if (m === null) throw invalid('not of the form SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>');
  const iterations = Number(m[1]);
  if (iterations < 1 || iterations > MAX_STORED_ITERATIONS) throw invalid(`iteration count ${m[1]} out of range`);
  const salt = decode(m[2]!, 'salt');
  const storedKey = decode(m[3]!, 'StoredKey');
  const serverKey = decode(m[4]!, 'ServerKey');
  if (storedKey.length !== SCRAM_KEY_LENGTH || serverKey.length !== SCRAM_KEY_LENGTH) {
    throw invalid(`StoredKey and ServerKey must be ${SCRAM_KEY_LENGTH} bytes`);
  }
  return { iterations, salt, storedKey, serverKey };
}

function decode(value: string, what: string): Uint8Array {
  try {
    return base64Decode(value);
  } catch (e) {
    throw invalid(`${what} is not valid base64`, e);
  }
}

function invalid(why: string, cause?: unknown): AuthError {
  return new AuthError(AuthErrorCode.INVALID_VERIFIER, `invalid SCRAM secret: ${why}`, { cause });
}
