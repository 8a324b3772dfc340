/**
 * How long a message may be: by which side sends it, the phase and its
 * type, as PostgreSQL and libpq decide it. A decoder checks the length
 * field against these from the 5-byte header, before it waits for (and
 * buffers) the body, so a peer cannot make it hold more than the largest
 * frame allowed in the phase plus one read.
 *
 *   what a client sends (server side)          limit
 *     in authentication: 'p' password/GSS       PG_MAX_AUTH_TOKEN_LENGTH   (auth.c)
 *     in SASL: 'p' SASLInitialResponse/Response PG_MAX_SASL_MESSAGE_LENGTH (auth-sasl.c)
 *     in authentication: any other type         PQ_SMALL_MESSAGE_LIMIT     (only 'p' is read there)
 *     afterwards: Q F B P d                     maxMessageSize             (postgres.c SocketBackend: PQ_LARGE_MESSAGE_LIMIT)
 *     afterwards: C D E H S X c f               PQ_SMALL_MESSAGE_LIMIT     (SocketBackend; copyfromparse.c in COPY)
 *     afterwards: 'p'                           PG_MAX_AUTH_TOKEN_LENGTH
 *
 *   what a server sends (client side)
 *     in authentication: 'R' and 'v'            LIBPQ_AUTH_REQUEST_LIMIT   (fe-connect.c)
 *     in authentication: anything else          LIBPQ_SHORT_MESSAGE_LIMIT  (fe-connect.c MAX_ERRLEN)
 *     afterwards: T D d V E N A                 maxMessageSize             (fe-protocol3.c VALID_LONG_MESSAGE_TYPE)
 *     afterwards: any other type                LIBPQ_SHORT_MESSAGE_LIMIT  (fe-protocol3.c)
 *
 * Every limit is also capped by `maxMessageSize`. Startup packets have
 * their own 8..MAX_STARTUP_PACKET_LENGTH, checked by the frontend decoder.
 */
import {
  ConnectionPhase,
  LIBPQ_AUTH_REQUEST_LIMIT,
  LIBPQ_SHORT_MESSAGE_LIMIT,
  PG_MAX_AUTH_TOKEN_LENGTH,
  PG_MAX_SASL_MESSAGE_LENGTH,
  PQ_SMALL_MESSAGE_LIMIT,
} from '../constants.js';
import { STANDARD_REGISTRY } from '../messages/registry.js';
import { checkInteger } from '../options.js';

/** The limits a decoder applies (length fields, which count themselves). Each is configurable. */
export interface MessageLimits {
  /** Server side: Close, Describe, Execute, Flush, Sync, Terminate, CopyDone, CopyFail (default PQ_SMALL_MESSAGE_LIMIT, 10000). */
  smallMessage: number;
  /** Server side: a PasswordMessage or GSS/SSPI token (default PG_MAX_AUTH_TOKEN_LENGTH, 65535). */
  authToken: number;
  /** Server side: SASLInitialResponse and SASLResponse (default PG_MAX_SASL_MESSAGE_LENGTH, 1024). */
  saslMessage: number;
  /** Client side: any type but RowDescription, DataRow, CopyData, FunctionCallResponse, ErrorResponse, NoticeResponse, NotificationResponse (default 30000, as libpq). */
  shortMessage: number;
  /** Client side, during authentication: Authentication requests and NegotiateProtocolVersion (default 2000, as libpq). */
  authRequest: number;
}

/** PostgreSQL's and libpq's limits: what a decoder applies where the `limits` option says nothing. */
export const DEFAULT_LIMITS: Readonly<MessageLimits> = {
  smallMessage: PQ_SMALL_MESSAGE_LIMIT,
  authToken: PG_MAX_AUTH_TOKEN_LENGTH,
  saslMessage: PG_MAX_SASL_MESSAGE_LENGTH,
  shortMessage: LIBPQ_SHORT_MESSAGE_LIMIT,
  authRequest: LIBPQ_AUTH_REQUEST_LIMIT,
};

/** Smallest and largest value a length limit may take: a bare header, and the Int32 maximum. */
export const MIN_LIMIT = 4;
export const MAX_LIMIT = 0x7fffffff;

