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
 */
import { ConnectionPhase, MAX_STARTUP_PACKET_LENGTH, MIN_STARTUP_PACKET_LENGTH, StartupRequestCode } from '../constants.js';
import { ErrorCode, FramingError } from '../errors.js';
import type { MessageClass } from '../messages/base.js';
import { FrontendCode } from '../messages/codes.js';
import type { FrontendMessage } from '../messages/index.js';
import { authResponseClass, frontendTable } from '../messages/registry.js';
import { CancelRequest, GSSEncRequest, SSLRequest, StartupMessage } from '../messages/startup.js';
import { MessageDecoder, type DecoderOptions } from './message-decoder.js';

function startupClass(code: number): MessageClass {
  switch (code) {
    case StartupRequestCode.SSL_REQUEST:
      return SSLRequest;
    case StartupRequestCode.GSSENC_REQUEST:
      return GSSEncRequest;
    case StartupRequestCode.CANCEL_REQUEST:
      return CancelRequest;
    default:
      // StartupMessage.read rejects versions whose major is not 3.
      return StartupMessage;
  }
}

export interface FrontendDecoderOptions extends DecoderOptions {
  /** Start with `gssAuthentication` set. */
  gssAuthentication?: boolean;
}

export class FrontendMessageDecoder extends MessageDecoder<FrontendMessage> implements Iterable<FrontendMessage> {
  /**
   * Set once the server asked for GSSAPI or SSPI authentication: then 'p' in
   * AUTHENTICATING carries a GSS token (GSSAuthResponse), not a password.
   * No phase tells the two apart, so whoever tracks the server's requests says so.
   */
  gssAuthentication: boolean;
  protected readonly dataRows = false;

  constructor(opts: FrontendDecoderOptions = {}) {
    super(opts, ConnectionPhase.STARTUP);
    this.gssAuthentication = opts.gssAuthentication ?? false;
  }

  protected pick(type: number): MessageClass | undefined {
    return type === FrontendCode.AuthResponse ? authResponseClass(this.phase, this.gssAuthentication) : frontendTable[type];
  }

  protected decodeNext(): FrontendMessage | null {
    switch (this.phase) {
      case ConnectionPhase.STARTUP:
      case ConnectionPhase.SSL_NEGOTIATION:
      case ConnectionPhase.GSS_NEGOTIATION:
        return this.nextStartupPacket();
      default:
        return this.nextStandard();
    }
  }

  private nextStartupPacket(): FrontendMessage | null {
    const sb = this.sb;
    if (sb.length < 4) return null;
    const b = sb.buf;
    const s = sb.start;
    const len = (b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!;
    if (len < MIN_STARTUP_PACKET_LENGTH) {
      throw new FramingError(ErrorCode.LENGTH_TOO_SMALL, `startup packet length ${len} is below ${MIN_STARTUP_PACKET_LENGTH}`, {
        messageType: 'StartupMessage',
        offset: sb.offset,
      });
    }
    if (len > MAX_STARTUP_PACKET_LENGTH) {
      throw new FramingError(ErrorCode.LENGTH_TOO_LARGE, `startup packet length ${len} exceeds ${MAX_STARTUP_PACKET_LENGTH}`, {
        messageType: 'StartupMessage',
        offset: sb.offset,
      });
    }
    if (sb.length < len) return null;
    const code = ((b[s + 4]! << 24) | (b[s + 5]! << 16) | (b[s + 6]! << 8) | b[s + 7]!) >>> 0;
    const cls = startupClass(code);
    return this.readDirect(cls, s + 4, s + len, cls.prototype.type, len) as FrontendMessage;
  }
}
