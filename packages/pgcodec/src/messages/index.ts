/** Every protocol message class, their runtime bases, and the unions of what each side sends. */
import type {
  AuthenticationCleartextPassword,
  AuthenticationGSS,
  AuthenticationGSSContinue,
  AuthenticationKerberosV5,
  AuthenticationMD5Password,
  AuthenticationOk,
  AuthenticationSASL,
  AuthenticationSASLContinue,
  AuthenticationSASLFinal,
  AuthenticationSSPI,
  GSSAuthResponse,
  PasswordMessage,
  SASLInitialResponse,
  SASLResponse,
} from './auth.js';
import type { CopyBothResponse, CopyData, CopyDone, CopyFail, CopyInResponse, CopyOutResponse } from './copy.js';
import type { ErrorResponse, NoticeResponse } from './error-notice.js';
import type {
  Bind,
  BindComplete,
  Close,
  CloseComplete,
  Describe,
  Execute,
  Flush,
  NoData,
  ParameterDescription,
  Parse,
  ParseComplete,
  PortalSuspended,
  Sync,
} from './extended-query.js';
import type { FunctionCall, FunctionCallResponse } from './function-call.js';
import type { BackendKeyData, NegotiateProtocolVersion, NotificationResponse, ParameterStatus, ReadyForQuery, Terminate } from './session.js';
import type { CommandComplete, DataRow, EmptyQueryResponse, Query, RowDescription } from './simple-query.js';
import type { CancelRequest, GSSEncRequest, GSSResponse, SSLRequest, SSLResponse, StartupMessage } from './startup.js';

export { PgMessage, FrontendMessage, BackendMessage, CommonMessage, SpecialMessage, defineMessage, type Direction, type MessageClass } from './base.js';
export { STANDARD_REGISTRY, STARTUP_REGISTRY, StandardMessageRegistry, StartupMessageRegistry, type RegisterOptions, type Sender } from './registry.js';
export type { Reader } from '../wire/reader.js';
export type { Writer } from '../wire/writer.js';
export * from './codes.js';
export * from './startup.js';
export * from './auth.js';
export * from './session.js';
export * from './error-notice.js';
export { DatabaseError, DATABASE_ERROR_FIELDS } from './database-error.js';
export * from './simple-query.js';
export * from './extended-query.js';
export * from './copy.js';
export * from './function-call.js';

/**
 * Everything a client (frontend) sends, as one union discriminated by
 * `type` (`switch (msg.type)` narrows it). The runtime base class, for
 * `instanceof`, is `FrontendMessage`.
 */
export type AnyFrontendMessage =
  | StartupMessage
  | SSLRequest
  | GSSEncRequest
  | CancelRequest
  | PasswordMessage
  | SASLInitialResponse
  | SASLResponse
  | GSSAuthResponse
  | Query
  | Parse
  | Bind
  | Describe
  | Execute
  | Close
  | Sync
  | Flush
  | CopyData
  | CopyDone
  | CopyFail
  | FunctionCall
  | Terminate;

/** Every Authentication request. */
export type AuthenticationMessage =
  | AuthenticationOk
  | AuthenticationKerberosV5
  | AuthenticationCleartextPassword
  | AuthenticationMD5Password
  | AuthenticationGSS
  | AuthenticationGSSContinue
  | AuthenticationSSPI
  | AuthenticationSASL
  | AuthenticationSASLContinue
  | AuthenticationSASLFinal;

/** Everything a server (backend) sends, as one union discriminated by `type`; the runtime base is `BackendMessage`. */
export type AnyBackendMessage =
  | AuthenticationMessage
  | SSLResponse
  | GSSResponse
  | BackendKeyData
  | ParameterStatus
  | NegotiateProtocolVersion
  | ReadyForQuery
  | ErrorResponse
  | NoticeResponse
  | NotificationResponse
  | RowDescription
  | DataRow
  | CommandComplete
  | EmptyQueryResponse
  | ParseComplete
  | BindComplete
  | CloseComplete
  | ParameterDescription
  | NoData
  | PortalSuspended
  | CopyInResponse
  | CopyOutResponse
  | CopyBothResponse
  | CopyData
  | CopyDone
  | FunctionCallResponse;
