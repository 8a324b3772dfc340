/**
 * Decodes what a server sends (the client's or a proxy's view).
 *
 * While an SSLRequest or GSSENCRequest awaits its answer, the next frame is
 * one unframed byte ('S'/'N' or 'G'/'N'); an 'E' there is a standard
 * ErrorResponse (a server that does not understand the request). All other
 * frames are standard, and runs of DataRows can be taken as row batches.
 *
 * After an 'S' or 'G' everything comes through TLS or GSSAPI: bytes that
 * arrived in the clear with the answer are an ERR_UNENCRYPTED_DATA error
 * (libpq: "received unencrypted data after SSL response"), raised at the
 * pull after the answer. After an 'N' the conversation goes on in the clear.
 */
import { ConnectionPhase } from '../constants.js';
import { ErrorCode, FramingError } from '../errors.js';
import type { MessageClass } from '../messages/base.js';
import { BackendCode } from '../messages/codes.js';
import type { AnyBackendMessage } from '../messages/index.js';
import { STANDARD_REGISTRY } from '../messages/registry.js';
import { GSSResponse, SSLResponse } from '../messages/startup.js';
import { MessageDecoder, type DecoderOptions } from './message-decoder.js';
import type { RowBatch } from './row-batch.js';

/**
 * Decodes what a server sends: a client's or a proxy's view of the stream.
 * Runs of DataRows can be taken as row batches.
 * @inlineType StreamBuffer
 * @inlineType ScanView
 */
export class BackendMessageDecoder extends MessageDecoder<AnyBackendMessage> implements Iterable<AnyBackendMessage> {
  protected readonly dataRows = true;

  constructor(opts: DecoderOptions = {}) {
    super(opts, ConnectionPhase.STARTUP, 'backend');
  }

  protected pick(type: number): MessageClass | undefined {
    return STANDARD_REGISTRY.lookup(type, this.phase, 'backend');
  }

  protected decodeNext(): AnyBackendMessage | null {
    const phase = this.phase;
    if (phase === ConnectionPhase.SSL_NEGOTIATION || phase === ConnectionPhase.GSS_NEGOTIATION) {
      const sb = this.sb;
      if (sb.length < 1) return null;
      if (sb.buf[sb.start] !== BackendCode.ErrorResponse) {
        const cls: MessageClass<SSLResponse | GSSResponse> = phase === ConnectionPhase.SSL_NEGOTIATION ? SSLResponse : GSSResponse;
        const answer = this.readDirect(cls, sb.start, sb.start + 1, cls.prototype.type, 1);
        if (answer.accepted && sb.length > 0) {
          this.defer(
            new FramingError(ErrorCode.UNENCRYPTED_DATA, `received unencrypted data after ${answer.type} '${String.fromCharCode(answer.toWire()[0]!)}': ${sb.length} bytes in the clear where the encrypted channel must begin`, {
              messageType: answer.type,
              offset: sb.offset,
            }),
          );
        }
        return answer;
      }
    }
    return this.nextStandard();
  }

  /**
   * The DataRows at the head of the stream (at most `maxRows`) as one batch
   * over the scan's tables, or null if the next complete frame is not a
   * DataRow (read it with `read()` or `readFrame()`).
   */
  readRowBatch(maxRows = Infinity): RowBatch | null {
    return this.nextRowBatch(maxRows);
  }
}
