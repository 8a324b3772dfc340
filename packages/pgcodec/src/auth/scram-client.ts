/**
 * The client side of SCRAM-SHA-256[-PLUS] as PostgreSQL speaks it
 * (RFC 5802, RFC 7677; PostgreSQL docs "SASL Authentication"):
 *
 *   SASLInitialResponse  client-first-message   gs2-header "n=,r=" c-nonce
 *   SASLContinue         server-first-message   "r=" c-nonce s-nonce ",s=" salt ",i=" iterations
 *   SASLResponse         client-final-message   "c=" base64(gs2-header cb-data) ",r=" nonce ",p=" ClientProof
 *   SASLFinal            server-final-message   "v=" ServerSignature
 *
 * The user name is empty: PostgreSQL takes it from the startup packet and
 * ignores the SCRAM one. The GS2 header is "p=tls-server-end-point,," when
 * binding, "y,," when the client could bind but the server offered no
 * -PLUS mechanism (so a server that does support it detects a downgrade),
 * and "n,," otherwise.
 *
 * Sans-I/O: the caller moves the strings in and out of the protocol
 * messages, and must not accept AuthenticationOk before verifyServerFinal
 * has returned (that is what authenticates the server).
 */
import { base64Encode } from './base64.js';
import { concat, utf8Encode, xor } from './bytes.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { saslprepPassword } from './saslprep.js';
import { AttributeReader, base64Attribute, isPrintable, malformed, messageText, newNonce, saslname } from './scram-attributes.js';
import { SCRAM_KEY_LENGTH, scramKeys } from './scram-keys.js';
import {
  SCRAM_SHA_256,
  SCRAM_SHA_256_PLUS,
  TLS_SERVER_END_POINT,
  isScramMechanism,
  type ChannelBinding,
  type ScramMechanism,
} from './scram-mechanisms.js';
import { timingSafeEqual } from './timing-safe-equal.js';
import { hmac } from './webcrypto.js';

/**
 * Default ceiling on the server's iteration count. PostgreSQL accepts any
 * count >= 1; a hostile server could then make the client spin for hours,
 * so counts above this are refused (10 million takes a few seconds).
 */
export const DEFAULT_MAX_ITERATIONS = 10_000_000;

/** Options of a ScramClient. */
export interface ScramClientOptions {
  /** The password; text is used as UTF-8, then SASLprep or raw bytes as PostgreSQL does. */
  password: string | Uint8Array;
  /**
   * Channel-binding data for this TLS connection. With it the default
   * mechanism is SCRAM-SHA-256-PLUS; with it and `mechanism: 'SCRAM-SHA-256'`
   * (server offered no -PLUS) the client sends "y". Leave it out to send "n"
   * (no TLS, or channel_binding=disable).
   */
  channelBinding?: ChannelBinding;
  /** The mechanism named in SASLInitialResponse; see chooseScramMechanism. */
  mechanism?: ScramMechanism;
  /** SCRAM user name; PostgreSQL ignores it and libpq sends "". */
  username?: string;
  /** Client nonce; only for tests and reproducible vectors. Default: 18 random bytes as base64. */
  nonce?: string;
  /** Largest server iteration count accepted; default DEFAULT_MAX_ITERATIONS. */
  maxIterations?: number;
}

type ClientState = 'initial' | 'first-sent' | 'computing' | 'final-sent' | 'verified' | 'failed';

/**
 * The client side of one SCRAM exchange: call clientFirstMessage(),
 * clientFinalMessage() and verifyServerFinal(), in that order, once each.
 */
export class ScramClient {
  /** The mechanism, to name in SASLInitialResponse. */
  readonly mechanism: ScramMechanism;
  private readonly password: string | Uint8Array;
  private readonly channelBinding: ChannelBinding | undefined;
  private readonly gs2Header: string;
  private readonly username: string;
  private readonly clientNonce: string;
  private readonly maxIterations: number;
  private state: ClientState = 'initial';
  private clientFirstBare = '';
  private serverSignature: Uint8Array | null = null;

