/**
 * Which class decodes which type byte, per direction. The decoders index
 * these 256-entry tables with the frame's first byte.
 */
import { ConnectionPhase } from '../constants.js';
import type { MessageClass, PgMessage } from './base.js';
import { Authentication, GSSAuthResponse, PasswordMessage, SASLInitialResponse, SASLResponse } from './auth.js';
import { BackendCode, FrontendCode } from './codes.js';
import { CopyBothResponse, CopyData, CopyDone, CopyFail, CopyInResponse, CopyOutResponse } from './copy.js';
import { ErrorResponse, NoticeResponse } from './error-notice.js';
import {
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
import { FunctionCall, FunctionCallResponse } from './function-call.js';
import { BackendKeyData, NegotiateProtocolVersion, NotificationResponse, ParameterStatus, ReadyForQuery, Terminate } from './session.js';
import { CommandComplete, DataRow, EmptyQueryResponse, Query, RowDescription } from './simple-query.js';

export type MessageTable = readonly (MessageClass | undefined)[];

function table(entries: Record<string, number>, classes: Record<string, MessageClass>): MessageTable {
  const t = new Array<MessageClass | undefined>(256).fill(undefined);
  for (const [name, code] of Object.entries(entries)) {
    const cls = classes[name];
    if (cls !== undefined) t[code] = cls;
  }
  return t;
}

/** Frontend messages by type byte; 'p' is resolved by `authResponseClass`. */
export const frontendTable: MessageTable = table(FrontendCode, {
  Bind,
  Close,
  CopyData,
  CopyDone,
  CopyFail,
  Describe,
  Execute,
  Flush,
  FunctionCall,
  Parse,
  Query,
  Sync,
  Terminate,
} as Record<string, MessageClass>);

export const backendTable: MessageTable = table(BackendCode, {
  Authentication,
  BackendKeyData,
  BindComplete,
  CloseComplete,
  CommandComplete,
  CopyData,
  CopyDone,
  CopyInResponse,
  CopyOutResponse,
  CopyBothResponse,
  DataRow,
  EmptyQueryResponse,
  ErrorResponse,
  FunctionCallResponse,
  NegotiateProtocolVersion,
  NoData,
  NoticeResponse,
  NotificationResponse,
  ParameterDescription,
  ParameterStatus,
  ParseComplete,
  PortalSuspended,
  ReadyForQuery,
  RowDescription,
} as unknown as Record<string, MessageClass>);

/** 'p' is one of four messages: the authentication phase says which, and in AUTHENTICATING whether GSS was asked for. */
export function authResponseClass(phase: ConnectionPhase, gss: boolean): MessageClass<PgMessage> {
  switch (phase) {
    case ConnectionPhase.AUTHENTICATING_SASL_INITIAL:
      return SASLInitialResponse;
    case ConnectionPhase.AUTHENTICATING_SASL_CONTINUE:
      return SASLResponse;
    default:
      return gss ? GSSAuthResponse : PasswordMessage;
  }
}
