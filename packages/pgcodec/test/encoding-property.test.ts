/**
 * Property, over every message class: whatever `toWire()` accepts decodes
 * back to an equal message with every byte consumed; everything else throws
 * `EncodingError` (from the constructor or from `toWire()`), never anything
 * else. Valid values must always be accepted, so a refusing encoder cannot
 * pass either.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import * as messages from '../src/messages/index.js';

const P = pg.ConnectionPhase;
const SEED = Number(process.env.PGCODEC_SEED ?? 0x5eed);

/** Generators of field values: valid ones, or valid ones mixed with what the wire cannot carry. */
class Values {
  constructor(readonly hostile: boolean) {}

  private mix<T>(valid: fc.Arbitrary<T>, bad: readonly unknown[]): fc.Arbitrary<T> {
    if (!this.hostile) return valid;
    return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...bad) as fc.Arbitrary<T> });
  }

  /** A String field. */
  text(): fc.Arbitrary<string> {
    const valid = fc.oneof(
      fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0')),
      fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\0')),
      fc.constantFrom('héllo', '😀', 'x'.repeat(100)),
    );
    return this.mix(valid, ['a\0b', '\0', 'x\uD800', '\uDC00y', 42, null]);
  }

  /** A name in a list that an empty string would end. */
  name(): fc.Arbitrary<string> {
    return this.mix(
      this.text().filter((s) => s !== ''),
      [''],
    );
  }

  private int(min: number, max: number): fc.Arbitrary<number> {
    const edges = [min, max, 0 >= min && 0 <= max ? 0 : min];
    const valid = fc.oneof(fc.integer({ min, max }), fc.constantFrom(...edges));
    return this.mix(valid, [min - 1, max + 1, NaN, Infinity, -Infinity, 0.5, 2 ** 32 + 5, -(2 ** 53), '7', 3n]);
  }

  int16 = () => this.int(-32768, 32767);
  int32 = () => this.int(-(2 ** 31), 2 ** 31 - 1);
  oid = () => this.int(0, 2 ** 32 - 1);
  format = () => this.int(0, 1);

  /** A Byten field (bytes, or a string the constructor encodes). */
  bytes(max = 40): fc.Arbitrary<Uint8Array | string> {
    const valid = fc.oneof(fc.uint8Array({ maxLength: max }), fc.string({ maxLength: 8 }));
    return this.mix(valid, [42, 'x\uD800', undefined, {}]);
  }

  /** A nullable value (Bind parameter, DataRow column). */
  value(): fc.Arbitrary<Uint8Array | string | null> {
    return fc.oneof(fc.constant(null), this.bytes(12));
  }

  /** A list counted by an Int16: short ones, and (hostile) one past the count's reach. */
  list<T>(item: fc.Arbitrary<T>, filler: T): fc.Arbitrary<T[]> {
    const valid = fc.oneof({ weight: 60, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.constant(Array<T>(65535).fill(filler)) });
    if (!this.hostile) return valid;
    return fc.oneof({ weight: 15, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(Array<T>(65536).fill(filler), 'nope' as unknown as T[]) });
  }

  /** A cancel key: 4..256 bytes. */
  key(): fc.Arbitrary<Uint8Array> {
    return this.mix(fc.uint8Array({ minLength: 4, maxLength: 256 }), [new Uint8Array(0), new Uint8Array(3), new Uint8Array(257), 'abcd']);
  }

  oneOf<T>(valid: readonly T[], bad: readonly unknown[]): fc.Arbitrary<T> {
    return this.mix(fc.constantFrom(...valid), bad);
  }
}

interface Case {
  side: 'frontend' | 'backend';
  phase: pg.ConnectionPhase;
  gss?: boolean;
  make: (v: Values) => fc.Arbitrary<() => pg.PgMessage>;
}

