/**
 * Quirks of real clients that a strict connection must accept, and errors
 * worded from the connection's own point of view.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { Pair } from './support/pair.js';

describe('pg_basebackup -X stream sends Terminate twice on one socket', () => {
  it('a strict BackendConnection accepts the second Terminate, in one chunk or two', () => {
    const term = new pg.Terminate().toWire();
    const p = Pair.ready();
    expect([...p.server.receive(Buffer.concat([term, term]))].map((m) => m.type)).toEqual(['Terminate', 'Terminate']);
    expect(p.server.phase).toBe(pg.ConnectionPhase.TERMINATED);
    expect([...p.server.receive(term)].map((m) => m.type)).toEqual(['Terminate']);
    expect(p.server.error).toBeNull();
  });

  it('a client may send it twice too; anything else after Terminate is still refused', () => {
    const p = Pair.ready();
    p.client.send(new pg.Terminate());
    p.client.send(new pg.Terminate());
    expect(() => p.client.send(new pg.Query({ queryString: 'SELECT 1' }))).toThrow(
      'FrontendConnection cannot send Query in phase TERMINATED; expected Terminate',
    );
  });
});

describe('errors name the connection and the peer', () => {
  it('"BackendConnection received X from the client in phase P"', () => {
    const p = Pair.ready();
    p.server.receive(new pg.Terminate().toWire());
    let e: unknown;
    try {
      [...p.server.receive(new pg.Sync().toWire())];
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(pg.StateMachineError);
    expect((e as Error).message).toMatch(/^BackendConnection received Sync from the client in phase TERMINATED; expected Terminate/);
    expect((e as pg.StateMachineError).origin).toBe('peer');
  });

  it('"FrontendConnection received X from the server in phase P"', () => {
    const c = new pg.FrontendConnection({ initialPhase: pg.ConnectionPhase.READY });
    expect(() => c.receive(new pg.ParseComplete().toWire())).toThrow(/^FrontendConnection received ParseComplete from the server in phase READY; expected/);
  });

  it('a bare state machine uses its class name', () => {
    const sm = new pg.BackendStateMachine();
    expect(() => sm.send(new pg.DataRow({ columns: [] }))).toThrow(/^BackendStateMachine cannot send DataRow in phase STARTUP/);
  });
});
