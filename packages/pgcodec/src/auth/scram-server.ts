/**
 * The server side of SCRAM-SHA-256[-PLUS], checking what PostgreSQL's
 * backend checks (auth-scram.c), for one exchange with one client:
 *
 *   new ScramServer({ verifier, mechanism, channelBinding? })
 *   serverFirstMessage(SASLInitialResponse data)   -> AuthenticationSASLContinue data
 *   serverFinalMessage(SASLResponse data)          -> AuthenticationSASLFinal data
 *
 * Every failure is an AuthError; INVALID_PROOF means a wrong password and
 * should be answered like PostgreSQL does, with ErrorResponse 28P01
 * ("password authentication failed"), the rest with 08P01 (protocol violation).
 * The client's user name is ignored: the role comes from the startup packet.
 */
import { base64Encode } from './base64.js';
import { concat, utf8Encode, xor } from './bytes.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { AttributeReader, base64Attribute, isPrintable, malformed, messageText, newNonce } from './scram-attributes.js';
import { SCRAM_KEY_LENGTH } from './scram-keys.js';
import { SCRAM_SHA_256_PLUS, TLS_SERVER_END_POINT, isScramMechanism, type ChannelBinding, type ScramMechanism } from './scram-mechanisms.js';
import { parseScramVerifier, type ScramVerifier } from './scram-verifier.js';
import { timingSafeEqual } from './timing-safe-equal.js';
import { hmac, sha256 } from './webcrypto.js';

/** Options of a ScramServer. */
export interface ScramServerOptions {
  /** The role's secret: pg_authid text or a parsed ScramVerifier. */
  verifier: string | ScramVerifier;
  /** The mechanism the client named in SASLInitialResponse. */
  mechanism: string;
  /**
   * This connection's tls-server-end-point data (the hash of our own
   * certificate). Give it exactly when SCRAM-SHA-256-PLUS was offered: its
   * presence is how the server knows that a client sending "y" was downgraded.
   */
  channelBinding?: ChannelBinding;
  /** Server nonce part; only for tests and reproducible vectors. Default: 18 random bytes as base64. */
  nonce?: string;
}

type ServerState = 'initial' | 'first-sent' | 'computing' | 'done' | 'failed';

/**
 * The server side of one SCRAM exchange: call serverFirstMessage(), then
 * serverFinalMessage(), once each.
 */
export class ScramServer {
  /** The mechanism the client chose. */
  readonly mechanism: ScramMechanism;
  private readonly verifier: ScramVerifier;
  private readonly channelBinding: ChannelBinding | undefined;
  private readonly serverNonce: string;
  private state: ServerState = 'initial';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(opts: ScramServerOptions) {
    if (!isScramMechanism(opts.mechanism)) {
      throw new AuthError(AuthErrorCode.UNSUPPORTED, `client selected an invalid SASL authentication mechanism ${JSON.stringify(opts.mechanism)}`);
    }
    const cb = opts.channelBinding;
    if (cb !== undefined && cb.type !== TLS_SERVER_END_POINT) {
      throw new AuthError(AuthErrorCode.INVALID_ARGUMENT, `unsupported channel-binding type ${JSON.stringify(cb.type)}`);
    }
    if (opts.mechanism === SCRAM_SHA_256_PLUS && cb === undefined) {
      throw new AuthError(AuthErrorCode.CHANNEL_BINDING, 'client selected SCRAM-SHA-256-PLUS, which was not offered (no channel-binding data)');
    }
    this.mechanism = opts.mechanism;
    this.channelBinding = cb;
    this.verifier = typeof opts.verifier === 'string' ? parseScramVerifier(opts.verifier) : opts.verifier;
    this.serverNonce = opts.nonce ?? newNonce();
    if (!isPrintable(this.serverNonce)) {
      throw new AuthError(AuthErrorCode.INVALID_ARGUMENT, 'a nonce must be printable ASCII without ","');
    }
  }

  /** Takes SASLInitialResponse's data; returns AuthenticationSASLContinue's. */
  serverFirstMessage(clientFirstMessage: string | Uint8Array): string {
    this.expectState('initial', 'serverFirstMessage');
    this.state = 'failed';
    const text = messageText(clientFirstMessage, 'client-first-message');
    const { header, bare } = this.readGs2Header(text);

    const r = new AttributeReader(bare, 'client-first-message');
    if (r.peek() === 'm') throw new AuthError(AuthErrorCode.UNSUPPORTED, 'client requires an unsupported SCRAM extension');
    r.expect('n'); // the user name: ignored, the startup packet's counts
    const clientNonce = r.expect('r');
    if (!isPrintable(clientNonce)) throw malformed('the client nonce is empty or not printable');
    while (r.peek() !== undefined) r.any(); // extensions: ignored

    this.gs2Header = header;
    this.clientFirstBare = bare;
    this.nonce = clientNonce + this.serverNonce;
    const v = this.verifier;
    this.serverFirst = `r=${this.nonce},s=${base64Encode(v.salt)},i=${v.iterations}`;
    this.state = 'first-sent';
    return this.serverFirst;
  }