const of = (m: pg.PgMessage): fc.Arbitrary<() => pg.PgMessage> => fc.constant(() => m);
const F = (phase: pg.ConnectionPhase, make: Case['make'], gss = false): Case => ({ side: 'frontend', phase, make, gss });
const B = (make: Case['make'], phase: pg.ConnectionPhase = P.READY): Case => ({ side: 'backend', phase, make });

/** Every message class, with generators for its constructor's options. */
const cases: Record<string, Case> = {
  StartupMessage: F(P.STARTUP, (v) =>
    fc
      .record({ version: v.oneOf([pg.StartupRequestCode.V3_0, pg.StartupRequestCode.V3_2, (3 << 16) | 9], [2 << 16, 4 << 16, NaN]), params: fc.array(fc.tuple(v.name(), v.text()), { maxLength: 4 }) })
      .map(({ version, params }) => () => new pg.StartupMessage({ protocolVersion: version, params })),
  ),
  SSLRequest: F(P.STARTUP, () => of(new pg.SSLRequest())),
  GSSEncRequest: F(P.STARTUP, () => of(new pg.GSSEncRequest())),
  CancelRequest: F(P.STARTUP, (v) => fc.record({ processId: v.int32(), secretKey: v.key() }).map((o) => () => new pg.CancelRequest(o))),
  PasswordMessage: F(P.AUTHENTICATING, (v) => v.text().map((password) => () => new pg.PasswordMessage({ password }))),
  SASLInitialResponse: F(P.AUTHENTICATING_SASL_INITIAL, (v) =>
    fc.record({ mechanism: v.text(), data: fc.oneof(fc.constant(null), v.bytes()) }).map((o) => () => new pg.SASLInitialResponse(o)),
  ),
  SASLResponse: F(P.AUTHENTICATING_SASL_CONTINUE, (v) => v.bytes().map((data) => () => new pg.SASLResponse({ data }))),
  GSSAuthResponse: F(P.AUTHENTICATING, (v) => v.bytes().map((data) => () => new pg.GSSAuthResponse({ data })), true),
  Query: F(P.READY, (v) => v.text().map((queryString) => () => new pg.Query({ queryString }))),
  Parse: F(P.READY, (v) =>
    fc.record({ statement: v.text(), query: v.text(), paramTypes: v.list(v.oid(), 0) }).map((o) => () => new pg.Parse(o)),
  ),
  Bind: F(P.READY, (v) =>
    fc
      .record({ portal: v.text(), statement: v.text(), paramFormats: v.list(v.format(), 0), paramValues: v.list(v.value(), null), resultFormats: v.list(v.format(), 1) })
      .map((o) => () => new pg.Bind(o)),
  ),
  Describe: F(P.READY, (v) => fc.record({ kind: v.oneOf(['S', 'P'] as const, ['X', 'SP', '']), name: v.text() }).map((o) => () => new pg.Describe(o))),
  Close: F(P.READY, (v) => fc.record({ kind: v.oneOf(['S', 'P'] as const, ['s', 'PP']), name: v.text() }).map((o) => () => new pg.Close(o))),
  Execute: F(P.READY, (v) => fc.record({ portal: v.text(), maxRows: v.int32() }).map((o) => () => new pg.Execute(o))),
  Sync: F(P.READY, () => of(new pg.Sync())),
  Flush: F(P.READY, () => of(new pg.Flush())),
  CopyData: F(P.READY, (v) => v.bytes().map((data) => () => new pg.CopyData({ data }))),
  CopyDone: F(P.READY, () => of(new pg.CopyDone())),
  CopyFail: F(P.READY, (v) => v.text().map((errorMessage) => () => new pg.CopyFail({ errorMessage }))),
  FunctionCall: F(P.READY, (v) =>
    fc
      .record({ functionOid: v.oid(), argFormats: v.list(v.format(), 1), arguments: v.list(v.value(), null), resultFormat: v.format() })
      .map((o) => () => new pg.FunctionCall(o)),
  ),
  Terminate: F(P.READY, () => of(new pg.Terminate())),

  AuthenticationOk: B(() => of(new pg.AuthenticationOk())),
  AuthenticationKerberosV5: B(() => of(new pg.AuthenticationKerberosV5())),
  AuthenticationCleartextPassword: B(() => of(new pg.AuthenticationCleartextPassword())),
  AuthenticationMD5Password: B((v) =>
    v.oneOf([4], [0, 3, 5]).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map((salt) => () => new pg.AuthenticationMD5Password({ salt }))),
  ),
  AuthenticationGSS: B(() => of(new pg.AuthenticationGSS())),
  AuthenticationGSSContinue: B((v) => v.bytes().map((data) => () => new pg.AuthenticationGSSContinue({ data }))),
  AuthenticationSSPI: B(() => of(new pg.AuthenticationSSPI())),
  AuthenticationSASL: B((v) => fc.array(v.name(), { maxLength: 3 }).map((mechanisms) => () => new pg.AuthenticationSASL({ mechanisms }))),
  AuthenticationSASLContinue: B((v) => v.bytes().map((data) => () => new pg.AuthenticationSASLContinue({ data }))),
  AuthenticationSASLFinal: B((v) => v.bytes().map((data) => () => new pg.AuthenticationSASLFinal({ data }))),
  SSLResponse: B((v) => v.oneOf([true, false], [1, 'S']).map((accepted) => () => new pg.SSLResponse({ accepted })), P.SSL_NEGOTIATION),
  GSSResponse: B((v) => v.oneOf([true, false], [0, null]).map((accepted) => () => new pg.GSSResponse({ accepted })), P.GSS_NEGOTIATION),
  BackendKeyData: B((v) => fc.record({ processId: v.int32(), secretKey: v.key() }).map((o) => () => new pg.BackendKeyData(o))),
  ParameterStatus: B((v) => fc.record({ name: v.text(), value: v.text() }).map((o) => () => new pg.ParameterStatus(o))),
  NegotiateProtocolVersion: B((v) =>
    fc.record({ raw: v.int32(), unrecognized: fc.array(v.text(), { maxLength: 3 }) }).map((o) => () => new pg.NegotiateProtocolVersion({ newestMinor: typeof o.raw === 'number' ? o.raw & 0xffff : 0, rawNewestMinor: o.raw, unrecognized: o.unrecognized })),
  ),
  ReadyForQuery: B((v) => v.oneOf(['I', 'T', 'E'] as const, ['II', 'X', '', 73]).map((status) => () => new pg.ReadyForQuery({ status }))),
  ErrorResponse: B((v) => fields(v).map((f) => () => new pg.ErrorResponse({ fields: f }))),
  NoticeResponse: B((v) => fields(v).map((f) => () => new pg.NoticeResponse({ fields: f }))),
  NotificationResponse: B((v) =>
    fc.record({ processId: v.int32(), channel: v.text(), payload: v.text() }).map((o) => () => new pg.NotificationResponse(o)),
  ),
  RowDescription: B((v) => {
    const field = fc
      .record({ name: v.text(), tableOid: v.oid(), columnAttr: v.int16(), typeOid: v.oid(), typeSize: v.int16(), typeModifier: v.int32(), formatCode: v.format() })
      .map((o) => new pg.FieldDescription(o));
    return v.list(field, new pg.FieldDescription({ name: 'c', typeOid: 25 })).map((f) => () => new pg.RowDescription({ fields: f }));
  }),
  DataRow: B((v) => v.list(v.value(), null).map((columns) => () => new pg.DataRow({ columns }))),
  CommandComplete: B((v) => v.text().map((tag) => () => new pg.CommandComplete({ tag }))),
  EmptyQueryResponse: B(() => of(new pg.EmptyQueryResponse())),
  ParseComplete: B(() => of(new pg.ParseComplete())),
  BindComplete: B(() => of(new pg.BindComplete())),
  CloseComplete: B(() => of(new pg.CloseComplete())),
  ParameterDescription: B((v) => v.list(v.oid(), 23).map((typeOids) => () => new pg.ParameterDescription({ typeOids }))),
  NoData: B(() => of(new pg.NoData())),
  PortalSuspended: B(() => of(new pg.PortalSuspended())),
  CopyInResponse: B((v) => copyResponse(v).map((o) => () => new pg.CopyInResponse(o))),
  CopyOutResponse: B((v) => copyResponse(v).map((o) => () => new pg.CopyOutResponse(o))),
  CopyBothResponse: B((v) => copyResponse(v).map((o) => () => new pg.CopyBothResponse(o))),
  FunctionCallResponse: B((v) => v.value().map((result) => () => new pg.FunctionCallResponse({ result }))),
};