/** The limits with `overrides` applied, each checked (TypeError / RangeError). */
export function resolveLimits(overrides: Partial<MessageLimits> | undefined): MessageLimits {
  if (overrides === undefined) return { ...DEFAULT_LIMITS };
  if (typeof overrides !== 'object' || overrides === null) throw new TypeError('limits must be an object');
  const out = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in DEFAULT_LIMITS)) throw new TypeError(`limits.${k} is not a limit (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    if (v === undefined) continue;
    checkInteger(`limits.${k}`, v, MIN_LIMIT, MAX_LIMIT);
    out[k as keyof MessageLimits] = v;
  }
  return out;
}

/** Per type byte: the largest length field allowed, and the name of the rule (for errors). */
export interface LimitTable {
  readonly max: Int32Array;
  readonly rule: readonly string[];
}

function table(fallback: number, fallbackRule: string, cap: number, entries: [string, number, string][]): LimitTable {
  const max = new Int32Array(256).fill(Math.min(fallback, cap));
  const rule = new Array<string>(256).fill(fallbackRule);
  for (const [types, limit, name] of entries) {
    for (const t of types) {
      max[t.charCodeAt(0)] = Math.min(limit, cap);
      rule[t.charCodeAt(0)] = name;
    }
  }
  return { max, rule };
}

/** Applies the limits registered with a message class (STANDARD_REGISTRY) to every table of a direction. */
function withRegistered(t: LimitTables, direction: 'frontend' | 'backend', cap: number): LimitTables {
  for (const [b, limit] of STANDARD_REGISTRY.limits(direction)) {
    for (const table of new Set([t.auth, t.sasl, t.session])) {
      table.max[b] = Math.min(limit, cap);
      (table.rule as string[])[b] = 'the limit registered with its class';
    }
  }
  return t;
}

/** The three tables a decoder switches between as the phase moves. */
export interface LimitTables {
  auth: LimitTable;
  sasl: LimitTable;
  session: LimitTable;
  /** What decoders sharing these tables worked out per phase (see MessageDecoder's phaseFacts), filled as phases are met. */
  facts?: Map<string, PhaseFacts>;
}

/** Per type byte the largest length accepted in a phase (-1: a type unknown there), and whether 'D' frames are pgcodec's DataRows. */
export interface PhaseFacts {
  accept: Int32Array;
  rowsFast: boolean;
  /** Per type byte, the message type id (messages/type-ids.ts) of the class that reads it here if that class checks a payload without reading it (its own `skim`), else -1. */
  skimmed: Int16Array;
  /** Per type byte, that class's skim. */
  skims: (((buf: Uint8Array, p: number, end: number) => boolean) | null)[];
  /** The registry generation they were worked out for. */
  generation: number;
}

/** Tables for what a client sends (a server's or a proxy's decoder). */
export function frontendLimits(l: MessageLimits, maxMessageSize: number): LimitTables {
  const small: [string, number, string] = ['CDEHSXcf', l.smallMessage, 'smallMessage (PQ_SMALL_MESSAGE_LIMIT)'];
  const large: [string, number, string] = ['QFBPd', maxMessageSize, 'maxMessageSize'];
  return withRegistered(
    {
      auth: table(l.smallMessage, 'smallMessage (only p is read during authentication)', maxMessageSize, [['p', l.authToken, 'authToken (PG_MAX_AUTH_TOKEN_LENGTH)']]),
      sasl: table(l.smallMessage, 'smallMessage (only p is read during authentication)', maxMessageSize, [['p', l.saslMessage, 'saslMessage (PG_MAX_SASL_MESSAGE_LENGTH)']]),
      session: table(l.smallMessage, 'smallMessage (PQ_SMALL_MESSAGE_LIMIT)', maxMessageSize, [small, large, ['p', l.authToken, 'authToken (PG_MAX_AUTH_TOKEN_LENGTH)']]),
    },
    'frontend',
    maxMessageSize,
  );
}

/** Tables for what a server sends (a client's or a proxy's decoder). */
export function backendLimits(l: MessageLimits, maxMessageSize: number): LimitTables {
  const auth = table(l.shortMessage, 'shortMessage (libpq MAX_ERRLEN)', maxMessageSize, [['Rv', l.authRequest, 'authRequest (libpq fe-connect.c)']]);
  return withRegistered(
    {
      auth,
      sasl: auth,
      session: table(l.shortMessage, 'shortMessage (libpq fe-protocol3.c)', maxMessageSize, [['TDdVENA', maxMessageSize, 'maxMessageSize (a long type)']]),
    },
    'backend',
    maxMessageSize,
  );
}

/** Tables already built, by direction, limits, maximum and registry generation: decoders with the same settings share them (they are never written after being built). */
const built = new Map<string, LimitTables>();
const BUILT_KEEP = 64;

/** The tables for a decoder of what `sender` sends, shared with every decoder of the same settings. */
export function limitTablesFor(sender: 'frontend' | 'backend', l: MessageLimits, maxMessageSize: number): LimitTables {
  const key = `${sender}|${maxMessageSize}|${STANDARD_REGISTRY.generation}|${Object.values(l).join(',')}`;
  let t = built.get(key);
  if (t === undefined) {
    t = (sender === 'frontend' ? frontendLimits : backendLimits)(l, maxMessageSize);
    if (built.size >= BUILT_KEEP) built.clear();
    built.set(key, t);
  }
  return t;
}

/** The table for `phase`. */
export function tableFor(t: LimitTables, phase: ConnectionPhase): LimitTable {
  switch (phase) {
    case ConnectionPhase.AUTHENTICATING:
      return t.auth;
    case ConnectionPhase.AUTHENTICATING_SASL_INITIAL:
    case ConnectionPhase.AUTHENTICATING_SASL_CONTINUE:
      return t.sasl;
    default:
      return t.session;
  }
}
