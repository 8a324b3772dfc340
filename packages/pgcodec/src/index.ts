/**
 * pgcodec: a sans-I/O codec for the PostgreSQL frontend/backend protocol
 * (3.0 and 3.2), for clients, servers and proxies.
 */
export { version } from './version.js';
export * from './constants.js';
export {
  ErrorCode,
  PgcodecError,
  ProtocolError,
  FramingError,
  DecodingError,
  StateMachineError,
  EncodingError,
  StaleViewError,
  type ProtocolErrorInfo,
  type StateMachineErrorInfo,
} from './errors.js';
export * from './messages/index.js';
export { FrontendMessageDecoder, type FrontendDecoderOptions } from './decoder/frontend-decoder.js';
export { BackendMessageDecoder } from './decoder/backend-decoder.js';
export type { DecoderOptions, MessageDecoder } from './decoder/message-decoder.js';
export { DEFAULT_LIMITS, type MessageLimits } from './decoder/limits.js';
export { Frame } from './decoder/frame.js';
export { FrameBatch } from './decoder/frame-batch.js';
export { RowBatch } from './decoder/row-batch.js';
export type { EngineName } from './engine/select.js';
export { init } from './engine/wasm-engine.js';
export {
  FrontendStateMachine,
  BackendStateMachine,
  ProtocolStateMachine,
  FRONTEND_TABLE,
  BACKEND_TABLE,
  MessageAction,
  type StateMachineOptions,
} from './state-machine.js';
export { Connection, FrontendConnection, BackendConnection, type ConnectionOptions } from './connection.js';
