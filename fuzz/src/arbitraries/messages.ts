/**
 * Every message of the protocol, both directions: constructor inputs for
 * each class (valid, or hostile for encoder safety), with the side that
 * sends it and a phase in which a decoder frames it that way.
 *
 *   frontendMessage(), backendMessage()   valid messages, built
 *   messageInput({ hostile })             { type, side, phase, gss, make } — make() may throw (hostile)
 */
import fc from 'fast-check';
import type { ConnectionPhase, PgMessage } from 'pgcodec';
import { defaultPg, type Pg } from '../pg.js';
import { Values } from './values.js';

/** Who sends a message. */
export type Side = 'frontend' | 'backend';

/** A message to build, and where a decoder reads it back. */
export interface MessageInput {
  /** The message type, e.g. 'Bind'. */
  type: string;
  side: Side;
  /** A phase whose framing reads this message (STARTUP for startup packets, the SASL phases for 'p' ...). */
  phase: ConnectionPhase;
  /** The frontend decoder needs `gssAuthentication` to read a GSS token. */
  gss: boolean;
  /** Builds the message; with hostile values this may throw (an EncodingError, and only that). */
  make(): PgMessage;
}

interface Case {
  side: Side;
  phase: ConnectionPhase;
  gss?: boolean;
  make: (v: Values) => fc.Arbitrary<() => PgMessage>;
}

/** Types framed by phase rather than by a type byte read in READY (startup packets, 'p' answers, one-byte responses). */
export const PHASE_FRAMED: ReadonlySet<string> = new Set([
  'StartupMessage',
  'SSLRequest',
  'GSSEncRequest',
  'CancelRequest',
  'PasswordMessage',
  'SASLInitialResponse',
  'SASLResponse',
  'GSSAuthResponse',
  'SSLResponse',
  'GSSResponse',
]);

