/**
 * Error hierarchy. Every failure the codec reports is a `PgcodecError`; every
 * failure caused by bytes or by protocol order is a `ProtocolError` that
 * carries a stable `code`, the message type it concerns (ASCII letter, or a
 * startup packet name) and the byte offset where it applies.
 *
 *   PgcodecError
 *   ├─ ProtocolError
 *   │  ├─ FramingError       the stream cannot be cut into messages
 *   │  ├─ DecodingError      a frame's contents do not match its layout
 *   │  └─ StateMachineError  a well-formed message arrived out of phase
 *   ├─ EncodingError         a value given to an encoder has no faithful wire form
 *   └─ StaleViewError        a view used after the bytes under it were reused
 */

/** Stable, machine-readable error codes. */
export const ErrorCode = {
  /** Length field below 4 (or below 8 for a startup packet). */
  LENGTH_TOO_SMALL: 'ERR_LENGTH_TOO_SMALL',
  /** Length field above the configured maximum (or 10000 for a startup packet). */
  LENGTH_TOO_LARGE: 'ERR_LENGTH_TOO_LARGE',
  /** A single-byte negotiation answer that is not one of the allowed bytes. */
  BAD_NEGOTIATION_RESPONSE: 'ERR_BAD_NEGOTIATION_RESPONSE',
  /** The type byte names no message in this direction and phase. */
  UNKNOWN_MESSAGE_TYPE: 'ERR_UNKNOWN_MESSAGE_TYPE',
  /** An Authentication request code that is not defined. */
  UNKNOWN_AUTH_CODE: 'ERR_UNKNOWN_AUTH_CODE',
  /** A startup packet with a request code / protocol version we do not know. */
  UNKNOWN_REQUEST_CODE: 'ERR_UNKNOWN_REQUEST_CODE',
  /** A field runs past the end of its frame. */
  TRUNCATED: 'ERR_TRUNCATED',
  /** A string has no terminating NUL inside its frame. */
  MISSING_NUL: 'ERR_MISSING_NUL',
  /** A length prefix is negative and not -1 (NULL). */
  NEGATIVE_LENGTH: 'ERR_NEGATIVE_LENGTH',
  /** Bytes remain in the frame after its last field. */
  TRAILING_BYTES: 'ERR_TRAILING_BYTES',
  /** A field holds a value its layout does not allow. */
  INVALID_VALUE: 'ERR_INVALID_VALUE',
  /** The decoder failed earlier and refuses further use. */
  DECODER_FAILED: 'ERR_DECODER_FAILED',
  /** A message sent or received in a phase where it is not allowed. */
  UNEXPECTED_MESSAGE: 'ERR_UNEXPECTED_MESSAGE',
  /** A view (frame, row batch, DataRow) used after the next feed overwrote its bytes. */
  STALE_VIEW: 'ERR_STALE_VIEW',
  /** An API used where it does not apply (e.g. frames during startup framing). */
  INVALID_USE: 'ERR_INVALID_USE',
  /**
   * Bytes that arrived in the clear after an SSLRequest or GSSENCRequest
   * (server side), or after the server's 'S'/'G' (client side): they were
   * not encrypted and may have been injected (CVE-2021-23214, CVE-2021-23222).
   */
  UNENCRYPTED_DATA: 'ERR_UNENCRYPTED_DATA',
  /** Encoding: a NUL inside a NUL-terminated string (the peer would read the string as ending there). */
  NUL_IN_STRING: 'ERR_NUL_IN_STRING',
  /** Encoding: a string with a lone UTF-16 surrogate (it has no UTF-8 form; the peer would read U+FFFD). */
  INVALID_TEXT: 'ERR_INVALID_TEXT',
  /** Encoding: a value of the wrong JavaScript type (a number where a string goes, ...). */
  WRONG_TYPE: 'ERR_WRONG_TYPE',
  /** Encoding: a number that is not an integer in its field's wire range (Int16, Int32, UInt32 for OIDs). */
  OUT_OF_RANGE: 'ERR_OUT_OF_RANGE',
  /** Encoding: more items than the field's Int16 count can carry. */
  TOO_MANY: 'ERR_TOO_MANY',
  /** Encoding: bytes of a length the protocol does not allow (cancel key, MD5 salt). */
  INVALID_LENGTH: 'ERR_INVALID_LENGTH',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error pgcodec throws; `code` says which, for programs. */
export class PgcodecError extends Error {
  /** Stable, machine-readable code: one of `ErrorCode` (or `AuthErrorCode` from pgcodec/auth). */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Gives error classes a `name` that survives minification (which renames
 * classes, so `constructor.name` would print 'q').
 */
export function nameErrors(classes: Record<string, abstract new (...a: never[]) => Error>): void {
  for (const [name, cls] of Object.entries(classes)) Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** Where a protocol error applies, for the `ProtocolError` constructor. */
export interface ProtocolErrorInfo {
  /** The message's type byte as a character, or a startup packet's name; null if not known yet. */
  messageType?: string | null;
  /** Byte offset (in the stream, or in the payload for a standalone decode) where the problem lies. */
  offset?: number;
  /** The error that led to this one, as `Error.cause`. */
  cause?: unknown;
}

/** Bytes that break the protocol, or a message out of order: carries the message type and the offset. */
export class ProtocolError extends PgcodecError {
  /** The message's type byte as a character, or a startup packet's name; null if not known yet. */
  readonly messageType: string | null;
  /** Byte offset (in the stream, or in the payload for a standalone decode) where the problem lies; -1 if not known. */
  readonly offset: number;
  constructor(code: string, message: string, info: ProtocolErrorInfo = {}) {
    const where = info.offset === undefined ? '' : ` at offset ${info.offset}`;
    const what = info.messageType ? ` (message ${JSON.stringify(info.messageType)})` : '';
    super(code, `${message}${what}${where}`, { cause: info.cause });
    this.messageType = info.messageType ?? null;
    this.offset = info.offset ?? -1;
  }
}

/**
 * Frames, row batches and decoded DataRows view the decoder's buffer, which
 * the next `feed` may overwrite: using one after that throws this, rather
 * than returning other bytes. Decode with `{ owned: true }` to keep them.
 */
export class StaleViewError extends PgcodecError {
  constructor(what: string) {
    super(ErrorCode.STALE_VIEW, `${what} was used after the next feed(); its bytes are gone (decode with { owned: true } to keep them)`);
  }
}

/** The stream cannot be cut into messages: a bad length, an unknown type byte, a message over its limit. */
export class FramingError extends ProtocolError {}
/** A frame's contents do not match its message's layout: truncated, trailing bytes, a value not allowed. */
export class DecodingError extends ProtocolError {}

/**
 * A value given to an encoder that the peer would read differently (a NUL
 * inside a string, a count past its Int16, a number outside its field) or
 * not at all (a message past PostgreSQL's length limits). Thrown by the
 * constructor or by `toWire()`, before any byte is produced.
 */
export class EncodingError extends PgcodecError {
  /** The message's type name, e.g. 'StartupMessage'. */
  readonly messageType: string;
  /** The field at fault (the constructor option's name), e.g. 'params', 'maxRows'. */
  readonly field: string;
  constructor(code: string, messageType: string, field: string, message: string) {
    super(code, `${messageType}.${field}: ${message}`);
    this.messageType = messageType;
    this.field = field;
  }
}
/** What the `StateMachineError` constructor takes: where, and whose message it was. */
export interface StateMachineErrorInfo extends ProtocolErrorInfo {
  /** 'local': we tried to send it (our bug); 'peer': the other side sent it. */
  origin: 'local' | 'peer';
}

/** A well-formed message sent or received in a phase where the protocol does not allow it. */
export class StateMachineError extends ProtocolError {
  /** 'local' for a message we tried to send, 'peer' for one the other side sent. */
  readonly origin: 'local' | 'peer';
  constructor(code: string, message: string, info: StateMachineErrorInfo) {
    super(code, message, info);
    this.origin = info.origin;
  }
}

nameErrors({ PgcodecError, ProtocolError, StaleViewError, FramingError, DecodingError, EncodingError, StateMachineError });
