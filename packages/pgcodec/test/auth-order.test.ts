/**
 * Authentication order: SASL runs in turn and, for SCRAM, AuthenticationOk
 * only follows the server's proof (AuthenticationSASLFinal); a client that
 * answered a password request is never asked again (a downgrade, e.g.
 * cleartext after MD5). Both state machines hold both rules: the client
 * refuses such a server, the server refuses to act like one.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';

const P = pg.ConnectionPhase;
const startup = new pg.StartupMessage({ params: { user: 'u' } });
const sasl = (...mechanisms: string[]) => new pg.AuthenticationSASL({ mechanisms: mechanisms.length ? mechanisms : ['SCRAM-SHA-256'] });
const initial = (mechanism = 'SCRAM-SHA-256') => new pg.SASLInitialResponse({ mechanism, data: 'n,,n=,r=abc' });
const cont = new pg.AuthenticationSASLContinue({ data: 'r=abcdef,s=c2FsdA==,i=4096' });
const response = new pg.SASLResponse({ data: 'c=biws,r=abcdef,p=cHJvb2Y=' });
const final = new pg.AuthenticationSASLFinal({ data: 'v=c2lnbmF0dXJl' });
const ok = new pg.AuthenticationOk();

/** A client after startup, with the given exchange applied: [who, message] steps. */
function client(steps: ['c' | 's', pg.PgMessage][]): pg.FrontendStateMachine {
  const sm = new pg.FrontendStateMachine();
  sm.send(startup);
  for (const [who, m] of steps) (who === 'c' ? sm.send : sm.receive).call(sm, m);
  return sm;
}

/** The same exchange checked by a server's machine (what it may send, what it may receive). */
function server(steps: ['c' | 's', pg.PgMessage][]): pg.BackendStateMachine {
  const sm = new pg.BackendStateMachine();
  sm.receive(startup);
  for (const [who, m] of steps) (who === 'c' ? sm.receive : sm.send).call(sm, m);
  return sm;
}

/** Both machines refuse the last step, the client with origin 'peer' for a server message. */
function refusedByBoth(steps: ['c' | 's', pg.PgMessage][], why: RegExp): void {
  const last = steps.at(-1)![0];
  for (const [machine, origin] of [
    [() => client(steps), last === 's' ? 'peer' : 'local'],
    [() => server(steps), last === 's' ? 'local' : 'peer'],
  ] as const) {
    let err: unknown;
    try {
      machine();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(pg.StateMachineError);
    expect((err as pg.StateMachineError).origin).toBe(origin);
    expect((err as Error).message).toMatch(why);
  }
}

describe('SASL order', () => {
  it('the full SCRAM exchange is accepted', () => {
    const steps: ['c' | 's', pg.PgMessage][] = [['s', sasl()], ['c', initial()], ['s', cont], ['c', response], ['s', final], ['s', ok]];
    expect(client(steps).phase).toBe(P.INITIALIZATION);
    expect(server(steps).phase).toBe(P.INITIALIZATION);
  });

  it('AuthenticationOk without AuthenticationSASLFinal is refused for SCRAM (the server never proved it knew the password)', () => {
    refusedByBoth([['s', sasl()], ['c', initial()], ['s', cont], ['c', response], ['s', ok]], /needs AuthenticationSASLFinal/);
    refusedByBoth([['s', sasl()], ['c', initial()], ['s', ok]], /needs AuthenticationSASLFinal/);
    refusedByBoth([['s', sasl('SCRAM-SHA-256-PLUS')], ['c', initial('SCRAM-SHA-256-PLUS')], ['s', cont], ['c', response], ['s', ok]], /SASLFinal/);
  });

  it('a mechanism that succeeds without data (OAUTHBEARER, auth-sasl.c) may go straight to AuthenticationOk', () => {
    const steps: ['c' | 's', pg.PgMessage][] = [['s', sasl('OAUTHBEARER')], ['c', initial('OAUTHBEARER')], ['s', ok]];
    expect(client(steps).phase).toBe(P.INITIALIZATION);
    // ...but not before the client spoke
    refusedByBoth([['s', sasl('OAUTHBEARER')], ['c', initial('OAUTHBEARER')], ['s', cont], ['s', ok]], /has not answered/);
  });

  it('a second SASLFinal, or a SASLContinue after SASLFinal, is refused', () => {
    refusedByBoth([['s', sasl()], ['c', initial()], ['s', cont], ['c', response], ['s', final], ['s', final]], /only AuthenticationOk/);
    refusedByBoth([['s', sasl()], ['c', initial()], ['s', cont], ['c', response], ['s', final], ['s', cont]], /only AuthenticationOk/);
    refusedByBoth([['s', sasl()], ['c', initial()], ['s', cont], ['c', response], ['s', final], ['c', response]], /already sent AuthenticationSASLFinal/);
  });

  it('a SASLContinue before SASLInitialResponse is refused', () => {
    refusedByBoth([['s', sasl()], ['s', cont]], /expected NoticeResponse or ErrorResponse/);
    refusedByBoth([['s', sasl()], ['s', final]], /expected/);
  });

  it('turns alternate: no two SASLContinue or two SASLResponse in a row', () => {
    refusedByBoth([['s', sasl()], ['c', initial()], ['s', cont], ['s', cont]], /has not answered/);
    refusedByBoth([['s', sasl()], ['c', initial()], ['s', cont], ['c', response], ['c', response]], /has not answered/);
  });

  it('the client must pick a mechanism the server offered', () => {
    refusedByBoth([['s', sasl('SCRAM-SHA-256')], ['c', initial('SCRAM-SHA-256-PLUS')]], /was not offered/);
  });
});

describe('no downgrade after a password answer', () => {
  const md5 = new pg.AuthenticationMD5Password({ salt: Uint8Array.of(1, 2, 3, 4) });
  const clear = new pg.AuthenticationCleartextPassword();
  const pw = new pg.PasswordMessage({ password: 'md5abc' });

  it('MD5 answered, then AuthenticationOk: accepted', () => {
    expect(client([['s', md5], ['c', pw], ['s', ok]]).phase).toBe(P.INITIALIZATION);
  });

  it('cleartext after an MD5 answer is refused', () => {
    refusedByBoth([['s', md5], ['c', pw], ['s', clear]], /downgrade/);
  });

  it('any new request after a password answer is refused: MD5 again, SASL, GSS', () => {
    refusedByBoth([['s', md5], ['c', pw], ['s', md5]], /downgrade/);
    refusedByBoth([['s', clear], ['c', pw], ['s', sasl()]], /downgrade/);
    refusedByBoth([['s', clear], ['c', pw], ['s', new pg.AuthenticationGSS()]], /downgrade/);
  });

  it('a request is answered once', () => {
    refusedByBoth([['s', md5], ['c', pw], ['c', pw]], /already answered/);
  });

  it('a second request before the first was answered is refused', () => {
    refusedByBoth([['s', md5], ['s', clear]], /has not been answered/);
  });

  it('GSSAPI rounds: tokens and AuthenticationGSSContinue alternate, other methods may not follow', () => {
    const gss = new pg.AuthenticationGSS();
    const more = new pg.AuthenticationGSSContinue({ data: Uint8Array.of(1) });
    const token = new pg.GSSAuthResponse({ data: Uint8Array.of(2) });
    expect(client([['s', gss], ['c', token], ['s', more], ['c', token], ['s', more], ['s', ok]]).phase).toBe(P.INITIALIZATION);
    refusedByBoth([['s', gss], ['c', token], ['s', clear]], /GSSAPI exchange/);
  });
});
