/**
 * Which class decodes which frame, as pygwire's registries say it, and open
 * to new classes: a fork or extension of the protocol registers its own
 * messages and the decoders read them.
 *
 *   STANDARD_REGISTRY  type byte + direction (+ phases) → class   Byte1 type | Int32 length | payload
 *   STARTUP_REGISTRY   request code → class                         Int32 length | Int32 code | payload
 *
 * A standard entry may hold for every phase or for some: 'p' is
 * PasswordMessage, SASLInitialResponse or SASLResponse by the
 * authentication phase (and a GSS token once the server asked for GSSAPI,
 * which no phase tells: the frontend decoder's `gssAuthentication`). A later
 * registration for the same byte, direction and phase replaces the earlier.
 * Decoders look classes up as they read, so what is registered before a
 * frame arrives decodes it; length limits for a registered type are taken
 * when a decoder is made.
 */
import { ConnectionPhase, StartupRequestCode } from '../constants.js';
import { checkInteger } from '../options.js';
import type { MessageClass } from './base.js';
import { Authentication, PasswordMessage, SASLInitialResponse, SASLResponse } from './auth.js';
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
import { CancelRequest, GSSEncRequest, SSLRequest } from './startup.js';

/** Who sends a registered message. */
export type Sender = 'frontend' | 'backend';

/** What `StandardMessageRegistry.register` needs besides the class: the type byte, who sends it, where it applies. */
export interface RegisterOptions {
  /** The type byte: a one-character string ('Q') or its code (0x51). */
  typeCode: string | number;
  /** Who sends it: decides which decoder reads it. */
  direction: Sender;
  /** Phases where the byte means this class (default: every phase). */
  phases?: readonly ConnectionPhase[];
  /** Largest length field accepted for it (default: the limit for types PostgreSQL calls small on that side). */
  maxLength?: number;
}

/** What one type byte means in one direction. */
interface Entry {
  /** The class in phases without one of their own. */
  any: MessageClass | undefined;
  /** Classes for particular phases, or null if none. */
  byPhase: Map<ConnectionPhase, MessageClass> | null;
  /** The limit a registration gave, if any. */
  maxLength: number | undefined;
}

function typeByte(typeCode: string | number): number {
  const b = typeof typeCode === 'string' && typeCode.length === 1 ? typeCode.charCodeAt(0) : typeCode;
  if (typeof b !== 'number' || (b & 0xff) !== b || b === 0) throw new TypeError(`typeCode must be one character or a byte 1..255, got ${String(typeCode)}`);
  return b;
}

function checkClass(cls: MessageClass): void {
  if (typeof cls !== 'function' || typeof (cls as { read?: unknown }).read !== 'function') throw new TypeError('a message class needs a static read(reader)');
}

/** Standard frames: a type byte and a direction (and optionally phases) name a class. */
export class StandardMessageRegistry {
  private readonly tables: Record<Sender, (Entry | undefined)[]> = { frontend: new Array(256), backend: new Array(256) };
  /** Bumped by every registration, so decoders can memoise lookups. */
  generation = 0;

  /** Makes `opts.typeCode` from `opts.direction` decode as `cls` (in `opts.phases`, or in every phase). */
  register(cls: MessageClass, opts: RegisterOptions): void {
    checkClass(cls);
    const b = typeByte(opts.typeCode);
    if (opts.direction !== 'frontend' && opts.direction !== 'backend') throw new TypeError(`direction must be 'frontend' or 'backend'`);
    if (opts.maxLength !== undefined) checkInteger('maxLength', opts.maxLength, 4, 0x7fffffff);
    this.generation++;
    const table = this.tables[opts.direction];
    const e = (table[b] ??= { any: undefined, byPhase: null, maxLength: undefined });
    if (opts.maxLength !== undefined) e.maxLength = opts.maxLength;
    if (opts.phases === undefined || opts.phases.length === 0) {
      e.any = cls;
      return;
    }
    e.byPhase ??= new Map();
    for (const p of opts.phases) e.byPhase.set(p, cls);
  }

  /** The class for type byte `typeCode` from `direction` in `phase`, if any. */
  lookup(typeCode: number, phase: ConnectionPhase, direction: Sender): MessageClass | undefined {
    const e = this.tables[direction][typeCode];
    if (e === undefined) return undefined;
    return e.byPhase === null ? e.any : (e.byPhase.get(phase) ?? e.any);
  }

  /** Limits that registrations gave, by type byte, for one direction. */
  limits(direction: Sender): Map<number, number> {
    const out = new Map<number, number>();
    this.tables[direction].forEach((e, b) => {
      if (e?.maxLength !== undefined) out.set(b, e.maxLength);
    });
    return out;
  }
}

/** Startup packets: the Int32 request code after the length names a class (a major version of 3 is a StartupMessage). */
export class StartupMessageRegistry {
  private readonly byCode = new Map<number, MessageClass>();

  /** Makes startup packets with `requestCode` decode as `cls`. */
  register(cls: MessageClass, requestCode: number): void {
    checkClass(cls);
    checkInteger('requestCode', requestCode, 0, 0xffffffff);
    this.byCode.set(requestCode, cls);
  }

  /** The class registered for `requestCode`, if any. */
  lookup(requestCode: number): MessageClass | undefined {
    return this.byCode.get(requestCode);
  }
}

/** The registry both stream decoders consult for standard frames; every message class of the protocol is in it. */
export const STANDARD_REGISTRY = new StandardMessageRegistry();
/** The registry the frontend decoder consults for startup packets (SSLRequest, GSSENCRequest, CancelRequest). */
export const STARTUP_REGISTRY = new StartupMessageRegistry();

const standard = (direction: Sender, codes: Record<string, number>, classes: Record<string, MessageClass>): void => {
  for (const [name, cls] of Object.entries(classes)) STANDARD_REGISTRY.register(cls, { typeCode: codes[name]!, direction });
};

standard('frontend', FrontendCode, {
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
} as unknown as Record<string, MessageClass>);

// 'p': one of four by the authentication phase (a GSS token is the frontend decoder's call).
STANDARD_REGISTRY.register(PasswordMessage, { typeCode: FrontendCode.AuthResponse, direction: 'frontend' });
STANDARD_REGISTRY.register(SASLInitialResponse, {
  typeCode: FrontendCode.AuthResponse,
  direction: 'frontend',
  phases: [ConnectionPhase.AUTHENTICATING_SASL_INITIAL],
});
STANDARD_REGISTRY.register(SASLResponse, { typeCode: FrontendCode.AuthResponse, direction: 'frontend', phases: [ConnectionPhase.AUTHENTICATING_SASL_CONTINUE] });

standard('backend', BackendCode, {
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

STARTUP_REGISTRY.register(SSLRequest, StartupRequestCode.SSL_REQUEST);
STARTUP_REGISTRY.register(GSSEncRequest, StartupRequestCode.GSSENC_REQUEST);
STARTUP_REGISTRY.register(CancelRequest, StartupRequestCode.CANCEL_REQUEST);
