/**
 * The frame path in batches, as a proxy forwards a whole read: a
 * connection's readFrames() checks every frame as readFrame() does, ends a
 * batch where a frame changes the phase, gives back what was valid before a
 * bad frame, and the other connection's sendFrames() reuses each message the
 * reading side decoded.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { cat as concat } from './support/bytes.js';

const P = pg.ConnectionPhase;
const wire = (...m: pg.PgMessage[]) => concat(...m.map((x) => x.toWire()));

/** A client-facing BackendConnection and a server-facing FrontendConnection, both past startup. */
function pair() {
  return { toClient: new pg.BackendConnection({ initialPhase: P.READY }), toServer: new pg.FrontendConnection({ initialPhase: P.READY }) };
}

describe('readFrames() / sendFrames() on connections', () => {
  it("forwards a client's pipeline as one batch, the bytes as they came, both machines in step", () => {
    const { toClient, toServer } = pair();
    const sent = wire(new pg.Parse({ query: 'SELECT $1' }), new pg.Bind({ paramValues: ['1'] }), new pg.Execute(), new pg.Sync());
    toClient.feed(sent);
    const b = toClient.readFrames()!;
    expect(b.count).toBe(4);
    expect(Buffer.from(toServer.sendFrames(b)).equals(Buffer.from(sent))).toBe(true);
    expect(toClient.phase).toBe(P.EXTENDED_QUERY);
    expect(toServer.phase).toBe(P.EXTENDED_QUERY);
    expect(toServer.pendingRequests).toEqual(toClient.pendingRequests);
  });

  it('sendFrames() of a run of the batch: those frames checked and their bytes, so a proxy can send a rewritten message between two runs', () => {
    const { toClient, toServer } = pair();
    const parse = new pg.Parse({ query: 'SELECT 1' });
    const bind = new pg.Bind({});
    const execute = new pg.Execute();
    const sync = new pg.Sync();
    toClient.feed(wire(parse, bind, execute, sync));
    const b = toClient.readFrames()!;
    const out = [toServer.sendFrames(b, 0, 1), toServer.send(new pg.Bind({ paramValues: [] })), toServer.sendFrames(b, 2, 4)];
    expect(Buffer.from(concat(...out)).equals(Buffer.from(wire(parse, new pg.Bind({ paramValues: [] }), execute, sync)))).toBe(true);
    expect(toServer.pendingRequests).toEqual(toClient.pendingRequests);
    expect(() => b.spanBytes(2, 2)).toThrow(RangeError);
    expect(() => b.spanBytes(0, 5)).toThrow(RangeError);
  });

  it('decodes each frame once: the message the reader checked is the one the sender checks', () => {
    const { toClient } = pair();
    toClient.feed(wire(new pg.Query({ queryString: 'SELECT 1' })));
    const b = toClient.readFrames()!;
    expect(b.decode(0)).toBe(b.decode(0));
    expect(b.decode(0)).toBeInstanceOf(pg.Query);
    const c = new pg.BackendConnection({ initialPhase: P.READY });
    c.feed(wire(new pg.Sync()));
    const f = c.readFrame()!;
    expect(f.decode()).toBe(f.decode());
  });

  it('frames after a phase change are judged in the new phase; a ReadyForQuery is followed by what READY allows', () => {
    const { toClient, toServer } = pair();
    toServer.send(new pg.Query({ queryString: 'COPY t FROM STDIN' }));
    toServer.feed(wire(new pg.CopyInResponse({ overallFormat: 0, colFormats: [0] })));
    expect(toServer.readFrames()!.count).toBe(1);
    expect(toServer.phase).toBe(P.COPY_IN);
    // The server's view: a client's Query, then (after the phase turned) a COPY's data in the same read.
    toClient.feed(wire(new pg.Query({ queryString: 'COPY t FROM STDIN' })));
    toClient.readFrames();
    toClient.send(new pg.CopyInResponse({ overallFormat: 0, colFormats: [0] }));
    // CopyDone moves the phase on mid-batch (the server's CommandComplete is awaited); the Query pipelined after it still belongs to the batch.
    toClient.feed(wire(new pg.CopyData({ data: new Uint8Array([1, 2]) }), new pg.CopyDone(), new pg.Query({ queryString: 'SELECT 1' })));
    const b = toClient.readFrames()!;
    expect(b.count).toBe(3);
    expect(b.decode(2)).toBeInstanceOf(pg.Query);
    expect(toClient.phase).toBe(P.SIMPLE_QUERY);
    expect(toClient.pendingRequests).toEqual(['Query', 'Query']);

    const s = new pg.FrontendConnection({ initialPhase: P.READY });
    s.send(new pg.Query({ queryString: 'SELECT 1; SELECT 2' }));
    const rows = wire(new pg.RowDescription({ fields: [] }), new pg.DataRow({ columns: [] }), new pg.CommandComplete({ tag: 'SELECT 1' }));
    s.feed(concat(rows, wire(new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE })), wire(new pg.NoticeResponse({ fields: { S: 'NOTICE', C: '00000', M: 'late' } }))));
    const first = s.readFrames()!;
    expect(first.count).toBe(5); // a NoticeResponse may come at any time, READY included
    expect(s.phase).toBe(P.READY);
    expect(first.decode(4)).toBeInstanceOf(pg.NoticeResponse);
    expect(s.readFrames()).toBeNull();
  });

  it('a frame out of phase: the valid frames before it come back, the next call throws, nothing after it is lost in between', () => {
    const s = new pg.FrontendConnection({ initialPhase: P.READY });
    s.send(new pg.Query({ queryString: 'SELECT 1' }));
    s.feed(wire(new pg.CommandComplete({ tag: 'SELECT 1' }), new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE })));
    s.feed(wire(new pg.BindComplete()));
    const b = s.readFrames()!;
    expect(b.count).toBe(2);
    expect(() => s.readFrames()).toThrow(pg.StateMachineError);
    expect(s.phase).toBe(P.FAILED);
  });

  it('a malformed frame after valid ones: they come back, then its ProtocolError with the offset', () => {
    const c = new pg.BackendConnection({ initialPhase: P.READY });
    const good = wire(new pg.Sync());
    // Execute with a portal name lacking its NUL: 'E', length 8, 'abcd'.
    const bad = new Uint8Array([0x45, 0, 0, 0, 8, 0x61, 0x62, 0x63, 0x64]);
    c.feed(concat(good, bad));
    expect(c.readFrames()!.count).toBe(1);
    let err: unknown;
    try {
      c.readFrames();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(pg.ProtocolError);
    expect((err as pg.ProtocolError).offset).toBeGreaterThanOrEqual(good.length);
    expect(c.phase).toBe(P.FAILED);
  });

  it("refit(): after a phase change, a batch ends before the first frame the new phase does not accept; the next pull raises it", () => {
    class PhaseOnly extends pg.BackendMessage {
      declare readonly type: 'PhaseOnly';
      writePayload(): void {}
      static read(): PhaseOnly {
        return new PhaseOnly();
      }
    }
    pg.defineMessage(PhaseOnly, 'PhaseOnly', 0x7c, 'backend');
    pg.STANDARD_REGISTRY.register(PhaseOnly, { typeCode: 0x7c, direction: 'backend', phases: [P.SIMPLE_QUERY] });
    const d = new pg.BackendMessageDecoder({ phase: P.SIMPLE_QUERY });
    const only = Uint8Array.of(0x7c, 0, 0, 0, 4);
    d.feed(concat(only, wire(new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE })), only));
    const b = d.readFrames()!;
    expect(b.count).toBe(3);
    const first = b.decode(0); // decoded in its phase, as a connection checks frames in order
    d.phase = P.READY; // as a connection does after the ReadyForQuery (frame 1)
    const kept = d.refit(b, 2);
    expect(kept.count).toBe(2);
    expect(kept.decode(0)).toBe(first); // what was decoded is kept
    expect(() => d.readFrames()).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNKNOWN_MESSAGE_TYPE, messageType: '|' }));
    // Nothing to cut when the new phase accepts the rest.
    const e = new pg.BackendMessageDecoder({ phase: P.SIMPLE_QUERY });
    e.feed(concat(only, wire(new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE }), new pg.NoticeResponse({ fields: { S: 'NOTICE', C: '00000', M: 'x' } }))));
    const c = e.readFrames()!;
    e.phase = P.READY;
    expect(e.refit(c, 2)).toBe(c);
  });

  it('keepFrames() takes only the last batch, before anything else is pulled', () => {
    const d = new pg.BackendMessageDecoder({ phase: P.READY });
    d.feed(wire(new pg.NoticeResponse({ fields: { S: 'NOTICE', C: '00000', M: 'a' } }), new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE })));
    const b = d.readFrames(1)!;
    expect(d.keepFrames(b, 1)).toBe(b); // all of it: nothing to give back
    expect(() => d.keepFrames(b, 2)).toThrow(RangeError);
    d.readFrames();
    expect(() => d.keepFrames(b, 1)).toThrow(expect.objectContaining({ code: pg.ErrorCode.INVALID_USE }));
  });
});
