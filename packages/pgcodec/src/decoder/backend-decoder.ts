/**
 * Decodes what a server sends (the client's or a proxy's view).
 *
 * While an SSLRequest or GSSENCRequest awaits its answer, the next frame is
 * one unframed byte ('S'/'N' or 'G'/'N'); an 'E' there is a standard
 * ErrorResponse (a server that does not understand the request). All other
 * frames are standard.
 */
import { ConnectionPhase } from '../constants.js';
import { readFrame, type MessageClass } from '../messages/base.js';
import { BackendCode } from '../messages/codes.js';
import type { BackendMessage } from '../messages/index.js';
import { backendTable } from '../messages/registry.js';
import { GSSResponse, SSLResponse } from '../messages/startup.js';
import { Reader } from '../wire/reader.js';
import { MessageDecoder, type DecoderOptions } from './message-decoder.js';

const pickBackend = (type: number) => backendTable[type];

export class BackendMessageDecoder extends MessageDecoder<BackendMessage> implements Iterable<BackendMessage> {
  constructor(opts: DecoderOptions = {}) {
    super(opts, ConnectionPhase.STARTUP);
  }

  protected decodeNext(): BackendMessage | null {
    const phase = this.phase;
    if (phase === ConnectionPhase.SSL_NEGOTIATION || phase === ConnectionPhase.GSS_NEGOTIATION) {
      const sb = this.sb;
      if (sb.length < 1) return null;
      if (sb.buf[sb.start] !== BackendCode.ErrorResponse) {
        const cls: MessageClass<SSLResponse | GSSResponse> = phase === ConnectionPhase.SSL_NEGOTIATION ? SSLResponse : GSSResponse;
        const msg = readFrame(cls, new Reader(sb.buf, sb.start, sb.start + 1, cls.prototype.type, sb.offset));
        sb.consume(1);
        return msg;
      }
    }
    return this.nextStandard(pickBackend);
  }
}
