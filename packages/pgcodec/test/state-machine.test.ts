import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { Pair, cc, err, rfq, row, rowDesc } from './support/pair.js';

const P = pg.ConnectionPhase;

describe('startup and authentication', () => {
  it('follows the quick start', () => {
    const sm = new pg.FrontendStateMachine();
    sm.send(new pg.StartupMessage({ params: { user: 'postgres', database: 'mydb' } }));
    expect(sm.phase).toBe(P.AUTHENTICATING);
    sm.receive(new pg.AuthenticationOk());
    expect(sm.phase).toBe(P.INITIALIZATION);
    sm.receive(new pg.ParameterStatus({ name: 'server_version', value: '15.0' }));
    sm.receive(new pg.BackendKeyData({ processId: 1234, secretKey: Uint8Array.of(0, 0, 0, 1) }));
    sm.receive(new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE }));
    expect(sm.phase).toBe(P.READY);
    expect(sm.isReady).toBe(true);
    sm.send(new pg.Query({ queryString: 'SELECT 1' }));
    expect(sm.phase).toBe(P.SIMPLE_QUERY);
  });

  it('SSLRequest answered N, then startup in the clear', () => {
    const p = new Pair().c(new pg.SSLRequest());
    expect(p.phase).toBe(P.SSL_NEGOTIATION);
    p.s(new pg.SSLResponse({ accepted: false }));
    expect(p.phase).toBe(P.STARTUP);
    p.c(new pg.StartupMessage({ params: { user: 'u' } }));
    expect(p.phase).toBe(P.AUTHENTICATING);
  });

  it('GSSENCRequest answered G: the startup follows inside the encrypted channel', () => {
    const p = new Pair().c(new pg.GSSEncRequest());
    expect(p.phase).toBe(P.GSS_NEGOTIATION);
    p.s(new pg.GSSResponse({ accepted: true }));
    expect(p.phase).toBe(P.STARTUP);
  });

  it('a server too old for SSLRequest answers with an error: FAILED', () => {
    const p = new Pair().c(new pg.SSLRequest()).s(err('FATAL'));
    expect(p.phase).toBe(P.FAILED);
  });

  it('MD5: the password answers the request; NegotiateProtocolVersion and notices may come first', () => {
    const p = new Pair()
      .c(new pg.StartupMessage({ protocolVersion: pg.StartupRequestCode.V3_2, params: { user: 'u', _pq_x: '1' } }))
      .s(new pg.NegotiateProtocolVersion({ newestMinor: 0, unrecognized: ['_pq_x'] }))
      .s(new pg.AuthenticationMD5Password({ salt: Uint8Array.of(1, 2, 3, 4) }))
      .c(new pg.PasswordMessage({ password: 'md5abc' }))
      .s(new pg.AuthenticationOk(), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('a password before the server asked for one is a violation', () => {
    const c = new pg.FrontendConnection();
    c.send(new pg.StartupMessage({ params: { user: 'u' } }));
    expect(() => c.send(new pg.PasswordMessage({ password: 'x' }))).toThrow(/asked for nothing yet, not a password/);
  });

  it('SASL: initial response, continue, final, ok', () => {
    const p = new Pair().c(new pg.StartupMessage({ params: { user: 'u' } })).s(new pg.AuthenticationSASL({ mechanisms: ['SCRAM-SHA-256'] }));
    expect(p.phase).toBe(P.AUTHENTICATING_SASL_INITIAL);
    p.c(new pg.SASLInitialResponse({ mechanism: 'SCRAM-SHA-256', data: 'n,,n=,r=abc' }));
    expect(p.phase).toBe(P.AUTHENTICATING_SASL_CONTINUE);
    p.s(new pg.AuthenticationSASLContinue({ data: 'r=abcdef,s=c2FsdA==,i=4096' }))
      .c(new pg.SASLResponse({ data: 'c=biws,r=abcdef,p=cHJvb2Y=' }))
      .s(new pg.AuthenticationSASLFinal({ data: 'v=c2ln' }), new pg.AuthenticationOk());
    expect(p.phase).toBe(P.INITIALIZATION);
  });

  it('a wrong password ends in FAILED', () => {
    const p = new Pair().c(new pg.StartupMessage({ params: { user: 'u' } })).s(new pg.AuthenticationCleartextPassword());
    p.c(new pg.PasswordMessage({ password: 'nope' })).s(err('FATAL', '28P01'));
    expect(p.phase).toBe(P.FAILED);
    expect(p.client.isActive).toBe(false);
    expect(p.client.error).toBeNull(); // failed by the server, not by a violation
  });

  it('GSS: the server decodes the client token as GSSAuthResponse once GSS was asked for', () => {
    const p = new Pair().c(new pg.StartupMessage({ params: { user: 'u' } })).s(new pg.AuthenticationGSS());
    p.c(new pg.GSSAuthResponse({ data: Uint8Array.of(0x60, 1, 2) }));
    p.s(new pg.AuthenticationGSSContinue({ data: Uint8Array.of(9) })).c(new pg.GSSAuthResponse({ data: Uint8Array.of(3) }));
    p.s(new pg.AuthenticationOk());
    expect(p.phase).toBe(P.INITIALIZATION);
  });

  it('CancelRequest ends its connection', () => {
    const p = new Pair().c(new pg.CancelRequest({ processId: 1, secretKey: Uint8Array.of(1, 2, 3, 4) }));
    expect(p.phase).toBe(P.TERMINATED);
    expect(p.client.isActive).toBe(false);
  });
});

describe('simple query', () => {
  it('several statements in one Query, with an error skipping the rest', () => {
    const p = Pair.ready().c(new pg.Query({ queryString: 'SELECT 1; SELECT 1/0; SELECT 3' }));
    expect(p.phase).toBe(P.SIMPLE_QUERY);
    p.s(rowDesc('a'), row('1'), cc('SELECT 1'), rowDesc('b'), err(), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('an empty query and notices, parameter changes and notifications in the middle', () => {
    const p = Pair.ready().c(new pg.Query({ queryString: '' }));
    p.s(new pg.NoticeResponse({ fields: { S: 'NOTICE', M: 'x' } }), new pg.EmptyQueryResponse());
    p.s(new pg.ParameterStatus({ name: 'TimeZone', value: 'UTC' }), new pg.NotificationResponse({ processId: 2, channel: 'c' }), rfq());
    expect(p.phase).toBe(P.READY);
    p.s(new pg.NotificationResponse({ processId: 2, channel: 'c', payload: 'idle' }));
    expect(p.phase).toBe(P.READY);
  });

  it('DataRow before RowDescription in a simple query is a violation, reported with the table hint', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    c.send(new pg.Query({ queryString: 'SELECT 1' }));
    expect(() => [...c.receive(row('1').toWire())]).toThrow(/DataRow before RowDescription/);
    expect(c.phase).toBe(P.FAILED);
  });

  it('hints list what the table allows', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    let e: pg.StateMachineError | undefined;
    try {
      [...c.receive(new pg.BindComplete().toWire())];
    } catch (x) {
      e = x as pg.StateMachineError;
    }
    expect(e).toBeInstanceOf(pg.StateMachineError);
    expect(e!.message).toContain('FrontendConnection received BindComplete from the server in phase READY; expected NoticeResponse, ParameterStatus, NotificationResponse or ErrorResponse');
    expect(e!.origin).toBe('peer');
    expect(e!.messageType).toBe('BindComplete');
  });

  it('a bad send is ours (origin local) and fails the machine; Terminate is still allowed', () => {
    const sm = new pg.FrontendStateMachine({ initialPhase: P.READY });
    let e: pg.StateMachineError | undefined;
    try {
      sm.send(new pg.SASLResponse({ data: 'x' }));
    } catch (x) {
      e = x as pg.StateMachineError;
    }
    expect(e?.origin).toBe('local');
    expect(sm.phase).toBe(P.FAILED);
    expect(sm.error).toBe(e);
    expect(() => sm.send(new pg.Query({ queryString: 'x' }))).toThrow(/failed earlier/);
    sm.send(new pg.Terminate());
    expect(sm.phase).toBe(P.FAILED);
  });

  it('a FATAL error while idle (admin shutdown) fails the connection', () => {
    const p = Pair.ready().s(err('FATAL', '57P01'));
    expect(p.phase).toBe(P.FAILED);
  });

  it('a non-fatal error with nothing asked is a violation', () => {
    const sm = new pg.FrontendStateMachine({ initialPhase: P.READY });
    expect(() => sm.receive(err())).toThrow(pg.StateMachineError);
  });

  it('Terminate ends the conversation', () => {
    const p = Pair.ready().c(new pg.Terminate());
    expect(p.phase).toBe(P.TERMINATED);
    expect(() => p.client.send(new pg.Query({ queryString: 'x' }))).toThrow(/cannot send Query in phase TERMINATED/);
  });
});

describe('extended query', () => {
  const parse = (q = 'SELECT $1') => new pg.Parse({ query: q });
  const bind = () => new pg.Bind({ paramValues: ['1'] });
  const exec = (maxRows = 0) => new pg.Execute({ maxRows });
  const sync = () => new pg.Sync();

  it('a pipeline with several Syncs outstanding', () => {
    const p = Pair.ready();
    p.c(parse(), bind(), new pg.Describe({ kind: 'P' }), exec(), sync());
    p.c(parse(), bind(), exec(), sync());
    p.c(new pg.Describe({ kind: 'S', name: '' }), sync());
    expect(p.phase).toBe(P.EXTENDED_QUERY);
    expect(p.client.pendingSyncs).toBe(3);
    p.s(new pg.ParseComplete(), new pg.BindComplete(), rowDesc('x'), row('1'), cc('SELECT 1'), rfq());
    expect(p.client.pendingSyncs).toBe(2);
    p.s(new pg.ParseComplete(), new pg.BindComplete(), row('1'), cc('SELECT 1'), rfq());
    p.s(new pg.ParameterDescription({ typeOids: [25] }), new pg.NoData(), rfq());
    expect(p.phase).toBe(P.READY);
    expect(p.client.pendingSyncs).toBe(0);
  });

  it('an error in the middle of a pipeline skips to its Sync; the next batch is answered normally', () => {
    const p = Pair.ready();
    p.c(parse('bad'), bind(), exec(), sync(), parse(), bind(), exec(), sync());
    p.s(err());
    // Bind and Execute of the first batch get no answers: only its ReadyForQuery may come
    expect(p.client.pendingSyncs).toBe(2);
    expect(() => new pg.FrontendStateMachine().receive(new pg.BindComplete())).toThrow();
    p.s(rfq());
    p.s(new pg.ParseComplete(), new pg.BindComplete(), row('1'), cc('SELECT 1'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('after an error, answers for the skipped requests are violations', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    for (const m of [parse('bad'), bind(), exec(), sync()]) c.send(m);
    [...c.receive(err().toWire())];
    expect(() => [...c.receive(new pg.BindComplete().toWire())]).toThrow(/expected ReadyForQuery \(answering Sync\)/);
  });

  it('an error before the client sent its Sync: what it sends until the Sync is discarded', () => {
    const p = Pair.ready();
    p.c(parse('bad'), new pg.Flush());
    p.s(err());
    expect(p.phase).toBe(P.EXTENDED_QUERY);
    p.c(bind(), exec(), new pg.Query({ queryString: 'discarded too' }), sync());
    expect(p.client.pendingRequests).toEqual(['Sync']);
    p.s(rfq('E'));
    expect(p.phase).toBe(P.READY);
  });

  it('row limits: PortalSuspended, then Execute again, Flush-driven, Sync at the end', () => {
    const p = Pair.ready();
    p.c(parse(), bind(), exec(2), new pg.Flush());
    p.s(new pg.ParseComplete(), new pg.BindComplete(), row('1'), row('2'), new pg.PortalSuspended());
    expect(p.phase).toBe(P.EXTENDED_QUERY); // the batch is open until Sync
    p.c(exec(2), new pg.Flush()).s(row('3'), cc('SELECT 3'));
    p.c(new pg.Close({ kind: 'P' }), sync()).s(new pg.CloseComplete(), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('answers out of order are violations naming what was expected', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    c.send(parse());
    c.send(bind());
    expect(() => [...c.receive(new pg.BindComplete().toWire())]).toThrow(/expected ParseComplete \(answering Parse\)/);
  });

  it('Describe of a statement wants ParameterDescription first', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    c.send(new pg.Describe({ kind: 'S' }));
    expect(() => [...c.receive(new pg.NoData().toWire())]).toThrow(/expected ParameterDescription/);
  });

  it('a simple Query pipelined after an extended batch', () => {
    const p = Pair.ready().c(parse(), bind(), exec(), sync(), new pg.Query({ queryString: 'SELECT 2' }));
    p.s(new pg.ParseComplete(), new pg.BindComplete(), row('1'), cc('SELECT 1'), rfq());
    expect(p.phase).toBe(P.SIMPLE_QUERY);
    p.s(rowDesc('x'), row('2'), cc('SELECT 1'), rfq());
    expect(p.phase).toBe(P.READY);
  });
});

describe('COPY', () => {
  it('COPY FROM STDIN: data, done, complete', () => {
    const p = Pair.ready().c(new pg.Query({ queryString: 'COPY t FROM STDIN' }));
    p.s(new pg.CopyInResponse({ overallFormat: 0, colFormats: [0] }));
    expect(p.phase).toBe(P.COPY_IN);
    p.c(new pg.CopyData({ data: '1\n' }), new pg.CopyDone());
    expect(p.phase).toBe(P.SIMPLE_QUERY);
    p.s(cc('COPY 1'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('CopyFail aborts a COPY FROM STDIN', () => {
    const p = Pair.ready().c(new pg.Query({ queryString: 'COPY t FROM STDIN' })).s(new pg.CopyInResponse());
    p.c(new pg.CopyData({ data: 'x' }), new pg.CopyFail({ errorMessage: 'gave up' })).s(err('ERROR', '57014'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('a server error during COPY IN ends it; data the client already sent is ignored, not a violation', () => {
    const p = Pair.ready().c(new pg.Query({ queryString: 'COPY t FROM STDIN' })).s(new pg.CopyInResponse());
    p.s(err('ERROR', '22P02'));
    expect(p.phase).toBe(P.SIMPLE_QUERY);
    p.c(new pg.CopyData({ data: 'late' }), new pg.CopyDone());
    p.s(rfq());
    p.c(new pg.CopyFail({ errorMessage: 'stray' }));
    expect(p.phase).toBe(P.READY);
  });

  it('COPY TO STDOUT in an extended query', () => {
    const p = Pair.ready().c(new pg.Parse({ query: 'COPY t TO STDOUT' }), new pg.Bind({}), new pg.Execute(), new pg.Sync());
    p.s(new pg.ParseComplete(), new pg.BindComplete(), new pg.CopyOutResponse({ overallFormat: 1, colFormats: [1] }));
    expect(p.phase).toBe(P.COPY_OUT);
    p.s(new pg.CopyData({ data: 'row' }), new pg.CopyDone());
    expect(p.phase).toBe(P.EXTENDED_QUERY);
    p.s(cc('COPY 1'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('the server may not send CopyData twice-ended or outside a copy', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    c.send(new pg.Query({ queryString: 'SELECT 1' }));
    expect(() => [...c.receive(new pg.CopyData({ data: 'x' }).toWire())]).toThrow(/no COPY is in progress/);
  });

  it.each(['client', 'server'] as const)('COPY_BOTH (replication) ended first by the %s', (first) => {
    const p = Pair.ready().c(new pg.Query({ queryString: 'START_REPLICATION SLOT s LOGICAL 0/0' }));
    p.s(new pg.CopyBothResponse({ overallFormat: 0, colFormats: [] }));
    expect(p.phase).toBe(P.COPY_BOTH);
    p.s(new pg.CopyData({ data: 'w' })).c(new pg.CopyData({ data: 'r' }));
    if (first === 'client') {
      p.c(new pg.CopyDone());
      expect(p.phase).toBe(P.COPY_BOTH);
      p.s(new pg.CopyData({ data: 'still streaming' }));
      expect(() => p.client.send(new pg.CopyData({ data: 'x' }))).toThrow(/already sent CopyDone/);
      return;
    }
    p.s(new pg.CopyDone());
    p.c(new pg.CopyData({ data: 'feedback' }), new pg.CopyDone());
    expect(p.phase).toBe(P.SIMPLE_QUERY);
    // the walsender's parting keepalive
    p.s(new pg.CopyData({ data: 'k' }), cc('COPY 0'), cc('START_REPLICATION'), rfq());
    expect(p.phase).toBe(P.READY);
  });
});

describe('function call', () => {
  it('FunctionCall, FunctionCallResponse, ReadyForQuery', () => {
    const p = Pair.ready().c(new pg.FunctionCall({ functionOid: 957, arguments: [] }));
    expect(p.phase).toBe(P.FUNCTION_CALL);
    p.s(new pg.FunctionCallResponse({ result: Uint8Array.of(0, 0, 0, 1) }), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('an error instead of the result', () => {
    const p = Pair.ready().c(new pg.FunctionCall({ functionOid: 1 })).s(err('ERROR', '42883'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('ReadyForQuery before the result is a violation', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    c.send(new pg.FunctionCall({ functionOid: 1 }));
    expect(() => [...c.receive(rfq().toWire())]).toThrow(/FunctionCallResponse first/);
  });
});

describe('server side', () => {
  it('a server sending a row nobody asked for breaks its own rules (origin local)', () => {
    const s = new pg.BackendConnection({ initialPhase: P.READY });
    let e: pg.StateMachineError | undefined;
    try {
      s.send(row('x'));
    } catch (x) {
      e = x as pg.StateMachineError;
    }
    expect(e?.origin).toBe('local');
    expect(e?.message).toContain('BackendConnection cannot send DataRow in phase READY');
  });
});

describe('connections', () => {
  it('non-strict mode reports violations and keeps going', () => {
    const seen: pg.StateMachineError[] = [];
    const c = new pg.FrontendConnection({ initialPhase: P.READY, strict: false, onViolation: (e) => seen.push(e) });
    const msgs = [...c.receive(new pg.BindComplete().toWire())];
    expect(msgs).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(c.violations).toHaveLength(1);
    expect(c.phase).toBe(P.READY);
    c.send(new pg.Query({ queryString: 'SELECT 1' }));
    expect(c.phase).toBe(P.SIMPLE_QUERY);
  });

  it('receive yields the good messages, then throws; the connection is FAILED', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    c.send(new pg.Query({ queryString: 'SELECT 1' }));
    const bytes = new Uint8Array([...rowDesc('a').toWire(), ...row('1').toWire(), 0x44, 0, 0, 0, 3]);
    const got: string[] = [];
    expect(() => {
      for (const m of c.receive(bytes)) got.push(m.type);
    }).toThrow(pg.FramingError);
    expect(got).toEqual(['RowDescription', 'DataRow']);
    expect(c.phase).toBe(P.FAILED);
    expect(c.isActive).toBe(false);
    expect(() => c.receive(new Uint8Array(0))).toThrow(pg.FramingError);
  });

  it('onSend and onReceive hooks see every message, as a transport subclass would', () => {
    class Recording extends pg.FrontendConnection {
      sent: Uint8Array[] = [];
      received: string[] = [];
      override onSend(b: Uint8Array): void {
        this.sent.push(b);
      }
      override onReceive(m: pg.BackendMessage): void {
        this.received.push(m.type);
      }
    }
    const c = new Recording();
    const bytes = c.send(new pg.StartupMessage({ params: { user: 'u' } }));
    expect(c.sent).toEqual([bytes]);
    c.receive(new Uint8Array([...new pg.AuthenticationOk().toWire(), ...rfq().toWire()]));
    expect(c.received).toEqual(['AuthenticationOk', 'ReadyForQuery']);
    expect(c.isReady).toBe(true);
  });

  it('phase changes between two messages of one chunk reframe the rest (SSL answer then an error)', () => {
    const c = new pg.FrontendConnection();
    c.send(new pg.SSLRequest());
    const got = [...c.receive(new Uint8Array([0x4e]))];
    expect(got[0]).toBeInstanceOf(pg.SSLResponse);
    c.send(new pg.StartupMessage({ params: { user: 'u' } }));
    const more = [...c.receive(new Uint8Array([...new pg.AuthenticationMD5Password({ salt: Uint8Array.of(1, 2, 3, 4) }).toWire()]))];
    expect(more[0]).toBeInstanceOf(pg.AuthenticationMD5Password);
  });
});