  /**
   * Takes SASLResponse's data; returns AuthenticationSASLFinal's once the
   * ClientProof is right. Throws AuthError(INVALID_PROOF) for a wrong password.
   */
  async serverFinalMessage(clientFinalMessage: string | Uint8Array): Promise<string> {
    this.expectState('first-sent', 'serverFinalMessage');
    this.state = 'computing';
    try {
      const serverFinal = await this.verifyClientFinal(messageText(clientFinalMessage, 'client-final-message'));
      this.state = 'done';
      return serverFinal;
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
  }

  private async verifyClientFinal(text: string): Promise<string> {
    const r = new AttributeReader(text, 'client-final-message');

    // c= repeats the GS2 header, followed by the binding data when binding.
    const binding = this.gs2Header.startsWith('p=');
    const cbData = binding ? this.channelBinding!.data : new Uint8Array(0);
    if (r.expect('c') !== base64Encode(concat(utf8Encode(this.gs2Header), cbData))) {
      throw new AuthError(
        AuthErrorCode.CHANNEL_BINDING,
        binding ? 'SCRAM channel binding check failed' : 'unexpected SCRAM channel-binding attribute in client-final-message',
      );
    }
    if (r.expect('r') !== this.nonce) throw new AuthError(AuthErrorCode.NONCE_MISMATCH, 'the nonce does not match');
    let proofAttr = r.any();
    while (proofAttr.name !== 'p') proofAttr = r.any(); // extensions before the proof: ignored
    r.end();
    const proof = base64Attribute(proofAttr.value, 'ClientProof');
    if (proof.length !== SCRAM_KEY_LENGTH) throw malformed('the ClientProof has the wrong length');

    const withoutProof = text.slice(0, text.length - proofAttr.value.length - ',p='.length);
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const v = this.verifier;
    // ClientKey = ClientProof XOR ClientSignature; it is right if its hash is StoredKey.
    const clientSignature = await hmac(v.storedKey, authMessage);
    const storedKey = await sha256(xor(proof, clientSignature));
    if (!timingSafeEqual(storedKey, v.storedKey)) {
      throw new AuthError(AuthErrorCode.INVALID_PROOF, 'the ClientProof is wrong (password authentication failed)');
    }
    return `v=${base64Encode(await hmac(v.serverKey, authMessage))}`;
  }

  /** Reads "flag,[authzid]," and checks the flag against the mechanism and what was offered. */
  private readGs2Header(text: string): { header: string; bare: string } {
    const comma = text.indexOf(',');
    if (comma < 0) throw malformed('client-first-message has no GS2 header');
    const flag = text.slice(0, comma);
    const plus = this.mechanism === SCRAM_SHA_256_PLUS;
    if (flag === 'n' || flag === 'y') {
      if (plus) {
        throw new AuthError(AuthErrorCode.CHANNEL_BINDING, 'client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include channel binding data');
      }
      if (flag === 'y' && this.channelBinding !== undefined) {
        throw new AuthError(
          AuthErrorCode.CHANNEL_BINDING,
          'client supports SCRAM channel binding but thinks the server does not; this server does support it (downgrade?)',
        );
      }
    } else if (flag.startsWith('p=')) {
      if (!plus) {
        throw new AuthError(AuthErrorCode.CHANNEL_BINDING, 'client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data');
      }
      if (flag !== `p=${TLS_SERVER_END_POINT}`) {
        throw new AuthError(AuthErrorCode.UNSUPPORTED, `unsupported SCRAM channel-binding type ${JSON.stringify(flag.slice(2))}`);
      }
    } else {
      throw malformed('client-first-message does not start with a GS2 channel-binding flag');
    }
    const rest = text.slice(comma + 1);
    if (rest.startsWith('a=')) throw new AuthError(AuthErrorCode.UNSUPPORTED, 'client uses authorization identity, but it is not supported');
    if (!rest.startsWith(',')) throw malformed('client-first-message: unexpected characters after the channel-binding flag');
    return { header: text.slice(0, comma + 2), bare: rest.slice(1) };
  }

  private expectState(want: ServerState, method: string): void {
    if (this.state !== want) {
      throw new AuthError(AuthErrorCode.INVALID_STATE, `ScramServer.${method}() called in state ${this.state}`);
    }
  }
}
