/**
 * What both stream decoders share: buffering, one-message-per-pull
 * iteration, the error state, and standard framing.
 *
 *   standard frame   Byte1 type | Int32 length (≥ 4, counts itself) | payload (length - 4 bytes)
 *
 * A decoder never blocks and never guesses: `feed()` bytes, pull messages
 * one at a time (the phase may change between pulls), and after a protocol
 * error it refuses further use — the messages decoded before it were
 * delivered, and the error carries the stream offset.
 */
import { ConnectionPhase, PQ_LARGE_MESSAGE_LIMIT } from '../constants.js';
import { ErrorCode, FramingError, ProtocolError } from '../errors.js';
import { readFrame, type MessageClass, type PgMessage } from '../messages/base.js';
import { Reader } from '../wire/reader.js';
import { StreamBuffer } from './stream-buffer.js';

export interface DecoderOptions {
  /** Phase to start in (default STARTUP for the frontend decoder, READY-like standard framing for the backend). */
  phase?: ConnectionPhase;
  /** Largest accepted length field of a standard message (default PQ_LARGE_MESSAGE_LIMIT, 0x3FFFFFFE). */
  maxMessageSize?: number;
}

/** Printable form of a type byte for error messages. */
export function typeLabel(b: number): string {
  return String.fromCharCode(b);
}

export abstract class MessageDecoder<M extends PgMessage> implements Iterable<M> {
  /** Decides the framing of the next message; set it as the connection moves on. */
  phase: ConnectionPhase;
  readonly maxMessageSize: number;
  protected readonly sb = new StreamBuffer();
  private failure: ProtocolError | null = null;

  constructor(opts: DecoderOptions, defaultPhase: ConnectionPhase) {
    this.phase = opts.phase ?? defaultPhase;
    this.maxMessageSize = opts.maxMessageSize ?? PQ_LARGE_MESSAGE_LIMIT;
  }

  /** Adds bytes from the peer. The decoder copies them; the caller may reuse `data`. */
  feed(data: Uint8Array): void {
    this.checkHealthy();
    this.sb.append(data);
  }

  /** The next complete message, or null if more bytes are needed. Throws a `ProtocolError` on bad bytes. */
  read(): M | null {
    this.checkHealthy();
    try {
      return this.decodeNext();
    } catch (e) {
      if (e instanceof ProtocolError) this.failure = e;
      throw e;
    }
  }

  /** Yields every complete message buffered so far, one pull at a time. */
  *[Symbol.iterator](): Iterator<M> {
    for (let m = this.read(); m !== null; m = this.read()) yield m;
  }

  /** Bytes received but not yet decoded (a partial message, or messages not yet pulled). */
  get buffered(): number {
    return this.sb.length;
  }

  /** Stream offset of the next undecoded byte. */
  get offset(): number {
    return this.sb.offset;
  }

  /** The error that stopped this decoder, if any. */
  get error(): ProtocolError | null {
    return this.failure;
  }

  /** Drops buffered bytes and any error state; the phase is kept. */
  clear(): void {
    this.sb.clear();
    this.failure = null;
  }

  /** Bytes copied into and within the buffer so far (for cost tests). */
  get bytesCopied(): number {
    return this.sb.bytesCopied;
  }

  private checkHealthy(): void {
    const f = this.failure;
    if (f !== null) {
      throw new FramingError(ErrorCode.DECODER_FAILED, `decoder failed earlier (${f.code}: ${f.message}); call clear() to reuse it`, {
        messageType: f.messageType,
        offset: f.offset,
        cause: f,
      });
    }
  }

  protected abstract decodeNext(): M | null;

  /**
   * Standard framing: checks type and length as soon as the 5-byte header is
   * in, before waiting for or buffering the body; then decodes the frame with
   * `pick(type)`.
   */
  protected nextStandard(pick: (type: number) => MessageClass | undefined): M | null {
    const sb = this.sb;
    const avail = sb.end - sb.start;
    if (avail < 1) return null;
    const b = sb.buf;
    const s = sb.start;
    const type = b[s]!;
    const cls = pick(type);
    if (cls === undefined) {
      throw new FramingError(ErrorCode.UNKNOWN_MESSAGE_TYPE, `unknown message type byte 0x${type.toString(16).padStart(2, '0')}`, {
        messageType: typeLabel(type),
        offset: sb.offset,
      });
    }
    if (avail < 5) return null;
    const len = (b[s + 1]! << 24) | (b[s + 2]! << 16) | (b[s + 3]! << 8) | b[s + 4]!;
    if (len < 4) {
      throw new FramingError(ErrorCode.LENGTH_TOO_SMALL, `message length ${len} is below 4`, { messageType: typeLabel(type), offset: sb.offset + 1 });
    }
    if (len > this.maxMessageSize) {
      throw new FramingError(ErrorCode.LENGTH_TOO_LARGE, `message length ${len} exceeds the maximum of ${this.maxMessageSize}`, {
        messageType: typeLabel(type),
        offset: sb.offset + 1,
      });
    }
    if (avail < len + 1) return null;
    const msg = readFrame(cls, new Reader(b, s + 5, s + 1 + len, typeLabel(type), sb.offset + 5)) as M;
    sb.consume(len + 1);
    return msg;
  }
}
