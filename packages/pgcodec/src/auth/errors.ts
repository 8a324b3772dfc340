/**
 * Authentication failures. Every one is an `AuthError` (a `PgcodecError`)
 * with a stable `code`; the message says what was wrong for a log, never
 * anything secret.
 */
import { PgcodecError, nameErrors } from '../errors.js';

/** Stable, machine-readable authentication error codes. */
export const AuthErrorCode = {
  /** A SCRAM message does not follow the RFC 5802 grammar. */
  MALFORMED_MESSAGE: 'ERR_AUTH_MALFORMED_MESSAGE',
  /** A string is not canonical padded base64. */
  INVALID_BASE64: 'ERR_AUTH_INVALID_BASE64',
  /** The server's nonce does not extend the client's, or the client echoed a different one. */
  NONCE_MISMATCH: 'ERR_AUTH_NONCE_MISMATCH',
  /** The iteration count is below 1 or above the configured ceiling. */
  ITERATION_COUNT: 'ERR_AUTH_ITERATION_COUNT',
  /** Client side: the server's `v=` is not the ServerSignature we expected. */
  SERVER_SIGNATURE: 'ERR_AUTH_SERVER_SIGNATURE',
  /** Client side: the server ended the exchange with `e=`. */
  SERVER_ERROR: 'ERR_AUTH_SERVER_ERROR',
  /** Server side: the ClientProof is wrong (wrong password). */
  INVALID_PROOF: 'ERR_AUTH_INVALID_PROOF',
  /** Channel-binding flags or data disagree, or a downgrade was detected. */
  CHANNEL_BINDING: 'ERR_AUTH_CHANNEL_BINDING',
  /** A feature PostgreSQL does not support either: authzid, mandatory extensions, other binding types. */
  UNSUPPORTED: 'ERR_AUTH_UNSUPPORTED',
  /** None of the server's SASL mechanisms is usable under the chosen policy. */
  NO_MECHANISM: 'ERR_AUTH_NO_MECHANISM',
  /** A stored password verifier (MD5 or SCRAM secret) is not well formed. */
  INVALID_VERIFIER: 'ERR_AUTH_INVALID_VERIFIER',
  /** A string is not allowed by SASLprep (RFC 4013). */
  SASLPREP: 'ERR_AUTH_SASLPREP',
  /** A method called out of order, or again after the exchange failed or finished. */
  INVALID_STATE: 'ERR_AUTH_INVALID_STATE',
  /** An option passed by the caller is not acceptable. */
  INVALID_ARGUMENT: 'ERR_AUTH_INVALID_ARGUMENT',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/**
 * An authentication failure: a message that breaks SCRAM's rules, a wrong
 * proof or signature, a bad verifier or argument. `code` is an AuthErrorCode.
 */
export class AuthError extends PgcodecError {
  declare readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

nameErrors({ AuthError });
