/**
 * Annotated wire fixtures: every message of protocol 3.0 and 3.2 in both
 * directions, each built from its fields one per line, next to the object
 * that must encode to exactly those bytes.
 */
import * as pg from '../../src/index.js';
import { byte, enc, frame, i16, i32, packet, raw, str } from './bytes.js';

export interface Fixture {
  name: string;
  /** Who sends it: decides which stream decoder reads it back. */
  side: 'frontend' | 'backend';
  /** Decoder phase the message is read in. */
  phase: pg.ConnectionPhase;
  message: pg.PgMessage;
  wire: Uint8Array;
  /** The server asked for GSSAPI: 'p' is a GSS token. */
  gss?: boolean;
}

const P = pg.ConnectionPhase;
const F = (name: string, phase: pg.ConnectionPhase, message: pg.PgMessage, wire: Uint8Array): Fixture => ({
  name,
  side: 'frontend',
  phase,
  message,
  wire,
});
const B = (name: string, message: pg.PgMessage, wire: Uint8Array, phase: pg.ConnectionPhase = P.READY): Fixture => ({
  name,
  side: 'backend',
  phase,
  message,
  wire,
});

const key32 = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

export const fixtures: Fixture[] = [
  // ---- startup (frontend, untyped) ----
  F(
    'StartupMessage 3.0',
    P.STARTUP,
    new pg.StartupMessage({ params: { user: 'postgres', database: 'mydb' } }),
    packet(
      i32(196608), //       protocol 3.0
      str('user'),
      str('postgres'),
      str('database'),
      str('mydb'),
      byte(0), //          end of parameters
    ),
  ),
  F(
    'StartupMessage 3.2 with _pq_ option and duplicate',
    P.STARTUP,
    new pg.StartupMessage({
      protocolVersion: pg.StartupRequestCode.V3_2,
      params: [
        ['user', 'alice'],
        ['_pq_.test', 'x'],
        ['options', '-c geqo=off'],
        ['user', 'bob'],
      ],
    }),
    packet(
      i32(196610), //       protocol 3.2
      str('user'),
      str('alice'),
      str('_pq_.test'),
      str('x'),
      str('options'),
      str('-c geqo=off'),
      str('user'),
      str('bob'),
      byte(0),
    ),
  ),
  F('StartupMessage 3.9 no params', P.STARTUP, new pg.StartupMessage({ protocolVersion: pg.protocolVersion(3, 9) }), packet(i32(196617), byte(0))),
  F('SSLRequest', P.STARTUP, new pg.SSLRequest(), packet(i32(80877103))),
  F('GSSEncRequest', P.STARTUP, new pg.GSSEncRequest(), packet(i32(80877104))),
  F(
    'CancelRequest 3.0',
    P.STARTUP,
    new pg.CancelRequest({ processId: 4242, secretKey: Uint8Array.of(1, 2, 3, 4) }),
    packet(
      i32(80877102), //     cancel request code
      i32(4242), //         process ID
      [1, 2, 3, 4], //      secret key (4 bytes in 3.0)
    ),
  ),
  F(
    'CancelRequest 3.2 (32-byte key)',
    P.STARTUP,
    new pg.CancelRequest({ processId: 7, secretKey: key32 }),
    packet(i32(80877102), i32(7), key32),
  ),
  B('SSLResponse S', new pg.SSLResponse({ accepted: true }), Uint8Array.of(0x53), P.SSL_NEGOTIATION),
  B('SSLResponse N', new pg.SSLResponse({ accepted: false }), Uint8Array.of(0x4e), P.SSL_NEGOTIATION),
  B('GSSResponse G', new pg.GSSResponse({ accepted: true }), Uint8Array.of(0x47), P.GSS_NEGOTIATION),
  B('GSSResponse N', new pg.GSSResponse({ accepted: false }), Uint8Array.of(0x4e), P.GSS_NEGOTIATION),

  // ---- authentication (backend 'R') ----
  B('AuthenticationOk', new pg.AuthenticationOk(), frame('R', i32(0)), P.AUTHENTICATING),
  B('AuthenticationKerberosV5', new pg.AuthenticationKerberosV5(), frame('R', i32(2)), P.AUTHENTICATING),
  B('AuthenticationCleartextPassword', new pg.AuthenticationCleartextPassword(), frame('R', i32(3)), P.AUTHENTICATING),
  B(
    'AuthenticationMD5Password',
    new pg.AuthenticationMD5Password({ salt: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) }),
    frame(
      'R',
      i32(5), //                  MD5
      [0xde, 0xad, 0xbe, 0xef], // salt
    ),
    P.AUTHENTICATING,
  ),
  B('AuthenticationGSS', new pg.AuthenticationGSS(), frame('R', i32(7)), P.AUTHENTICATING),
  B('AuthenticationGSSContinue', new pg.AuthenticationGSSContinue({ data: Uint8Array.of(9, 8, 7) }), frame('R', i32(8), [9, 8, 7]), P.AUTHENTICATING),
  B('AuthenticationSSPI', new pg.AuthenticationSSPI(), frame('R', i32(9)), P.AUTHENTICATING),
  B(
    'AuthenticationSASL',
    new pg.AuthenticationSASL({ mechanisms: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'] }),
    frame(
      'R',
      i32(10), //                 SASL
      str('SCRAM-SHA-256-PLUS'),
      str('SCRAM-SHA-256'),
      byte(0), //                 end of list
    ),
    P.AUTHENTICATING,
  ),
  B(
    'AuthenticationSASLContinue',
    new pg.AuthenticationSASLContinue({ data: 'r=abc,s=c2FsdA==,i=4096' }),
    frame('R', i32(11), raw('r=abc,s=c2FsdA==,i=4096')),
    P.AUTHENTICATING_SASL_CONTINUE,
  ),
  B('AuthenticationSASLFinal', new pg.AuthenticationSASLFinal({ data: 'v=c2ln' }), frame('R', i32(12), raw('v=c2ln')), P.AUTHENTICATING_SASL_CONTINUE),

  // ---- authentication (frontend 'p') ----
  F('PasswordMessage', P.AUTHENTICATING, new pg.PasswordMessage({ password: 'md5abc' }), frame('p', str('md5abc'))),
  F(
    'SASLInitialResponse',
    P.AUTHENTICATING_SASL_INITIAL,
    new pg.SASLInitialResponse({ mechanism: 'SCRAM-SHA-256', data: 'n,,n=,r=nonce' }),
    frame(
      'p',
      str('SCRAM-SHA-256'), //     mechanism
      i32(13), //                 length of client-first-message
      raw('n,,n=,r=nonce'),
    ),
  ),
  F(
    'SASLInitialResponse without data',
    P.AUTHENTICATING_SASL_INITIAL,
    new pg.SASLInitialResponse({ mechanism: 'X', data: null }),
    frame(
      'p',
      str('X'),
      i32(-1), //                 no initial response
    ),
  ),
  {
    ...F('GSSAuthResponse', P.AUTHENTICATING, new pg.GSSAuthResponse({ data: Uint8Array.of(0x60, 0x82, 0x01, 0x00) }), frame('p', [0x60, 0x82, 0x01, 0x00])),
    gss: true,
  },
  F('SASLResponse', P.AUTHENTICATING_SASL_CONTINUE, new pg.SASLResponse({ data: 'c=biws,r=x,p=y' }), frame('p', raw('c=biws,r=x,p=y'))),

  // ---- session ----
  B(
    'BackendKeyData 3.0',
    new pg.BackendKeyData({ processId: 1234, secretKey: Uint8Array.of(0, 0, 0, 1) }),
    frame(
      'K',
      i32(1234), //         process ID
      [0, 0, 0, 1], //      secret key
    ),
    P.INITIALIZATION,
  ),
  B('BackendKeyData 3.2 (32-byte key)', new pg.BackendKeyData({ processId: 99, secretKey: key32 }), frame('K', i32(99), key32), P.INITIALIZATION),
  B('ParameterStatus', new pg.ParameterStatus({ name: 'server_version', value: '15.0' }), frame('S', str('server_version'), str('15.0'))),
  B(
    'NegotiateProtocolVersion (as PostgreSQL 18 sends it: the whole newest version)',
    new pg.NegotiateProtocolVersion({ newestMinor: 2, unrecognized: ['_pq_.a', '_pq_.b'] }),
    frame(
      'v',
      i32((3 << 16) | 2), // newest version supported: 3.2
      i32(2), //             count of unrecognised options
      str('_pq_.a'),
      str('_pq_.b'),
    ),
    P.AUTHENTICATING,
  ),
  B(
    'NegotiateProtocolVersion (a bare minor, as some servers send it)',
    new pg.NegotiateProtocolVersion({ newestMinor: 0, rawNewestMinor: 0 }),
    frame(
      'v',
      i32(0), //             newest minor supported, alone
      i32(0), //             no unrecognised options
    ),
    P.AUTHENTICATING,
  ),
  B('ReadyForQuery I', new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE }), frame('Z', byte('I'))),
  B('ReadyForQuery T', new pg.ReadyForQuery({ status: pg.TransactionStatus.IN_TRANSACTION }), frame('Z', byte('T'))),
  B('ReadyForQuery E', new pg.ReadyForQuery({ status: pg.TransactionStatus.ERROR_TRANSACTION }), frame('Z', byte('E'))),
  B(
    'ErrorResponse with unknown field',
    new pg.ErrorResponse({
      fields: [
        ['S', 'ERROR'],
        ['V', 'ERROR'],
        ['C', '42601'],
        ['M', 'syntax error at or near "SELEC"'],
        ['P', '1'],
        ['Z', 'future field'],
        ['F', 'scan.l'],
        ['L', '1176'],
        ['R', 'scanner_yyerror'],
      ],
    }),
    frame(
      'E',
      byte('S'),
      str('ERROR'),
      byte('V'),
      str('ERROR'),
      byte('C'),
      str('42601'),
      byte('M'),
      str('syntax error at or near "SELEC"'),
      byte('P'),
      str('1'),
      byte('Z'), //         a code PostgreSQL may add later: kept
      str('future field'),
      byte('F'),
      str('scan.l'),
      byte('L'),
      str('1176'),
      byte('R'),
      str('scanner_yyerror'),
      byte(0), //           end of fields
    ),
  ),
  B(
    'NoticeResponse',
    new pg.NoticeResponse({ fields: { S: 'NOTICE', C: '00000', M: 'hello ünïcode' } }),
    frame('N', byte('S'), str('NOTICE'), byte('C'), str('00000'), byte('M'), str('hello ünïcode'), byte(0)),
  ),
  B(
    'NotificationResponse',
    new pg.NotificationResponse({ processId: 77, channel: 'jobs', payload: '{"id":1}' }),
    frame(
      'A',
      i32(77), //           notifying backend
      str('jobs'), //       channel
      str('{"id":1}'), //   payload
    ),
  ),
  F('Terminate', P.READY, new pg.Terminate(), frame('X')),

  // ---- simple query ----
  F('Query', P.READY, new pg.Query({ queryString: 'SELECT 1; SELECT 2' }), frame('Q', str('SELECT 1; SELECT 2'))),
  F('Query empty', P.READY, new pg.Query({ queryString: '' }), frame('Q', str(''))),
  B(
    'RowDescription',
    new pg.RowDescription({
      fields: [
        new pg.FieldDescription({ name: 'id', tableOid: 16384, columnAttr: 1, typeOid: 23, typeSize: 4, typeModifier: -1, formatCode: 0 }),
        new pg.FieldDescription({ name: 'name', tableOid: 0, columnAttr: 0, typeOid: 25, typeSize: -1, typeModifier: -1, formatCode: 1 }),
      ],
    }),
    frame(
      'T',
      i16(2), //           field count
      str('id'), //        name
      i32(16384), //       table OID
      i16(1), //           column attribute number
      i32(23), //          type OID (int4)
      i16(4), //           type size
      i32(-1), //          type modifier
      i16(0), //           format: text
      str('name'),
      i32(0),
      i16(0),
      i32(25), //          text
      i16(-1),
      i32(-1),
      i16(1), //           format: binary
    ),
  ),
  B('RowDescription no fields', new pg.RowDescription({ fields: [] }), frame('T', i16(0))),
  B(
    'DataRow',
    new pg.DataRow({ columns: [enc('1'), null, new Uint8Array(0), enc('ж')] }),
    frame(
      'D',
      i16(4), //           column count
      i32(1), //           length
      raw('1'),
      i32(-1), //          NULL
      i32(0), //           empty string
      i32(2),
      raw('ж'),
    ),
  ),
  B('DataRow no columns', new pg.DataRow({ columns: [] }), frame('D', i16(0))),
  B('CommandComplete', new pg.CommandComplete({ tag: 'INSERT 0 1' }), frame('C', str('INSERT 0 1'))),
  B('EmptyQueryResponse', new pg.EmptyQueryResponse(), frame('I')),

  // ---- extended query (frontend) ----
  F(
    'Parse',
    P.READY,
    new pg.Parse({ statement: 's1', query: 'SELECT $1::int, $2', paramTypes: [23, 0] }),
    frame(
      'P',
      str('s1'), //        statement name
      str('SELECT $1::int, $2'),
      i16(2), //           parameter type count
      i32(23), //          int4
      i32(0), //           unspecified
    ),
  ),
  F('Parse high OID', P.READY, new pg.Parse({ query: 'x', paramTypes: [0xfffffff0] }), frame('P', str(''), str('x'), i16(1), i32(0xfffffff0))),
  F(
    'Bind no formats',
    P.READY,
    new pg.Bind({ paramValues: [] }),
    frame(
      'B',
      str(''), //          unnamed portal
      str(''), //          unnamed statement
      i16(0), //           no parameter formats: all text
      i16(0), //           no parameters
      i16(0), //           no result formats: all text
    ),
  ),
  F(
    'Bind one format, NULL and binary',
    P.READY,
    new pg.Bind({ portal: 'p1', statement: 's1', paramFormats: [1], paramValues: [Uint8Array.of(0, 0, 0, 42), null], resultFormats: [1] }),
    frame(
      'B',
      str('p1'),
      str('s1'),
      i16(1), //           one format code...
      i16(1), //           ...binary, for every parameter
      i16(2), //           two parameters
      i32(4),
      [0, 0, 0, 42], //    int4 42 in binary
      i32(-1), //          NULL
      i16(1),
      i16(1), //           binary results
    ),
  ),
  F(
    'Bind N formats',
    P.READY,
    new pg.Bind({ paramFormats: [0, 1, 0], paramValues: ['a', Uint8Array.of(1), ''], resultFormats: [0, 1] }),
    frame('B', str(''), str(''), i16(3), i16(0), i16(1), i16(0), i16(3), i32(1), raw('a'), i32(1), [1], i32(0), i16(2), i16(0), i16(1)),
  ),
  F('Describe S', P.READY, new pg.Describe({ kind: 'S', name: 's1' }), frame('D', byte('S'), str('s1'))),
  F('Describe P', P.READY, new pg.Describe({ kind: 'P' }), frame('D', byte('P'), str(''))),
  F(
    'Execute',
    P.READY,
    new pg.Execute({ portal: 'c', maxRows: 10 }),
    frame(
      'E',
      str('c'), //         portal
      i32(10), //          row limit: PortalSuspended after 10
    ),
  ),
  F('Close S', P.READY, new pg.Close({ kind: 'S', name: 's1' }), frame('C', byte('S'), str('s1'))),
  F('Close P', P.READY, new pg.Close({ kind: 'P', name: '' }), frame('C', byte('P'), str(''))),
  F('Sync', P.READY, new pg.Sync(), frame('S')),
  F('Flush', P.READY, new pg.Flush(), frame('H')),

  // ---- extended query (backend) ----
  B('ParseComplete', new pg.ParseComplete(), frame('1')),
  B('BindComplete', new pg.BindComplete(), frame('2')),
  B('CloseComplete', new pg.CloseComplete(), frame('3')),
  B(
    'ParameterDescription',
    new pg.ParameterDescription({ typeOids: [23, 25] }),
    frame(
      't',
      i16(2), //           parameter count
      i32(23),
      i32(25),
    ),
  ),
  B('NoData', new pg.NoData(), frame('n')),
  B('PortalSuspended', new pg.PortalSuspended(), frame('s')),

  // ---- COPY ----
  F('CopyData (frontend)', P.COPY_IN, new pg.CopyData({ data: '1\tone\n' }), frame('d', raw('1\tone\n'))),
  B('CopyData (backend)', new pg.CopyData({ data: Uint8Array.of(0, 1, 2) }), frame('d', [0, 1, 2]), P.COPY_OUT),
  F('CopyDone (frontend)', P.COPY_IN, new pg.CopyDone(), frame('c')),
  B('CopyDone (backend)', new pg.CopyDone(), frame('c'), P.COPY_OUT),
  F('CopyFail', P.COPY_IN, new pg.CopyFail({ errorMessage: 'client gave up' }), frame('f', str('client gave up'))),
  B(
    'CopyInResponse',
    new pg.CopyInResponse({ overallFormat: 0, colFormats: [0, 0] }),
    frame(
      'G',
      byte(0), //          overall format: text
      i16(2), //           columns
      i16(0),
      i16(0),
    ),
  ),
  B('CopyOutResponse binary', new pg.CopyOutResponse({ overallFormat: 1, colFormats: [1, 1, 1] }), frame('H', byte(1), i16(3), i16(1), i16(1), i16(1))),
  B('CopyBothResponse', new pg.CopyBothResponse({ overallFormat: 0, colFormats: [] }), frame('W', byte(0), i16(0)), P.SIMPLE_QUERY),

  // ---- function call ----
  F(
    'FunctionCall',
    P.READY,
    new pg.FunctionCall({ functionOid: 957, argFormats: [1], arguments: [Uint8Array.of(0, 0, 0x0f, 0xa0), null], resultFormat: 1 }),
    frame(
      'F',
      i32(957), //         function OID (lo_creat)
      i16(1), //           one argument format...
      i16(1), //           ...binary
      i16(2), //           two arguments
      i32(4),
      [0, 0, 0x0f, 0xa0],
      i32(-1), //          NULL argument
      i16(1), //           result format: binary
    ),
  ),
  B('FunctionCallResponse', new pg.FunctionCallResponse({ result: Uint8Array.of(0, 0, 0x40, 0x01) }), frame('V', i32(4), [0, 0, 0x40, 0x01])),
  B('FunctionCallResponse NULL', new pg.FunctionCallResponse({ result: null }), frame('V', i32(-1))),
];

/** Decoder for a fixture's side, set to its phase. */
export function decoderFor(
  f: Pick<Fixture, 'side' | 'phase' | 'gss'>,
  opts: pg.DecoderOptions = {},
): pg.FrontendMessageDecoder | pg.BackendMessageDecoder {
  const d = f.side === 'frontend' ? new pg.FrontendMessageDecoder({ ...opts, gssAuthentication: f.gss === true }) : new pg.BackendMessageDecoder(opts);
  d.phase = f.phase;
  return d;
}

/** Every class a fixture covers, to check no message class is left without one. */
export const coveredTypes = new Set(fixtures.map((f) => f.message.type));
