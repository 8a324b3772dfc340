/**
 * Message registries (pygwire's STANDARD_REGISTRY and STARTUP_REGISTRY):
 * extensions and forks of the protocol register their own message classes
 * and the decoders read them, here with made-up types.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import type { Reader, Writer } from '../src/messages/index.js';

/** A made-up server message 'x': a server's progress report, Int32 percent | String note. */
class ServerProgress extends pg.BackendMessage {
  declare readonly type: 'ServerProgress';
  readonly percent: number;
  readonly note: string;
  constructor(opts: { percent: number; note: string }) {
    super();
    this.percent = opts.percent;
    this.note = opts.note;
  }
  writePayload(w: Writer): void {
    w.i32(this.percent, 'percent').cstring(this.note, 'note');
  }
  static read(r: Reader): ServerProgress {
    const percent = r.i32('percent');
    return new ServerProgress({ percent, note: r.cstring('note') });
  }
}
pg.defineMessage(ServerProgress, 'ServerProgress', 0x78, 'backend');

/** A made-up startup packet with its own request code (1234 << 16 | 9999): a "ping" before startup. */
class PingRequest extends pg.SpecialMessage {
  declare readonly type: 'PingRequest';
  writePayload(w: Writer): void {
    w.int32(PING);
  }
  static read(r: Reader): PingRequest {
    r.u32('request code');
    return new PingRequest();
  }
}
const PING = ((1234 << 16) | 9999) >>> 0;
pg.defineMessage(PingRequest, 'PingRequest', null, 'frontend');

/** A made-up frontend 'y' that means one thing in READY and another in COPY_IN. */
class Hint extends pg.FrontendMessage {
  declare readonly type: string;
  writePayload(): void {}
  static read(): Hint {
    return new Hint();
  }
}
class CopyHint extends Hint {
  static override read(): CopyHint {
    return new CopyHint();
  }
}
pg.defineMessage(Hint, 'Hint', 0x79, 'frontend');
pg.defineMessage(CopyHint, 'CopyHint', 0x79, 'frontend');