/** Every message class with generators for its constructor options. */
export function messageCases(pg: Pg = defaultPg): Record<string, Case> {
  const P = pg.ConnectionPhase;
  const of = (m: () => PgMessage): fc.Arbitrary<() => PgMessage> => fc.constant(m);
  const F = (phase: ConnectionPhase, make: Case['make'], gss = false): Case => ({ side: 'frontend', phase, make, gss });
  const B = (make: Case['make'], phase: ConnectionPhase = P.READY): Case => ({ side: 'backend', phase, make });
  const fields = (v: Values) =>
    fc.array(fc.record({ code: v.oneOf(['S', 'V', 'C', 'M', 'D', 'H', 'P', 'q', 'Z', 'é'], ['SS', '', '\0', 'Ā', 7]), value: v.text() }), { maxLength: 5 });
  const copyResponse = (v: Values) => fc.record({ overallFormat: v.format(), colFormats: v.list(v.format(), 0) });
  return {
    StartupMessage: F(P.STARTUP, (v) =>
      fc
        .record({
          protocolVersion: v.oneOf([pg.StartupRequestCode.V3_0, pg.StartupRequestCode.V3_2, pg.protocolVersion(3, 9)], [2 << 16, 4 << 16, NaN]),
          params: fc.array(fc.tuple(v.name(), v.text()), { maxLength: 4 }),
        })
        .map((o) => () => new pg.StartupMessage(o)),
    ),
    SSLRequest: F(P.STARTUP, () => of(() => new pg.SSLRequest())),
    GSSEncRequest: F(P.STARTUP, () => of(() => new pg.GSSEncRequest())),
    CancelRequest: F(P.STARTUP, (v) => fc.record({ processId: v.int32(), secretKey: v.key() }).map((o) => () => new pg.CancelRequest(o))),
    PasswordMessage: F(P.AUTHENTICATING, (v) => v.text().map((password) => () => new pg.PasswordMessage({ password }))),
    SASLInitialResponse: F(P.AUTHENTICATING_SASL_INITIAL, (v) =>
      fc.record({ mechanism: v.text(), data: fc.oneof(fc.constant(null), v.bytes()) }).map((o) => () => new pg.SASLInitialResponse(o)),
    ),
    SASLResponse: F(P.AUTHENTICATING_SASL_CONTINUE, (v) => v.bytes().map((data) => () => new pg.SASLResponse({ data }))),
    GSSAuthResponse: F(P.AUTHENTICATING, (v) => v.bytes().map((data) => () => new pg.GSSAuthResponse({ data })), true),
    Query: F(P.READY, (v) => v.text().map((queryString) => () => new pg.Query({ queryString }))),
    Parse: F(P.READY, (v) => fc.record({ statement: v.text(), query: v.text(), paramTypes: v.list(v.oid(), 0) }).map((o) => () => new pg.Parse(o))),
    Bind: F(P.READY, (v) =>
      fc
        .record({ portal: v.text(), statement: v.text(), paramFormats: v.list(v.format(), 0), paramValues: v.list(v.value(), null), resultFormats: v.list(v.format(), 1) })
        .map((o) => () => new pg.Bind(o)),
    ),
    Describe: F(P.READY, (v) => fc.record({ kind: v.oneOf(['S', 'P'] as const, ['X', 'SP', '']), name: v.text() }).map((o) => () => new pg.Describe(o))),
    Close: F(P.READY, (v) => fc.record({ kind: v.oneOf(['S', 'P'] as const, ['s', 'PP']), name: v.text() }).map((o) => () => new pg.Close(o))),
    Execute: F(P.READY, (v) => fc.record({ portal: v.text(), maxRows: v.int32() }).map((o) => () => new pg.Execute(o))),
    Sync: F(P.READY, () => of(() => new pg.Sync())),
    Flush: F(P.READY, () => of(() => new pg.Flush())),
    CopyData: F(P.READY, (v) => v.bytes().map((data) => () => new pg.CopyData({ data }))),
    CopyDone: F(P.READY, () => of(() => new pg.CopyDone())),
    CopyFail: F(P.READY, (v) => v.text().map((errorMessage) => () => new pg.CopyFail({ errorMessage }))),
    FunctionCall: F(P.READY, (v) =>
      fc
        .record({ functionOid: v.oid(), argFormats: v.list(v.format(), 1), arguments: v.list(v.value(), null), resultFormat: v.format() })
        .map((o) => () => new pg.FunctionCall(o)),
    ),
    Terminate: F(P.READY, () => of(() => new pg.Terminate())),

    AuthenticationOk: B(() => of(() => new pg.AuthenticationOk())),
    AuthenticationKerberosV5: B(() => of(() => new pg.AuthenticationKerberosV5())),
    AuthenticationCleartextPassword: B(() => of(() => new pg.AuthenticationCleartextPassword())),
    AuthenticationMD5Password: B((v) =>
      v.oneOf([4], [0, 3, 5]).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map((salt) => () => new pg.AuthenticationMD5Password({ salt }))),
    ),
    AuthenticationGSS: B(() => of(() => new pg.AuthenticationGSS())),
    AuthenticationGSSContinue: B((v) => v.bytes().map((data) => () => new pg.AuthenticationGSSContinue({ data }))),
    AuthenticationSSPI: B(() => of(() => new pg.AuthenticationSSPI())),
    AuthenticationSASL: B((v) => fc.array(v.name(), { maxLength: 3 }).map((mechanisms) => () => new pg.AuthenticationSASL({ mechanisms }))),
    AuthenticationSASLContinue: B((v) => v.bytes().map((data) => () => new pg.AuthenticationSASLContinue({ data }))),
    AuthenticationSASLFinal: B((v) => v.bytes().map((data) => () => new pg.AuthenticationSASLFinal({ data }))),
    SSLResponse: B((v) => v.oneOf([true, false], [1, 'S']).map((accepted) => () => new pg.SSLResponse({ accepted })), P.SSL_NEGOTIATION),
    GSSResponse: B((v) => v.oneOf([true, false], [0, null]).map((accepted) => () => new pg.GSSResponse({ accepted })), P.GSS_NEGOTIATION),
    BackendKeyData: B((v) => fc.record({ processId: v.int32(), secretKey: v.key() }).map((o) => () => new pg.BackendKeyData(o))),
    ParameterStatus: B((v) => fc.record({ name: v.text(), value: v.text() }).map((o) => () => new pg.ParameterStatus(o))),
    NegotiateProtocolVersion: B((v) =>
      fc
        .record({ raw: v.int32(), unrecognized: fc.array(v.text(), { maxLength: 3 }) })
        .map((o) => () => new pg.NegotiateProtocolVersion({ newestMinor: typeof o.raw === 'number' ? o.raw & 0xffff : 0, rawNewestMinor: o.raw, unrecognized: o.unrecognized })),
    ),
    ReadyForQuery: B((v) => v.oneOf(['I', 'T', 'E'] as const, ['II', 'X', '', 73]).map((status) => () => new pg.ReadyForQuery({ status }))),
    ErrorResponse: B((v) => fields(v).map((f) => () => new pg.ErrorResponse({ fields: f }))),
    NoticeResponse: B((v) => fields(v).map((f) => () => new pg.NoticeResponse({ fields: f }))),
    NotificationResponse: B((v) => fc.record({ processId: v.int32(), channel: v.text(), payload: v.text() }).map((o) => () => new pg.NotificationResponse(o))),
    RowDescription: B((v) => {
      const field = fc
        .record({ name: v.text(), tableOid: v.oid(), columnAttr: v.int16(), typeOid: v.oid(), typeSize: v.int16(), typeModifier: v.int32(), formatCode: v.format() })
        .map((o) => new pg.FieldDescription(o));
      return v.list(field, new pg.FieldDescription({ name: 'c', typeOid: 25 })).map((f) => () => new pg.RowDescription({ fields: f }));
    }),
    DataRow: B((v) => v.list(v.value(), null).map((columns) => () => new pg.DataRow({ columns }))),
    CommandComplete: B((v) => v.text().map((tag) => () => new pg.CommandComplete({ tag }))),
    EmptyQueryResponse: B(() => of(() => new pg.EmptyQueryResponse())),
    ParseComplete: B(() => of(() => new pg.ParseComplete())),
    BindComplete: B(() => of(() => new pg.BindComplete())),
    CloseComplete: B(() => of(() => new pg.CloseComplete())),
    ParameterDescription: B((v) => v.list(v.oid(), 23).map((typeOids) => () => new pg.ParameterDescription({ typeOids }))),
    NoData: B(() => of(() => new pg.NoData())),
    PortalSuspended: B(() => of(() => new pg.PortalSuspended())),
    CopyInResponse: B((v) => copyResponse(v).map((o) => () => new pg.CopyInResponse(o))),
    CopyOutResponse: B((v) => copyResponse(v).map((o) => () => new pg.CopyOutResponse(o))),
    CopyBothResponse: B((v) => copyResponse(v).map((o) => () => new pg.CopyBothResponse(o))),
    FunctionCallResponse: B((v) => v.value().map((result) => () => new pg.FunctionCallResponse({ result }))),
  };
}

