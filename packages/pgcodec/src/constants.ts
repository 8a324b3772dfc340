/**
 * Protocol constants: connection phases, transaction status, startup request
 * codes and limits, named as in the PostgreSQL documentation and source.
 */

/** Where a connection stands; decides how the next bytes are framed and which messages may follow. */
export const ConnectionPhase = {
  /** Before the StartupMessage: untyped startup packets (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage). */
  STARTUP: 'STARTUP',
  /** An SSLRequest awaits the server's one-byte answer, 'S' or 'N'. */
  SSL_NEGOTIATION: 'SSL_NEGOTIATION',
  /** A GSSENCRequest awaits the server's one-byte answer, 'G' or 'N'. */
  GSS_NEGOTIATION: 'GSS_NEGOTIATION',
  /** After the StartupMessage: the server's Authentication requests and the client's answers, until AuthenticationOk. */
  AUTHENTICATING: 'AUTHENTICATING',
  /** AuthenticationSASL came: the client's SASLInitialResponse is next. */
  AUTHENTICATING_SASL_INITIAL: 'AUTHENTICATING_SASL_INITIAL',
  /** A SASL exchange under way: AuthenticationSASLContinue and SASLResponse in turn, then SASLFinal and AuthenticationOk. */
  AUTHENTICATING_SASL_CONTINUE: 'AUTHENTICATING_SASL_CONTINUE',
  /** After AuthenticationOk: BackendKeyData and ParameterStatus, until the first ReadyForQuery. */
  INITIALIZATION: 'INITIALIZATION',
  /** Idle: no request awaits an answer. */
  READY: 'READY',
  /** The oldest unanswered request is a Query. */
  SIMPLE_QUERY: 'SIMPLE_QUERY',
  /** The oldest unanswered request is an extended-query message (Parse, Bind, Describe, Execute, Close, Sync). */
  EXTENDED_QUERY: 'EXTENDED_QUERY',
  /** COPY FROM STDIN, after CopyInResponse: the client sends CopyData. */
  COPY_IN: 'COPY_IN',
  /** COPY TO STDOUT, after CopyOutResponse: the server sends CopyData. */
  COPY_OUT: 'COPY_OUT',
  /** After CopyBothResponse: CopyData both ways (streaming replication). */
  COPY_BOTH: 'COPY_BOTH',
  /** The oldest unanswered request is a FunctionCall. */
  FUNCTION_CALL: 'FUNCTION_CALL',
  /** Ended by the client: Terminate, or a CancelRequest (which is all its connection carries). */
  TERMINATED: 'TERMINATED',
  /** Ended by an error: a protocol violation, a FATAL or PANIC ErrorResponse, or any error during startup and authentication. */
  FAILED: 'FAILED',
} as const;
export type ConnectionPhase = (typeof ConnectionPhase)[keyof typeof ConnectionPhase];

/** ReadyForQuery's status byte. */
export const TransactionStatus = {
  /** 'I': not in a transaction block. */
  IDLE: 'I',
  /** 'T': in a transaction block. */
  IN_TRANSACTION: 'T',
  /** 'E': in a failed transaction block (queries rejected until the block ends). */
  ERROR_TRANSACTION: 'E',
} as const;
export type TransactionStatus = (typeof TransactionStatus)[keyof typeof TransactionStatus];

/** The Int32 after a startup packet's length: a protocol version or a special request code. */
export const StartupRequestCode = {
  /** Protocol 3.0: (3 << 16) | 0. */
  V3_0: 196608,
  /** Protocol 3.2 (PostgreSQL 18): (3 << 16) | 2. */
  V3_2: 196610,
  /** CancelRequest: (1234 << 16) | 5678. */
  CANCEL_REQUEST: 80877102,
  /** SSLRequest: (1234 << 16) | 5679. */
  SSL_REQUEST: 80877103,
  /** GSSENCRequest: (1234 << 16) | 5680. */
  GSSENC_REQUEST: 80877104,
} as const;
export type StartupRequestCode = (typeof StartupRequestCode)[keyof typeof StartupRequestCode];

/** Builds a protocol version number from its major and minor parts. */
export function protocolVersion(major: number, minor: number): number {
  return ((major << 16) | minor) >>> 0;
}

/** PostgreSQL's PQ_LARGE_MESSAGE_LIMIT (MaxAllocSize - 1): the largest message it accepts. */
export const PQ_LARGE_MESSAGE_LIMIT = 0x3ffffffe;
/**
 * PostgreSQL's PQ_SMALL_MESSAGE_LIMIT (libpq.h): what postgres.c's
 * SocketBackend allows Close, Describe, Execute, Flush, Sync, Terminate,
 * CopyDone and CopyFail.
 */
export const PQ_SMALL_MESSAGE_LIMIT = 10000;
/** PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH (auth.c): a PasswordMessage or GSS/SSPI token. */
export const PG_MAX_AUTH_TOKEN_LENGTH = 65535;
/** PostgreSQL's PG_MAX_SASL_MESSAGE_LENGTH (auth-sasl.c): SASLInitialResponse and SASLResponse. */
export const PG_MAX_SASL_MESSAGE_LENGTH = 1024;
/**
 * libpq's limit for a backend message outside VALID_LONG_MESSAGE_TYPE
 * (fe-protocol3.c, pqParseInput3: "msgLength > 30000" is sync loss unless
 * the type is RowDescription, DataRow, CopyData, FunctionCallResponse,
 * ErrorResponse, NoticeResponse or NotificationResponse). fe-connect.c's
 * MAX_ERRLEN, for an ErrorResponse during authentication, is the same 30000.
 */
export const LIBPQ_SHORT_MESSAGE_LIMIT = 30000;
/**
 * libpq's limit for an Authentication request or NegotiateProtocolVersion
 * during startup (fe-connect.c: "Authentication requests can't be very
 * large"; a length over 2000 is refused).
 */
export const LIBPQ_AUTH_REQUEST_LIMIT = 2000;
/** Startup packets (length field included) must be at least this long: length + request code. */
export const MIN_STARTUP_PACKET_LENGTH = 8;
/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
export const MAX_STARTUP_PACKET_LENGTH = 10000;
/** Shortest cancel key: protocol 3.0's 4 bytes (BackendKeyData / CancelRequest). */
export const MIN_CANCEL_KEY_LENGTH = 4;
/** Longest cancel key protocol 3.2 allows (BackendKeyData / CancelRequest). */
export const MAX_CANCEL_KEY_LENGTH = 256;

/** Data format codes used by Bind, FunctionCall, RowDescription and the COPY responses. */
export const FormatCode = {
  /** 0: text. */
  TEXT: 0,
  /** 1: binary. */
  BINARY: 1,
} as const;
export type FormatCode = (typeof FormatCode)[keyof typeof FormatCode];
