/**
 * Encoders refuse what the peer would read differently: every bad value is
 * an EncodingError (code, message type, field) thrown before any byte is
 * produced. The audit's inputs first, then every NUL-terminated field of
 * every message, every integer field at its range edges, and the lengths.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';

const E = pg.ErrorCode;

/** Runs `make` and `toWire()`; expects an EncodingError with `code` naming `type` and `field`. */
function refused(make: () => pg.PgMessage, code: string, type: string, field: string): void {
  let err: unknown = null;
  try {
    make().toWire();
  } catch (e) {
    err = e;
  }
  expect(err, `${type}.${field} was encoded`).toBeInstanceOf(pg.EncodingError);
  const e = err as pg.EncodingError;
  expect(e).toBeInstanceOf(pg.PgcodecError);
  expect(e).not.toBeInstanceOf(pg.ProtocolError);
  expect({ code: e.code, messageType: e.messageType, field: e.field }).toEqual({ code, messageType: type, field });
  expect(e.name).toBe('EncodingError');
}

describe('the audit: inputs that were encoded into bytes the peer reads differently', () => {
  it('a NUL in a startup parameter value cannot smuggle in options or replication', () => {
    for (const value of ['x\0options\0-c search_path=evil', 'x\0replication\0database']) {
      refused(() => new pg.StartupMessage({ params: { user: 'app', application_name: value } }), E.NUL_IN_STRING, 'StartupMessage', 'params');
    }
    refused(() => new pg.StartupMessage({ params: { 'user\0options': 'x' } }), E.NUL_IN_STRING, 'StartupMessage', 'params');
  });

  it('a NUL in an error message cannot forge a SQLSTATE or a hint', () => {
    refused(
      () => new pg.ErrorResponse({ fields: { S: 'ERROR', C: '42P01', M: 'boom\0C40001\0Hdo this' } }),
      E.NUL_IN_STRING,
      'ErrorResponse',
      'fields',
    );
    refused(() => new pg.NoticeResponse({ fields: { M: 'a\0b' } }), E.NUL_IN_STRING, 'NoticeResponse', 'fields');
  });

  it('Bind with 65537 parameters is refused, not written with a count of 1', () => {
    refused(() => new pg.Bind({ paramValues: Array(65537).fill('1') }), E.TOO_MANY, 'Bind', 'paramValues');
    // 65535 is the most an Int16 count carries (PostgreSQL reads it unsigned).
    const max = new pg.Bind({ paramValues: Array(65535).fill(null) }).toWire();
    const d = new pg.FrontendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(max);
    expect((d.read() as pg.Bind).paramValues).toHaveLength(65535);
  });

  it('Execute maxRows and CancelRequest processId must be Int32', () => {
    for (const maxRows of [NaN, 2 ** 32 + 5, 2 ** 31, -(2 ** 31) - 1, 1.5, Infinity]) {
      refused(() => new pg.Execute({ maxRows }), E.OUT_OF_RANGE, 'Execute', 'maxRows');
    }
    refused(() => new pg.CancelRequest({ processId: 2 ** 32 + 7, secretKey: new Uint8Array(4) }), E.OUT_OF_RANGE, 'CancelRequest', 'processId');
  });

  it('single-character fields take exactly one allowed character', () => {
    refused(() => new pg.ReadyForQuery({ status: 'II' as pg.TransactionStatus }), E.INVALID_VALUE, 'ReadyForQuery', 'status');
    refused(() => new pg.ReadyForQuery({ status: 'X' as pg.TransactionStatus }), E.INVALID_VALUE, 'ReadyForQuery', 'status');
    refused(() => new pg.ErrorResponse({ fields: [{ code: 'SS', value: 'ERROR' }] }), E.INVALID_VALUE, 'ErrorResponse', 'fields');
    refused(() => new pg.ErrorResponse({ fields: [{ code: '', value: 'ERROR' }] }), E.INVALID_VALUE, 'ErrorResponse', 'fields');
    refused(() => new pg.ErrorResponse({ fields: [{ code: '\0', value: 'ERROR' }] }), E.INVALID_VALUE, 'ErrorResponse', 'fields');
    refused(() => new pg.Describe({ kind: 'X' as pg.TargetKind }), E.INVALID_VALUE, 'Describe', 'kind');
    refused(() => new pg.Close({ kind: 'SP' as pg.TargetKind }), E.INVALID_VALUE, 'Close', 'kind');
  });

  it('cancel keys are 4..256 bytes, MD5 salts 4', () => {
    for (const n of [0, 3, 257, 300]) {
      refused(() => new pg.BackendKeyData({ processId: 1, secretKey: new Uint8Array(n) }), E.INVALID_LENGTH, 'BackendKeyData', 'secretKey');
      refused(() => new pg.CancelRequest({ processId: 1, secretKey: new Uint8Array(n) }), E.INVALID_LENGTH, 'CancelRequest', 'secretKey');
    }
    for (const n of [4, 32, 256]) expect(new pg.BackendKeyData({ processId: 1, secretKey: new Uint8Array(n) }).toWire()).toHaveLength(9 + n);
    for (const n of [0, 3, 5]) {
      refused(() => new pg.AuthenticationMD5Password({ salt: new Uint8Array(n) }), E.INVALID_LENGTH, 'AuthenticationMD5Password', 'salt');
    }
  });

  it('a startup packet over 10000 bytes (MAX_STARTUP_PACKET_LENGTH) is refused', () => {
    // length 4 + version 4 + "a\0" 2 + value + NUL + terminator: 12 bytes besides the value
    const fits = new pg.StartupMessage({ params: { a: 'x'.repeat(10000 - 12) } }).toWire();
    expect(fits).toHaveLength(10000);
    refused(() => new pg.StartupMessage({ params: { a: 'x'.repeat(10000 - 11) } }), E.LENGTH_TOO_LARGE, 'StartupMessage', 'length');
    // Near the limit the exact UTF-8 length counts, not an estimate of 3 bytes a character.
    expect(new pg.StartupMessage({ params: { a: 'é'.repeat(4994) } }).toWire()).toHaveLength(10000);
    refused(() => new pg.StartupMessage({ params: { a: 'é'.repeat(4995) } }), E.LENGTH_TOO_LARGE, 'StartupMessage', 'length');
  });

  it('a CopyData over 1 GiB (PQ_LARGE_MESSAGE_LIMIT) is refused before anything is allocated for it', () => {
    const huge = new Uint8Array(pg.PQ_LARGE_MESSAGE_LIMIT - 3); // length field 4 + this = limit + 1
    refused(() => new pg.CopyData({ data: huge }), E.LENGTH_TOO_LARGE, 'CopyData', 'length');
  });
});

