/**
 * PostgreSQL's "md5" password method (AuthenticationMD5Password).
 *
 *   pg_authid.rolpassword  = "md5" + hex(md5(password || username))
 *   PasswordMessage        = "md5" + hex(md5(hex(md5(password || username)) || salt))
 *
 * The server never sees the password, only the stored verifier; which also
 * means the verifier alone is enough to log in. Prefer SCRAM.
 */
import { concat, toBytes, toHex, utf8Encode } from './bytes.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { md5 } from './md5.js';
import { timingSafeEqual } from './timing-safe-equal.js';

/** The verifier pg_authid stores for the md5 method. Strings are encoded as UTF-8. */
export function md5Verifier(user: string | Uint8Array, password: string | Uint8Array): string {
  return 'md5' + toHex(md5(concat(toBytes(password), toBytes(user))));
}

/**
 * The client's answer to AuthenticationMD5Password: the PasswordMessage
 * text for `salt` (the request's 4 bytes).
 */
export function md5Password(user: string | Uint8Array, password: string | Uint8Array, salt: Uint8Array): string {
  return md5Salted(md5Verifier(user, password), salt);
}

/** Second round: hash the 32 hex digits of a verifier (without "md5") with the salt. */
function md5Salted(verifier: string, salt: Uint8Array): string {
  return 'md5' + toHex(md5(concat(utf8Encode(verifier.slice(3)), salt)));
}

const MD5_VERIFIER = /^md5[0-9a-f]{32}$/;

/** Whether `s` is an md5 verifier: "md5" and 32 lowercase hex digits. */
export function isMd5Verifier(s: string): boolean {
  return MD5_VERIFIER.test(s);
}

/**
 * Server side: whether `clientResponse` (the PasswordMessage text) proves
 * knowledge of the password behind `storedVerifier` for this `salt`. The
 * comparison takes the same time wherever the first difference is.
 * Throws AuthError(INVALID_VERIFIER) if `storedVerifier` is not an md5
 * verifier (e.g. a SCRAM secret, which cannot answer an MD5 challenge).
 */
export function checkMd5Password(storedVerifier: string, salt: Uint8Array, clientResponse: string): boolean {
  if (!isMd5Verifier(storedVerifier)) {
    throw new AuthError(AuthErrorCode.INVALID_VERIFIER, 'stored password is not an md5 verifier ("md5" and 32 hex digits)');
  }
  return timingSafeEqual(utf8Encode(md5Salted(storedVerifier, salt)), utf8Encode(clientResponse));
}