function fields(v: Values): fc.Arbitrary<{ code: string; value: string }[]> {
  const code = v.oneOf(['S', 'V', 'C', 'M', 'D', 'H', 'P', 'q', 'Z', 'é'], ['SS', '', '\0', 'Ā', 7]);
  return fc.array(fc.record({ code, value: v.text() }), { maxLength: 5 });
}

function copyResponse(v: Values) {
  return fc.record({ overallFormat: v.format(), colFormats: v.list(v.format(), 0) });
}

/** A message's fields as plain, comparable values. */
function shape(m: pg.PgMessage): unknown {
  if (m instanceof pg.DataRow) return { type: m.type, columns: plain(m.columns) };
  return { type: m.type, ...(plain({ ...m }) as object) };
}

function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === 'number') return x === 0 ? 0 : x; // -0 is written as 0
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

/** Decodes `wire` with the decoder for case `c`, insisting on one message and every byte used. */
function decodeOne(c: Case, wire: Uint8Array): pg.PgMessage {
  // The wire format's limits only: PostgreSQL's per-type limits are a server's policy, not the encoding.
  const limits = { smallMessage: 2 ** 31 - 1, authToken: 2 ** 31 - 1, saslMessage: 2 ** 31 - 1, shortMessage: 2 ** 31 - 1, authRequest: 2 ** 31 - 1 };
  const d =
    c.side === 'frontend'
      ? new pg.FrontendMessageDecoder({ phase: c.phase, gssAuthentication: c.gss, limits })
      : new pg.BackendMessageDecoder({ phase: c.phase, limits });
  d.feed(wire);
  const m = d.read();
  expect(m).not.toBeNull();
  expect(d.buffered).toBe(0);
  expect(d.read()).toBeNull();
  return m!;
}