/** A message builder for each NUL-terminated string field: the value goes where the field is. */
const stringFields: [string, string, (s: string) => pg.PgMessage][] = [
  ['StartupMessage', 'params', (s) => new pg.StartupMessage({ params: { user: s } })],
  ['PasswordMessage', 'password', (s) => new pg.PasswordMessage({ password: s })],
  ['SASLInitialResponse', 'mechanism', (s) => new pg.SASLInitialResponse({ mechanism: s, data: 'n,,n=,r=x' })],
  ['AuthenticationSASL', 'mechanisms', (s) => new pg.AuthenticationSASL({ mechanisms: ['SCRAM-SHA-256', s] })],
  ['Query', 'queryString', (s) => new pg.Query({ queryString: s })],
  ['Parse', 'statement', (s) => new pg.Parse({ statement: s, query: 'SELECT 1' })],
  ['Parse', 'query', (s) => new pg.Parse({ query: s })],
  ['Bind', 'portal', (s) => new pg.Bind({ portal: s })],
  ['Bind', 'statement', (s) => new pg.Bind({ statement: s })],
  ['Describe', 'name', (s) => new pg.Describe({ kind: 'S', name: s })],
  ['Close', 'name', (s) => new pg.Close({ kind: 'P', name: s })],
  ['Execute', 'portal', (s) => new pg.Execute({ portal: s })],
  ['CopyFail', 'errorMessage', (s) => new pg.CopyFail({ errorMessage: s })],
  ['ErrorResponse', 'fields', (s) => new pg.ErrorResponse({ fields: { S: 'ERROR', M: s } })],
  ['NoticeResponse', 'fields', (s) => new pg.NoticeResponse({ fields: { S: 'NOTICE', M: s } })],
  ['ParameterStatus', 'name', (s) => new pg.ParameterStatus({ name: s, value: 'on' })],
  ['ParameterStatus', 'value', (s) => new pg.ParameterStatus({ name: 'x', value: s })],
  ['NotificationResponse', 'channel', (s) => new pg.NotificationResponse({ processId: 1, channel: s })],
  ['NotificationResponse', 'payload', (s) => new pg.NotificationResponse({ processId: 1, channel: 'c', payload: s })],
  ['CommandComplete', 'tag', (s) => new pg.CommandComplete({ tag: s })],
  ['RowDescription', 'fields.name', (s) => new pg.RowDescription({ fields: [new pg.FieldDescription({ name: s, typeOid: 25 })] })],
  ['NegotiateProtocolVersion', 'unrecognized', (s) => new pg.NegotiateProtocolVersion({ newestMinor: 0, unrecognized: [s] })],
];