  constructor(opts: ScramClientOptions) {
    const cb = opts.channelBinding;
    if (cb !== undefined && cb.type !== TLS_SERVER_END_POINT) {
      throw new AuthError(AuthErrorCode.INVALID_ARGUMENT, `unsupported channel-binding type ${JSON.stringify(cb.type)}`);
    }
    this.mechanism = opts.mechanism ?? (cb ? SCRAM_SHA_256_PLUS : SCRAM_SHA_256);
    if (!isScramMechanism(this.mechanism)) {
      throw new AuthError(AuthErrorCode.INVALID_ARGUMENT, `unknown SCRAM mechanism ${JSON.stringify(this.mechanism)}`);
    }
    if (this.mechanism === SCRAM_SHA_256_PLUS && cb === undefined) {
      throw new AuthError(AuthErrorCode.INVALID_ARGUMENT, 'SCRAM-SHA-256-PLUS needs channelBinding data');
    }
    this.channelBinding = cb;
    this.gs2Header = this.mechanism === SCRAM_SHA_256_PLUS ? `p=${TLS_SERVER_END_POINT},,` : cb ? 'y,,' : 'n,,';
    this.password = opts.password;
    this.username = saslname(opts.username ?? '');
    this.clientNonce = opts.nonce ?? newNonce();
    if (!isPrintable(this.clientNonce)) {
      throw new AuthError(AuthErrorCode.INVALID_ARGUMENT, 'a nonce must be printable ASCII without ","');
    }
    this.maxIterations = opts.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  }

  /** True once the server's signature has been verified: the server knows the password's keys. */
  get verified(): boolean {
    return this.state === 'verified';
  }

  /** The data for SASLInitialResponse. */
  clientFirstMessage(): string {
    this.expectState('initial', 'clientFirstMessage');
    this.clientFirstBare = `n=${this.username},r=${this.clientNonce}`;
    this.state = 'first-sent';
    return this.gs2Header + this.clientFirstBare;
  }

  /** Takes AuthenticationSASLContinue's data; returns the data for SASLResponse. */
  async clientFinalMessage(serverFirstMessage: string | Uint8Array): Promise<string> {
    this.expectState('first-sent', 'clientFinalMessage');
    this.state = 'computing';
    try {
      const serverFirst = messageText(serverFirstMessage, 'server-first-message');
      const r = new AttributeReader(serverFirst, 'server-first-message');
      if (r.peek() === 'm') throw new AuthError(AuthErrorCode.UNSUPPORTED, 'the server requires an unsupported SCRAM extension');
      const nonce = r.expect('r');
      const salt = base64Attribute(r.expect('s'), 'salt');
      const iterationText = r.expect('i');
      r.end();

      if (!nonce.startsWith(this.clientNonce)) {
        throw new AuthError(AuthErrorCode.NONCE_MISMATCH, "the server's nonce does not start with the client's");
      }
      if (!/^[0-9]{1,10}$/.test(iterationText)) throw malformed(`invalid iteration count ${JSON.stringify(iterationText)}`);
      const iterations = Number(iterationText);
      if (iterations < 1 || iterations > this.maxIterations) {
        throw new AuthError(AuthErrorCode.ITERATION_COUNT, `iteration count ${iterations} is outside 1..${this.maxIterations}`);
      }

      const cbData = this.mechanism === SCRAM_SHA_256_PLUS ? this.channelBinding!.data : new Uint8Array(0);
      const withoutProof = `c=${base64Encode(concat(utf8Encode(this.gs2Header), cbData))},r=${nonce}`;
      const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;

      const keys = await scramKeys(saslprepPassword(this.password), salt, iterations);
      const clientSignature = await hmac(keys.storedKey, authMessage);
      const clientProof = xor(keys.clientKey, clientSignature);
      this.serverSignature = await hmac(keys.serverKey, authMessage);
      this.state = 'final-sent';
      return `${withoutProof},p=${base64Encode(clientProof)}`;
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
  }

  /**
   * Takes AuthenticationSASLFinal's data. Returns if the server proved it
   * holds the password's ServerKey; throws AuthError otherwise, including
   * SERVER_ERROR for an "e=" answer.
   */
  verifyServerFinal(serverFinalMessage: string | Uint8Array): void {
    this.expectState('final-sent', 'verifyServerFinal');
    this.state = 'failed';
    const r = new AttributeReader(messageText(serverFinalMessage, 'server-final-message'), 'server-final-message');
    if (r.peek() === 'e') {
      throw new AuthError(AuthErrorCode.SERVER_ERROR, `error received from server in SCRAM exchange: ${r.expect('e')}`);
    }
    const signature = base64Attribute(r.expect('v'), 'server signature');
    r.end();
    if (signature.length !== SCRAM_KEY_LENGTH) throw malformed('the server signature has the wrong length');
    if (!timingSafeEqual(signature, this.serverSignature!)) {
      throw new AuthError(AuthErrorCode.SERVER_SIGNATURE, 'incorrect server signature');
    }
    this.state = 'verified';
  }

  private expectState(want: ClientState, method: string): void {
    if (this.state !== want) {
      throw new AuthError(AuthErrorCode.INVALID_STATE, `ScramClient.${method}() called in state ${this.state}`);
    }
  }
}