export interface MessageOptions {
  /** The pgcodec to build with (default: the installed package). */
  pg?: Pg;
  /** Mix in values the wire cannot carry (for encoder safety); `make()` may then throw. */
  hostile?: boolean;
  /** Only messages this side sends. */
  side?: Side;
  /** Only these types. */
  types?: readonly string[];
}

/** A message input of any class (or of those the options select). */
export function messageInput(opts: MessageOptions = {}): fc.Arbitrary<MessageInput> {
  const values = new Values(opts.hostile ?? false);
  const cases = Object.entries(messageCases(opts.pg)).filter(([type, c]) => (opts.side === undefined || c.side === opts.side) && (opts.types === undefined || opts.types.includes(type)));
  return fc.oneof(
    ...cases.map(([type, c]) => c.make(values).map((make): MessageInput => ({ type, side: c.side, phase: c.phase, gss: c.gss ?? false, make }))),
  );
}

/** A valid message a client sends, of any frontend class. */
export function frontendMessage(opts: Omit<MessageOptions, 'side' | 'hostile'> = {}): fc.Arbitrary<PgMessage> {
  return messageInput({ ...opts, side: 'frontend' }).map((m) => m.make());
}

/** A valid message a server sends, of any backend class. */
export function backendMessage(opts: Omit<MessageOptions, 'side' | 'hostile'> = {}): fc.Arbitrary<PgMessage> {
  return messageInput({ ...opts, side: 'backend' }).map((m) => m.make());
}