describe('every NUL-terminated string field', () => {
  it.each(stringFields)('%s.%s refuses a NUL, a lone surrogate and a non-string; takes any other text', (type, field, make) => {
    refused(() => make('a\0b'), E.NUL_IN_STRING, type, field);
    refused(() => make('\0'), E.NUL_IN_STRING, type, field);
    refused(() => make('a\uD800b'), E.INVALID_TEXT, type, field);
    refused(() => make('\uDC00'), E.INVALID_TEXT, type, field);
    // Past the short-string loop: long strings are written first and judged after.
    refused(() => make(`${'x'.repeat(40)}\0`), E.NUL_IN_STRING, type, field);
    refused(() => make(`\0${'y'.repeat(40)}`), E.NUL_IN_STRING, type, field);
    refused(() => make(`${'x'.repeat(40)}\uD800`), E.INVALID_TEXT, type, field);
    refused(() => make(`é${'x'.repeat(40)}\0`), E.NUL_IN_STRING, type, field);
    refused(() => make(42 as unknown as string), E.WRONG_TYPE, type, field);
    for (const ok of ['plain', 'héllo wörld ✓', '😀 pair', 'x'.repeat(40)]) expect(make(ok).toWire().length).toBeGreaterThan(0);
  });

  it('names that an empty string would end: startup parameter names and SASL mechanisms', () => {
    refused(() => new pg.StartupMessage({ params: { '': 'x' } }), E.INVALID_VALUE, 'StartupMessage', 'params');
    refused(() => new pg.AuthenticationSASL({ mechanisms: [''] }), E.INVALID_VALUE, 'AuthenticationSASL', 'mechanisms');
  });
});

/** Integer fields with the range their wire type carries. */
const intFields: [string, string, 'int16' | 'int32' | 'oid' | 'format' | 'byte', (v: number) => pg.PgMessage][] = [
  ['StartupMessage', 'protocolVersion', 'oid', (v) => new pg.StartupMessage({ protocolVersion: (3 << 16) | (v & 0xffff), params: {} })],
  ['CancelRequest', 'processId', 'int32', (v) => new pg.CancelRequest({ processId: v, secretKey: new Uint8Array(4) })],
  ['BackendKeyData', 'processId', 'int32', (v) => new pg.BackendKeyData({ processId: v, secretKey: new Uint8Array(4) })],
  ['NotificationResponse', 'processId', 'int32', (v) => new pg.NotificationResponse({ processId: v, channel: 'c' })],
  ['NegotiateProtocolVersion', 'rawNewestMinor', 'int32', (v) => new pg.NegotiateProtocolVersion({ newestMinor: typeof v === 'number' ? v & 0xffff : 0, rawNewestMinor: v })],
  ['Execute', 'maxRows', 'int32', (v) => new pg.Execute({ maxRows: v })],
  ['Parse', 'paramTypes', 'oid', (v) => new pg.Parse({ query: 'q', paramTypes: [v] })],
  ['ParameterDescription', 'typeOids', 'oid', (v) => new pg.ParameterDescription({ typeOids: [v] })],
  ['FunctionCall', 'functionOid', 'oid', (v) => new pg.FunctionCall({ functionOid: v })],
  ['FunctionCall', 'resultFormat', 'format', (v) => new pg.FunctionCall({ functionOid: 1, resultFormat: v })],
  ['FunctionCall', 'argFormats', 'format', (v) => new pg.FunctionCall({ functionOid: 1, argFormats: [v] })],
  ['Bind', 'paramFormats', 'format', (v) => new pg.Bind({ paramFormats: [v] })],
  ['Bind', 'resultFormats', 'format', (v) => new pg.Bind({ resultFormats: [v] })],
  ['CopyOutResponse', 'colFormats', 'format', (v) => new pg.CopyOutResponse({ overallFormat: 1, colFormats: [v] })],
  ['CopyInResponse', 'overallFormat', 'format', (v) => new pg.CopyInResponse({ overallFormat: v })],
  ['RowDescription', 'fields.tableOid', 'oid', (v) => new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'a', typeOid: 25, tableOid: v })] })],
  ['RowDescription', 'fields.typeOid', 'oid', (v) => new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'a', typeOid: v })] })],
  ['RowDescription', 'fields.columnAttr', 'int16', (v) => new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'a', typeOid: 25, columnAttr: v })] })],
  ['RowDescription', 'fields.typeSize', 'int16', (v) => new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'a', typeOid: 25, typeSize: v })] })],
  ['RowDescription', 'fields.typeModifier', 'int32', (v) => new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'a', typeOid: 25, typeModifier: v })] })],
  ['RowDescription', 'fields.formatCode', 'format', (v) => new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'a', typeOid: 25, formatCode: v })] })],
];

