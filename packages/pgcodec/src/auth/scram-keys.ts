/**
 * The keys of SCRAM-SHA-256 (RFC 5802 section 3), from a password that has
 * already been through saslprepPassword:
 *
 *   SaltedPassword := Hi(Normalize(password), salt, i)
 *   ClientKey      := HMAC(SaltedPassword, "Client Key")
 *   StoredKey      := H(ClientKey)
 *   ServerKey      := HMAC(SaltedPassword, "Server Key")
 *
 * The server keeps StoredKey and ServerKey; the client recomputes all four.
 */
import { hi, hmac, sha256 } from './webcrypto.js';

/** Output size of SHA-256, the size of every SCRAM-SHA-256 key, proof and signature. */
export const SCRAM_KEY_LENGTH = 32;

/** The keys derived from a password, a salt and an iteration count. */
export interface ScramKeys {
  /** ClientKey = HMAC(SaltedPassword, "Client Key"): only the password gives it. */
  clientKey: Uint8Array;
  /** StoredKey = H(ClientKey): the server keeps it to check a ClientProof. */
  storedKey: Uint8Array;
  /** ServerKey = HMAC(SaltedPassword, "Server Key"): the server keeps it to sign its final message. */
  serverKey: Uint8Array;
}

/** Computes SaltedPassword and the keys from it. `normalizedPassword` is saslprepPassword's result. */
export async function scramKeys(normalizedPassword: Uint8Array, salt: Uint8Array, iterations: number): Promise<ScramKeys> {
  const salted = await hi(normalizedPassword, salt, iterations);
  const clientKey = await hmac(salted, 'Client Key');
  const serverKey = await hmac(salted, 'Server Key');
  return { clientKey, storedKey: await sha256(clientKey), serverKey };
}
