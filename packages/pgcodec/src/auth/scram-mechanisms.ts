/**
 * SASL mechanism names and the choice between them.
 *
 * PostgreSQL offers SCRAM-SHA-256, and before it SCRAM-SHA-256-PLUS when the
 * connection uses TLS. The -PLUS variant binds the exchange to the TLS
 * channel (tls-server-end-point, RFC 5929), so a man in the middle who
 * terminates TLS with another certificate cannot relay it.
 */
import { AuthError, AuthErrorCode } from './errors.js';

/** SCRAM-SHA-256, without channel binding. */
export const SCRAM_SHA_256 = 'SCRAM-SHA-256';
/** SCRAM-SHA-256 with channel binding (tls-server-end-point); PostgreSQL offers it on TLS connections. */
export const SCRAM_SHA_256_PLUS = 'SCRAM-SHA-256-PLUS';
/** A SCRAM mechanism name: SCRAM-SHA-256 or SCRAM-SHA-256-PLUS. */
export type ScramMechanism = typeof SCRAM_SHA_256 | typeof SCRAM_SHA_256_PLUS;

/** The only channel-binding type PostgreSQL supports. */
export const TLS_SERVER_END_POINT = 'tls-server-end-point';

/**
 * Channel-binding data for SCRAM-SHA-256-PLUS: for tls-server-end-point, the
 * hash of the server's certificate (see tlsServerEndPointHash). Client and
 * server must compute the same bytes; computing them is the caller's job.
 */
export interface ChannelBinding {
  /** The binding type: tls-server-end-point. */
  type: typeof TLS_SERVER_END_POINT;
  /** The binding data: the server certificate's hash. */
  data: Uint8Array;
}

/** libpq's channel_binding setting. */
export type ChannelBindingMode = 'disable' | 'prefer' | 'require';

/** What chooseScramMechanism needs besides the server's list. */
export interface ChooseScramMechanismOptions {
  /** Default 'prefer': bind when the server offers -PLUS and `canBind`. */
  channelBinding?: ChannelBindingMode;
  /** Whether the client has channel-binding data (it is on TLS and hashed the server certificate). */
  canBind: boolean;
}

/**
 * Client side: picks the mechanism to name in SASLInitialResponse from
 * AuthenticationSASL's list, as libpq does. Throws AuthError(NO_MECHANISM)
 * when nothing fits, including when binding is required but impossible.
 */
export function chooseScramMechanism(offered: readonly string[], opts: ChooseScramMechanismOptions): ScramMechanism {
  const mode = opts.channelBinding ?? 'prefer';
  if (mode !== 'disable' && opts.canBind && offered.includes(SCRAM_SHA_256_PLUS)) return SCRAM_SHA_256_PLUS;
  if (mode === 'require') {
    throw new AuthError(
      AuthErrorCode.NO_MECHANISM,
      opts.canBind
        ? 'channel binding is required, but the server did not offer SCRAM-SHA-256-PLUS'
        : 'channel binding is required, but no channel-binding data is available (no TLS?)',
    );
  }
  if (offered.includes(SCRAM_SHA_256)) return SCRAM_SHA_256;
  throw new AuthError(AuthErrorCode.NO_MECHANISM, `none of the server's SASL mechanisms is supported: ${offered.join(', ') || '(none)'}`);
}

/** Server side: the list for AuthenticationSASL, -PLUS first when this connection can bind (is on TLS). */
export function serverScramMechanisms(canBind: boolean): ScramMechanism[] {
  return canBind ? [SCRAM_SHA_256_PLUS, SCRAM_SHA_256] : [SCRAM_SHA_256];
}

/** Whether `m` is SCRAM-SHA-256 or SCRAM-SHA-256-PLUS. */
export function isScramMechanism(m: string): m is ScramMechanism {
  return m === SCRAM_SHA_256 || m === SCRAM_SHA_256_PLUS;
}