// Lists of 65535 items make some runs heavy: an explicit budget for a loaded 2-core machine.
describe('encoder invariant, every message class', { timeout: 60_000 }, () => {
  it('covers every message class', () => {
    const classes = Object.values(messages)
      .filter((v) => typeof v === 'function' && v.prototype instanceof pg.PgMessage && typeof v.prototype.type === 'string')
      .map((v) => (v as { prototype: pg.PgMessage }).prototype.type);
    expect(classes.filter((t) => !(t in cases))).toEqual([]);
  });

  it.each(Object.entries(cases))('%s: valid values always encode, and decode back equal', (_, c) => {
    fc.assert(
      fc.property(c.make(new Values(false)), (make) => {
        const msg = make();
        const wire = msg.toWire();
        expect(shape(decodeOne(c, wire))).toEqual(shape(msg));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it.each(Object.entries(cases))('%s: hostile values either decode back equal or throw EncodingError', (_, c) => {
    fc.assert(
      fc.property(c.make(new Values(true)), (make) => {
        let msg: pg.PgMessage;
        let wire: Uint8Array;
        try {
          msg = make();
          wire = msg.toWire();
        } catch (e) {
          if (!(e instanceof pg.EncodingError)) throw e;
          return;
        }
        expect(shape(decodeOne(c, wire))).toEqual(shape(msg));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
