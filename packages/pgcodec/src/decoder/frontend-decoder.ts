/**
 * Decodes what a client sends (the server's or a proxy's view).
 *
 * In STARTUP (and while an SSL/GSS answer is awaited) frames are untyped
 * startup packets, told apart by the Int32 after the length:
 *
 *   Int32 length (8..10000, counts itself) | Int32 code | ...
 *     80877103 SSLRequest, 80877104 GSSENCRequest, 80877102 CancelRequest,
 *     3 << 16 | minor: StartupMessage
 *
 * Afterwards frames are standard, and 'p' is PasswordMessage,
 * SASLInitialResponse or SASLResponse according to the authentication phase
 * (or a GSS token, once `gssAuthentication` is set).
 *
 * Nothing may follow an SSLRequest or GSSENCRequest until the server has
 * answered: the client waits for the answer, and after an 'S' or 'G' what
 * it sends is encrypted. Bytes buffered behind such a request, or arriving
 * while the answer is awaited, are an ERR_UNENCRYPTED_DATA error, as in
 * PostgreSQL's ProcessStartupPacket ("received unencrypted data after SSL
 * request"): they may have been injected by a man in the middle.
 */
import { ConnectionPhase, MAX_STARTUP_PACKET_LENGTH, MIN_STARTUP_PACKET_LENGTH } from '../constants.js';
import { ErrorCode, FramingError, type ProtocolError } from '../errors.js';
import { checkBoolean } from '../options.js';
import type { MessageClass } from '../messages/base.js';
import { FrontendCode } from '../messages/codes.js';
import type { AnyFrontendMessage } from '../messages/index.js';
import { STANDARD_REGISTRY, STARTUP_REGISTRY } from '../messages/registry.js';
import { GSSAuthResponse } from '../messages/auth.js';
import { GSSEncRequest, SSLRequest, StartupMessage } from '../messages/startup.js';
import { MessageDecoder, type DecoderOptions } from './message-decoder.js';

/** The class for a startup packet's request code: registered, or else a StartupMessage (whose read rejects majors other than 3). */
function startupClass(code: number): MessageClass {
  return STARTUP_REGISTRY.lookup(code) ?? StartupMessage;
}

/** Options of a FrontendMessageDecoder. */
export interface FrontendDecoderOptions extends DecoderOptions {
  /** Start with `gssAuthentication` set. */
  gssAuthentication?: boolean;
}

/**
 * Decodes what a client sends: a server's or a proxy's view of the stream,
 * startup packets included.
 * @inlineType StreamBuffer
 * @inlineType ScanView
 */
export class FrontendMessageDecoder extends MessageDecoder<AnyFrontendMessage> implements Iterable<AnyFrontendMessage> {
  /**
   * Set once the server asked for GSSAPI or SSPI authentication: then 'p' in
   * AUTHENTICATING carries a GSS token (GSSAuthResponse), not a password.
   * No phase tells the two apart, so whoever tracks the server's requests says so.
   */
  gssAuthentication: boolean;
  protected readonly dataRows = false;

  constructor(opts: FrontendDecoderOptions = {}) {
    super(opts, ConnectionPhase.STARTUP, 'frontend');
    checkBoolean('gssAuthentication', opts.gssAuthentication);
    this.gssAuthentication = opts.gssAuthentication ?? false;
  }

  protected pick(type: number): MessageClass | undefined {
    const phase = this.phase;
    if (type === FrontendCode.AuthResponse && this.gssAuthentication && phase !== ConnectionPhase.AUTHENTICATING_SASL_INITIAL && phase !== ConnectionPhase.AUTHENTICATING_SASL_CONTINUE) {
      return GSSAuthResponse;
    }
    return STANDARD_REGISTRY.lookup(type, phase, 'frontend');
  }

  protected override factsKey(phase: ConnectionPhase): string {
    return this.gssAuthentication ? `${phase}+gss` : phase;
  }

  protected decodeNext(): AnyFrontendMessage | null {
    switch (this.phase) {
      case ConnectionPhase.SSL_NEGOTIATION:
      case ConnectionPhase.GSS_NEGOTIATION:
        // The client must wait for the answer: anything now came in the clear.
        if (this.sb.length > 0) throw this.unencrypted(this.phase === ConnectionPhase.SSL_NEGOTIATION ? 'SSLRequest' : 'GSSEncRequest');
        return null;
      case ConnectionPhase.STARTUP:
        return this.nextStartupPacket();
      default:
        return this.nextStandard();
    }
  }

  private nextStartupPacket(): AnyFrontendMessage | null {
    const sb = this.sb;
    const e = this.headerError();
    if (e !== null) throw e;
    if (sb.length < 4) return null;
    const b = sb.buf;
    const s = sb.start;
    const len = (b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!;
    if (sb.length < len) return null;
    const code = ((b[s + 4]! << 24) | (b[s + 5]! << 16) | (b[s + 6]! << 8) | b[s + 7]!) >>> 0;
    const cls = startupClass(code);
    const msg = this.readDirect(cls, s + 4, s + len, cls.prototype.type, len) as AnyFrontendMessage;
    if ((msg instanceof SSLRequest || msg instanceof GSSEncRequest) && sb.length > 0) this.defer(this.unencrypted(msg.type));
    return msg;
  }

  /** Bytes buffered behind an encryption request (CVE-2021-23214): the stream offset of the first one. */
  private unencrypted(request: string): ProtocolError {
    return new FramingError(
      ErrorCode.UNENCRYPTED_DATA,
      `received unencrypted data after ${request}: ${this.sb.length} bytes the client sent before the server answered (a client bug, or an injection by a man in the middle)`,
      { messageType: request, offset: this.sb.offset },
    );
  }

  /** In startup framing, a packet length outside 8..MAX_STARTUP_PACKET_LENGTH; otherwise the standard checks. */
  protected override headerError(): ProtocolError | null {
    if (this.phase !== ConnectionPhase.STARTUP) return super.headerError();
    const sb = this.sb;
    if (sb.length < 4) return null;
    const b = sb.buf;
    const s = sb.start;
    const len = (b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!;
    if (len < MIN_STARTUP_PACKET_LENGTH) {
      return new FramingError(ErrorCode.LENGTH_TOO_SMALL, `startup packet length ${len} is below ${MIN_STARTUP_PACKET_LENGTH}`, {
        messageType: 'StartupMessage',
        offset: sb.offset,
      });
    }
    if (len > MAX_STARTUP_PACKET_LENGTH) {
      return new FramingError(ErrorCode.LENGTH_TOO_LARGE, `startup packet length ${len} exceeds ${MAX_STARTUP_PACKET_LENGTH} (MAX_STARTUP_PACKET_LENGTH)`, {
        messageType: 'StartupMessage',
        offset: sb.offset,
      });
    }
    return null;
  }
}