describe('registering new messages', () => {
  it('an unregistered type byte is an error, as before', () => {
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(new ServerProgress({ percent: 50, note: 'half' }).toWire());
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNKNOWN_MESSAGE_TYPE, messageType: 'x' }));
  });

  it('a registered standard message is decoded on every path, and round-trips', () => {
    pg.STANDARD_REGISTRY.register(ServerProgress, { typeCode: 'x', direction: 'backend' });
    expect(pg.STANDARD_REGISTRY.lookup(0x78, pg.ConnectionPhase.READY, 'backend')).toBe(ServerProgress);
    expect(pg.STANDARD_REGISTRY.lookup(0x78, pg.ConnectionPhase.READY, 'frontend')).toBeUndefined();
    const wire = new ServerProgress({ percent: 50, note: 'half way' }).toWire();
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(Buffer.concat([wire, new pg.ReadyForQuery({ status: 'I' }).toWire()]));
    const m = d.read();
    expect(m).toBeInstanceOf(ServerProgress);
    expect([(m as unknown as ServerProgress).percent, (m as unknown as ServerProgress).note]).toEqual([50, 'half way']);
    expect(m).toBeInstanceOf(pg.BackendMessage);
    expect(m!.toWire()).toEqual(wire);
    expect(d.read()).toBeInstanceOf(pg.ReadyForQuery);
    // frames, too
    d.feed(wire);
    expect(d.readFrame()!.decode()).toBeInstanceOf(ServerProgress);
  });

  it('readFrames() stops before a type unknown in the phase, and sees a registration made after the decoder was (its type table is per phase and registry generation)', () => {
    class Later extends pg.BackendMessage {
      declare readonly type: 'Later';
      writePayload(): void {}
      static read(): Later {
        return new Later();
      }
    }
    pg.defineMessage(Later, 'Later', 0x7b, 'backend');
    const later = Uint8Array.of(0x7b, 0, 0, 0, 4);
    const rfq = new pg.ReadyForQuery({ status: 'I' }).toWire();
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(Buffer.concat([rfq, later, rfq]));
    expect(d.readFrames()!.count).toBe(1);
    expect(() => d.readFrames()).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNKNOWN_MESSAGE_TYPE, messageType: '{' }));
    // A decoder that has made its type table already sees a registration made afterwards.
    const e = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    e.feed(rfq);
    expect(e.readFrames()!.count).toBe(1);
    pg.STANDARD_REGISTRY.register(Later, { typeCode: 0x7b, direction: 'backend' });
    e.feed(Buffer.concat([later, rfq]));
    const batch = e.readFrames()!;
    expect([batch.count, batch.type(0), batch.type(1)]).toEqual([2, 0x7b, 0x5a]);
  });

  it("DataRows on read()'s fast path follow a class registered for 'D' from the next feed on, and a phase change at once", () => {
    /** A made-up DataRow stand-in: the payload kept whole. */
    class RawRow extends pg.BackendMessage {
      declare readonly type: 'RawRow';
      constructor(readonly payload: Uint8Array) {
        super();
      }
      writePayload(w: Writer): void {
        w.bytes(this.payload, 'payload');
      }
      static read(r: Reader): RawRow {
        return new RawRow(r.bytes(r.remaining, 'payload'));
      }
    }
    pg.defineMessage(RawRow, 'RawRow', 0x44, 'backend');
    const row = new pg.DataRow({ columns: ['1', null] }).toWire();
    const rows = (n: number) => Buffer.concat(Array.from({ length: n }, () => row));
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.SIMPLE_QUERY });
    d.feed(rows(3));
    expect(d.read()).toBeInstanceOf(pg.DataRow);
    // Registered after these frames arrived: they stay DataRows (the registry's promise is for frames fed after).
    pg.STANDARD_REGISTRY.register(RawRow, { typeCode: 'D', direction: 'backend', phases: [pg.ConnectionPhase.EXTENDED_QUERY] });
    expect(d.read()).toBeInstanceOf(pg.DataRow);
    // A phase change applies to the very next message, mid-scan: here 'D' is now RawRow.
    d.phase = pg.ConnectionPhase.EXTENDED_QUERY;
    expect(d.read()).toBeInstanceOf(RawRow);
    d.feed(rows(2));
    expect(d.readRowBatch()).toBeNull(); // not DataRows here
    expect(d.read()).toBeInstanceOf(RawRow);
    d.phase = pg.ConnectionPhase.SIMPLE_QUERY;
    expect(d.read()).toBeInstanceOf(pg.DataRow);
    expect(d.read()).toBeNull();
  });

  it("read()'s DataRow fast path survives a round trip through another phase between two feeds", () => {
    const row = new pg.DataRow({ columns: ['1'] }).toWire();
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.SIMPLE_QUERY });
    d.feed(Buffer.concat([row, row]));
    expect(d.read()).toBeInstanceOf(pg.DataRow);
    // As a connection does after ReadyForQuery and the next Query: READY, then SIMPLE_QUERY again.
    d.phase = pg.ConnectionPhase.READY;
    d.phase = pg.ConnectionPhase.SIMPLE_QUERY;
    // White-box: the fast path's limit is back (phaseFacts' memo for SIMPLE_QUERY still holds and would not reset it).
    expect((d as unknown as { rowMax: number }).rowMax).toBeGreaterThan(0);
    expect(d.read()).toBeInstanceOf(pg.DataRow);
  });

  it('a registration for some phases only, beside one for the rest', () => {
    pg.STANDARD_REGISTRY.register(Hint, { typeCode: 0x79, direction: 'frontend' });
    pg.STANDARD_REGISTRY.register(CopyHint, { typeCode: 'y', direction: 'frontend', phases: [pg.ConnectionPhase.COPY_IN] });
    const wire = Uint8Array.of(0x79, 0, 0, 0, 4);
    const ready = new pg.FrontendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    ready.feed(wire);
    expect(ready.read()!.type).toBe('Hint');
    const copy = new pg.FrontendMessageDecoder({ phase: pg.ConnectionPhase.COPY_IN });
    copy.feed(wire);
    expect(copy.read()!.type).toBe('CopyHint');
  });

  it('a startup packet registered by request code', () => {
    pg.STARTUP_REGISTRY.register(PingRequest, PING);
    const d = new pg.FrontendMessageDecoder();
    d.feed(new PingRequest().toWire());
    expect(d.read()).toBeInstanceOf(PingRequest);
  });

  it('a registered limit applies to decoders made afterwards', () => {
    pg.STANDARD_REGISTRY.register(ServerProgress, { typeCode: 'x', direction: 'backend', maxLength: 100 });
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(new ServerProgress({ percent: 1, note: 'n'.repeat(200) }).toWire());
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.LENGTH_TOO_LARGE, messageType: 'x' }));
  });

  it('strict connections still refuse what their state machine does not know; non-strict ones report it and go on', () => {
    const strict = new pg.FrontendConnection({ initialPhase: pg.ConnectionPhase.READY, limits: { shortMessage: 1000 } });
    expect(() => strict.receive(new ServerProgress({ percent: 1, note: 'x' }).toWire())).toThrow(pg.StateMachineError);
    const lenient = new pg.FrontendConnection({ initialPhase: pg.ConnectionPhase.READY, strict: false });
    expect([...lenient.receive(new ServerProgress({ percent: 1, note: 'x' }).toWire())].map((m) => m.type)).toEqual(['ServerProgress']);
    expect(lenient.violations).toHaveLength(1);
  });

  it('bad registrations are TypeErrors', () => {
    expect(() => pg.STANDARD_REGISTRY.register(ServerProgress, { typeCode: 'xy', direction: 'backend' })).toThrow(TypeError);
    expect(() => pg.STANDARD_REGISTRY.register(ServerProgress, { typeCode: 0, direction: 'backend' })).toThrow(TypeError);
    expect(() => pg.STANDARD_REGISTRY.register(ServerProgress, { typeCode: 'x', direction: 'sideways' as 'backend' })).toThrow(TypeError);
    expect(() => pg.STANDARD_REGISTRY.register({} as pg.MessageClass, { typeCode: 'x', direction: 'backend' })).toThrow(TypeError);
  });
});

afterAll(() => {
  // The registries are process-wide: leave them as the other test files expect (nothing registered on 'x', 'y' or PING).
  const forget = pg.STANDARD_REGISTRY as unknown as { tables: Record<string, unknown[]> };
  delete forget.tables.backend![0x78];
  delete forget.tables.frontend![0x79];
  (pg.STARTUP_REGISTRY as unknown as { byCode: Map<number, unknown> }).byCode.delete(PING);
});
