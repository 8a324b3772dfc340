/**
 * State machines and connections can start mid-conversation, as pygwire's
 * can: a proxy or pooler attaching to a running connection says which phase
 * it joins, and the request that put the conversation there is implied.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { Pair, cc, rfq, row } from './support/pair.js';

const P = pg.ConnectionPhase;

describe.each([
  [P.SIMPLE_QUERY, ['Query']],
  [P.EXTENDED_QUERY, ['Attached', 'Sync']],
  [P.FUNCTION_CALL, ['FunctionCall']],
  [P.COPY_IN, ['Query']],
  [P.COPY_OUT, ['Query']],
  [P.COPY_BOTH, ['Query']],
] as const)('attached in %s', (phase, pending) => {
  it('both machines start there, with the request it implies pending', () => {
    const p = new Pair({ initialPhase: phase });
    expect([p.client.phase, p.server.phase]).toEqual([phase, phase]);
    expect(p.client.pendingRequests).toEqual(pending);
    expect(p.client.pendingSyncs).toBe(phase === P.EXTENDED_QUERY ? 1 : 0);
  });
});

describe('the conversation carries on to READY', () => {
  it('SIMPLE_QUERY: rows of a result already begun, then CommandComplete and ReadyForQuery', () => {
    const p = new Pair({ initialPhase: P.SIMPLE_QUERY });
    p.s(row('1'), row('2'), cc('SELECT 2'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('EXTENDED_QUERY: any answers to requests we did not see, up to the Sync; the client may pipeline more meanwhile', () => {
    const p = new Pair({ initialPhase: P.EXTENDED_QUERY });
    p.s(new pg.BindComplete(), row('x'), cc('SELECT 1'));
    p.c(new pg.Parse({ query: 'SELECT 2' }), new pg.Sync());
    expect(p.client.pendingSyncs).toBe(2);
    p.s(rfq());
    expect(p.phase).toBe(P.EXTENDED_QUERY);
    p.s(new pg.ParseComplete(), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('EXTENDED_QUERY: an error skips to the Sync', () => {
    const p = new Pair({ initialPhase: P.EXTENDED_QUERY });
    p.s(new pg.ErrorResponse({ fields: { S: 'ERROR', C: '42601', M: 'boom' } }), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('FUNCTION_CALL: the result, then ReadyForQuery', () => {
    const p = new Pair({ initialPhase: P.FUNCTION_CALL });
    p.s(new pg.FunctionCallResponse({ result: null }), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('COPY_IN: the client’s data and CopyDone, then the server completes', () => {
    const p = new Pair({ initialPhase: P.COPY_IN });
    p.c(new pg.CopyData({ data: '1\n' }), new pg.CopyDone());
    p.s(cc('COPY 1'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('COPY_OUT: the server’s data and CopyDone', () => {
    const p = new Pair({ initialPhase: P.COPY_OUT });
    p.s(new pg.CopyData({ data: '1\n' }), new pg.CopyDone(), cc('COPY 1'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('COPY_BOTH: both directions end', () => {
    const p = new Pair({ initialPhase: P.COPY_BOTH });
    p.s(new pg.CopyData({ data: 'w' }));
    p.c(new pg.CopyData({ data: 'r' }), new pg.CopyDone());
    p.s(new pg.CopyDone(), cc('START_REPLICATION'), rfq());
    expect(p.phase).toBe(P.READY);
  });

  it('the decoder frames as the phase says: a proxy attached in COPY_IN reads CopyData', () => {
    const server = new pg.BackendConnection({ initialPhase: P.COPY_IN });
    expect([...server.receive(new pg.CopyData({ data: 'abc' }).toWire())].map((m) => m.type)).toEqual(['CopyData']);
  });
});