const RANGES = {
  int16: [-32768, 32767],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  oid: [0, 2 ** 32 - 1],
  format: [0, 1],
  byte: [0, 255],
} as const;

describe('every integer field', () => {
  it.each(intFields)('%s.%s takes integers in its wire range only', (type, field, kind, make) => {
    const [lo, hi] = RANGES[kind];
    const code = kind === 'format' ? E.INVALID_VALUE : E.OUT_OF_RANGE;
    // protocolVersion's minor is masked in by the builder: test its major instead.
    if (field === 'protocolVersion') {
      for (const v of [2 << 16, 4 << 16, 0, 80877103]) refused(() => new pg.StartupMessage({ protocolVersion: v, params: {} }), E.INVALID_VALUE, type, field);
      return;
    }
    for (const v of [lo, hi, 0 <= lo ? lo : 0]) expect(make(v).toWire().length).toBeGreaterThan(0);
    for (const v of [lo - 1, hi + 1, 0.5, NaN, Infinity, -Infinity, '1' as unknown as number, 1n as unknown as number]) {
      refused(() => make(v), code, type, field);
    }
  });

  it('a value of the wrong type in a bytes field is refused by the constructor', () => {
    refused(() => new pg.CopyData({ data: 42 as unknown as Uint8Array }), E.WRONG_TYPE, 'CopyData', 'data');
    refused(() => new pg.DataRow({ columns: [undefined as unknown as null] }), E.WRONG_TYPE, 'DataRow', 'columns');
    refused(() => new pg.Bind({ paramValues: 'abc' as unknown as string[] }), E.WRONG_TYPE, 'Bind', 'paramValues');
    refused(() => new pg.CopyData({ data: 'a\uD800' }), E.INVALID_TEXT, 'CopyData', 'data');
    refused(() => new pg.SSLResponse({ accepted: 'yes' as unknown as boolean }), E.WRONG_TYPE, 'SSLResponse', 'accepted');
    refused(() => new pg.Parse({ query: 'q', paramTypes: 7 as unknown as number[] }), E.WRONG_TYPE, 'Parse', 'paramTypes');
  });

  it('counts: 65535 items at most in every Int16-counted list', () => {
    const many = <T>(v: T) => Array<T>(65536).fill(v);
    refused(() => new pg.DataRow({ columns: many(null) }), E.TOO_MANY, 'DataRow', 'columns');
    refused(() => new pg.Parse({ query: 'q', paramTypes: many(0) }), E.TOO_MANY, 'Parse', 'paramTypes');
    refused(() => new pg.ParameterDescription({ typeOids: many(0) }), E.TOO_MANY, 'ParameterDescription', 'typeOids');
    refused(() => new pg.Bind({ paramFormats: many(0) }), E.TOO_MANY, 'Bind', 'paramFormats');
    refused(() => new pg.Bind({ resultFormats: many(0) }), E.TOO_MANY, 'Bind', 'resultFormats');
    refused(() => new pg.FunctionCall({ functionOid: 1, arguments: many(null) }), E.TOO_MANY, 'FunctionCall', 'arguments');
    refused(() => new pg.CopyInResponse({ colFormats: many(0) }), E.TOO_MANY, 'CopyInResponse', 'colFormats');
    const field = new pg.FieldDescription({ name: 'a', typeOid: 25 });
    refused(() => new pg.RowDescription({ fields: many(field) }), E.TOO_MANY, 'RowDescription', 'fields');
    expect(new pg.DataRow({ columns: many(null).slice(1) }).toWire()).toHaveLength(7 + 4 * 65535);
  });
});

describe('nothing is produced for a refused message', () => {
  it('connections check the bytes before the state machine moves', () => {
    const c = new pg.FrontendConnection();
    const sent: Uint8Array[] = [];
    c.onSend = (b) => void sent.push(b);
    expect(() => c.send(new pg.StartupMessage({ params: { user: 'a\0b' } }))).toThrow(pg.EncodingError);
    expect(sent).toHaveLength(0);
    expect(c.phase).toBe(pg.ConnectionPhase.STARTUP);
    expect(c.send(new pg.StartupMessage({ params: { user: 'ab' } })).length).toBeGreaterThan(0);
    expect(c.phase).toBe(pg.ConnectionPhase.AUTHENTICATING);
  });
});
