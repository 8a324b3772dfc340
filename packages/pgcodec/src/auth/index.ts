/**
 * pgcodec/auth: the arithmetic of PostgreSQL password authentication, for
 * clients and servers, sans I/O. MD5 ("md5" method) and SCRAM-SHA-256[-PLUS]
 * ("scram-sha-256"), with SASLprep, verifiers as pg_authid stores them and
 * tls-server-end-point channel binding. Web-platform only: WebCrypto,
 * TextEncoder, Uint8Array.
 *
 * A client answering AuthenticationSASL (`cb` is the tls-server-end-point
 * hash of the server certificate when on TLS, else undefined):
 *
 *   const mechanism = chooseScramMechanism(msg.mechanisms, { canBind: cb !== undefined });
 *   const scram = new ScramClient({ password, mechanism, channelBinding: cb });
 *   send(new SASLInitialResponse({ mechanism, data: scram.clientFirstMessage() }));
 *   // AuthenticationSASLContinue:
 *   send(new SASLResponse({ data: await scram.clientFinalMessage(msg.data) }));
 *   // AuthenticationSASLFinal (before accepting AuthenticationOk):
 *   scram.verifyServerFinal(msg.data);
 *
 * A server mirrors it with ScramServer and a secret from scramVerifier().
 */
export { AuthError, AuthErrorCode } from './errors.js';
export { base64Decode, base64Encode } from './base64.js';
export { timingSafeEqual } from './timing-safe-equal.js';
export { md5 } from './md5.js';
export { checkMd5Password, isMd5Verifier, md5Password, md5Verifier } from './md5-password.js';
export { saslprep, saslprepPassword } from './saslprep.js';
export {
  SCRAM_SHA_256,
  SCRAM_SHA_256_PLUS,
  TLS_SERVER_END_POINT,
  chooseScramMechanism,
  isScramMechanism,
  serverScramMechanisms,
  type ChannelBinding,
  type ChannelBindingMode,
  type ChooseScramMechanismOptions,
  type ScramMechanism,
} from './scram-mechanisms.js';
export { SCRAM_KEY_LENGTH, scramKeys, type ScramKeys } from './scram-keys.js';
export { formatScramVerifier, parseScramVerifier, scramVerifier, type ScramVerifier, type ScramVerifierOptions } from './scram-verifier.js';
export { DEFAULT_MAX_ITERATIONS, ScramClient, type ScramClientOptions } from './scram-client.js';
export { ScramServer, type ScramServerOptions } from './scram-server.js';
export { tlsServerEndPointHash, tlsServerEndPointHashAlgorithm, type TlsServerEndPointHash } from './tls-server-end-point.js';
