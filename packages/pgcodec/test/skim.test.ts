/**
 * The frame path checks most payloads without decoding them: a message
 * class's `skim` must accept exactly the payloads its `read` accepts, or a
 * proxy would forward bytes the decoder refuses (or refuse bytes it takes).
 * Held to it here by properties over valid payloads and their mutations, and
 * on connections: skimmed frames are not decoded, a malformed one raises
 * the same typed error as the message path, a subclass is decoded.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as pg from '../src/index.js';
import * as messages from '../src/messages/index.js';
import { NEEDS_MESSAGE } from '../src/state-machine.js';
import { cat as concat } from './support/bytes.js';

const P = pg.ConnectionPhase;
type Skimming = pg.MessageClass & { skim(buf: Uint8Array, p: number, end: number): boolean; decode(payload: Uint8Array): pg.PgMessage };

/** Every message class that checks payloads without decoding them. */
const SKIMMING = (Object.values(messages) as unknown[]).filter((v): v is Skimming => typeof v === 'function' && Object.hasOwn(v, 'skim'));

const field = (name: string, typeOid = 23) => ({ name, tableOid: 16390, columnAttr: 3, typeOid, typeSize: 4, typeModifier: -1, formatCode: 0 });

/** Valid messages of each skimming class, to mutate. */
const SAMPLES: Record<string, pg.PgMessage[]> = {
  Query: [new pg.Query({ queryString: 'SELECT 1' }), new pg.Query({ queryString: '' })],
  Parse: [new pg.Parse({ statement: 'P0_1', query: 'SELECT $1, $2', paramTypes: [23, 25] }), new pg.Parse({ query: '' })],
  Bind: [
    new pg.Bind({ statement: 'P0_1', paramFormats: [0, 1], paramValues: ['12345', null, new Uint8Array([0, 1])], resultFormats: [1] }),
    new pg.Bind({}),
    new pg.Bind({ portal: 'c1', paramValues: [''] }),
  ],
  Describe: [new pg.Describe({ kind: 'P', name: '' }), new pg.Describe({ kind: 'S', name: 'P0_1' })],
  Close: [new pg.Close({ kind: 'S', name: 'P0_1' })],
  Execute: [new pg.Execute(), new pg.Execute({ portal: 'c1', maxRows: 100 })],
  ParameterDescription: [new pg.ParameterDescription({ typeOids: [23, 25] }), new pg.ParameterDescription({ typeOids: [] })],
  RowDescription: [new pg.RowDescription({ fields: [field('abalance'), { ...field('b', 17), formatCode: 1 }] }), new pg.RowDescription({ fields: [] })],
  DataRow: [new pg.DataRow({ columns: ['1234', null, ''] }), new pg.DataRow({ columns: [] })],
  CommandComplete: [new pg.CommandComplete({ tag: 'SELECT 1' })],
  ReadyForQuery: [new pg.ReadyForQuery({ status: 'I' }), new pg.ReadyForQuery({ status: 'E' })],
  ParameterStatus: [new pg.ParameterStatus({ name: 'client_encoding', value: 'UTF8' })],
  NotificationResponse: [new pg.NotificationResponse({ processId: 42, channel: 'ch', payload: 'hello' })],
  CopyData: [new pg.CopyData({ data: new Uint8Array([1, 2, 3]) })],
  CopyFail: [new pg.CopyFail({ errorMessage: 'stopped' })],
};
for (const cls of SKIMMING) if (!(cls.prototype.type in SAMPLES)) SAMPLES[cls.prototype.type] = [new (cls as unknown as new () => pg.PgMessage)()]; // bodyless

/** Does `read` take this payload? */
function reads(cls: Skimming, payload: Uint8Array): boolean {
  try {
    cls.decode(payload);
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(pg.ProtocolError);
    return false;
  }
}

/** skim over the payload placed inside a larger buffer (as in a window: bytes before and after it). */
function skims(cls: Skimming, payload: Uint8Array, fill: number): boolean {
  const buf = new Uint8Array(payload.length + 16).fill(fill);
  buf.set(payload, 7);
  return cls.skim(buf, 7, 7 + payload.length);
}

/** One edit to a payload: truncate, append, overwrite a byte, insert, or delete. */
const edit = fc.oneof(
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('add' as const), bytes: fc.uint8Array({ maxLength: 6 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.oneof(fc.constantFrom(0, 1, 2, 0xff, 0x53, 0x50, 0x49), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function apply(payload: Uint8Array, edits: Edit[]): Uint8Array {
  let b = Array.from(payload);
  for (const e of edits) {
    const at = b.length === 0 ? 0 : 'at' in e ? e.at % (b.length + 1) : 0;
    if (e.op === 'cut') b = b.slice(0, at);
    else if (e.op === 'add') b.push(...e.bytes);
    else if (e.op === 'set') {
      if (b.length > 0) b[at % b.length] = e.byte;
    } else if (e.op === 'insert') b.splice(at, 0, e.byte);
    else b.splice(at, 1);
  }
  return Uint8Array.from(b);
}

describe('skim: a payload check without decoding', () => {
  it('is given to the classes whose payloads the frame path forwards, and never to one whose payload the state machine reads', () => {
    const names = SKIMMING.map((c) => c.prototype.type).sort();
    expect(names).toEqual(
      [
        'Bind', 'BindComplete', 'Close', 'CloseComplete', 'CommandComplete', 'CopyData', 'CopyDone', 'CopyFail', 'DataRow', 'Describe', 'EmptyQueryResponse',
        'Execute', 'Flush', 'NoData', 'NotificationResponse', 'ParameterDescription', 'ParameterStatus', 'Parse', 'ParseComplete', 'PortalSuspended',
        'Query', 'ReadyForQuery', 'RowDescription', 'Sync', 'Terminate',
      ].sort(),
    );
    for (const n of NEEDS_MESSAGE) expect(names).not.toContain(n);
  });

  for (const cls of SKIMMING) {
    const name = cls.prototype.type;
    it(`${name}: accepts exactly what read() accepts, over its valid payloads and their mutations`, { timeout: 60_000 }, () => {
      const payloads = SAMPLES[name]!.map((m) => m.encode());
      for (const p of payloads) expect(skims(cls, p, 0)).toBe(true);
      fc.assert(
        fc.property(fc.constantFrom(...payloads), fc.array(edit, { minLength: 1, maxLength: 4 }), fc.constantFrom(0, 0xff), (base, edits, fill) => {
          const p = apply(base, edits);
          expect(skims(cls, p, fill)).toBe(reads(cls, p));
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('Bind, RowDescription and DataRow: counts and lengths near their bounds', { timeout: 60_000 }, () => {
    const i16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
    const i32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    const count = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(0x7fff, 0x8000, 0xffff));
    const len = fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constantFrom(-0x80000000, 0x7fffffff));
    const values = fc.tuple(count, fc.array(fc.tuple(len, fc.uint8Array({ maxLength: 6 })), { maxLength: 4 })).map(([n, vs]) => [...i16(n), ...vs.flatMap(([l, b]) => [...i32(l), ...b])]);
    const formats = fc.tuple(count, fc.array(fc.integer({ min: -1, max: 2 }), { maxLength: 4 })).map(([n, fs]) => [...i16(n), ...fs.flatMap((f) => i16(f))]);
    const bind = fc.tuple(formats, values, formats, fc.uint8Array({ maxLength: 2 })).map(([a, b, c, tail]) => Uint8Array.from([0x70, 0, 0x73, 0, ...a, ...b, ...c, ...tail]));
    const fieldBytes = fc.tuple(fc.uint8Array({ maxLength: 3 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: -1, max: 2 }), fc.boolean()).map(([n, fixed, f, nul]) => [...n.filter((x) => x !== 0), ...(nul ? [0] : []), ...fixed, ...i16(f)]);
    const rowDescription = fc.tuple(count, fc.array(fieldBytes, { maxLength: 3 })).map(([n, fs]) => Uint8Array.from([...i16(n), ...fs.flat()]));
    const dataRow = values.map((v) => Uint8Array.from(v));
    const agree = (cls: Skimming) => (p: Uint8Array) => {
      expect(skims(cls, p, 0xff)).toBe(reads(cls, p));
    };
    fc.assert(fc.property(bind, agree(pg.Bind as unknown as Skimming)), { numRuns: 3000 });
    fc.assert(fc.property(rowDescription, agree(pg.RowDescription as unknown as Skimming)), { numRuns: 3000 });
    fc.assert(fc.property(dataRow, agree(pg.DataRow as unknown as Skimming)), { numRuns: 3000 });
  });
});

describe('the frame path on connections', () => {
  afterEach(() => vi.restoreAllMocks());
  const wire = (...m: pg.PgMessage[]) => concat(...m.map((x) => x.toWire()));
  const transaction = {
    client: () => wire(new pg.Bind({ statement: 'P0_1', paramValues: ['12345'] }), new pg.Describe({ kind: 'P' }), new pg.Execute(), new pg.Sync()),
    server: () => wire(new pg.BindComplete(), new pg.RowDescription({ fields: [field('abalance')] }), new pg.DataRow({ columns: ['1234'] }), new pg.CommandComplete({ tag: 'SELECT 1' }), new pg.ReadyForQuery({ status: 'I' })),
  };

  it("forwards a prepared statement's round trip without decoding a message, both machines in step", () => {
    const toClient = new pg.BackendConnection({ initialPhase: P.READY });
    const toServer = new pg.FrontendConnection({ initialPhase: P.READY });
    const reads = SKIMMING.map((c) => vi.spyOn(c, 'read'));
    toClient.feed(transaction.client());
    const b = toClient.readFrames()!;
    toServer.sendFrames(b);
    expect(toServer.pendingRequests).toEqual(['Bind', 'DescribeP', 'Execute', 'Sync']);
    toServer.feed(transaction.server());
    for (let s; (s = toServer.readFrames()) !== null; ) toClient.sendFrames(s);
    expect(toClient.phase).toBe(P.READY);
    expect(toServer.phase).toBe(P.READY);
    for (const r of reads) expect(r).not.toHaveBeenCalled();
    // Asked for, a frame still decodes.
    expect(b.decode(0)).toBeInstanceOf(pg.Bind);
  });

  it('a read of thousands of frames: each checked once by the reader, remembered for the sender up to a bound, checked again past it', () => {
    const toClient = new pg.BackendConnection({ initialPhase: P.READY });
    const toServer = new pg.FrontendConnection({ initialPhase: P.READY });
    toServer.send(new pg.Query({ queryString: 'SELECT n' }));
    toClient.feed(wire(new pg.Query({ queryString: 'SELECT n' })));
    toClient.readFrames();
    const rows = Array.from({ length: 5000 }, (_, n) => new pg.DataRow({ columns: [String(n)] }));
    const result = wire(new pg.RowDescription({ fields: [field('n')] }), ...rows, new pg.CommandComplete({ tag: 'SELECT 5000' }), new pg.ReadyForQuery({ status: 'I' }));
    const skim = vi.spyOn(pg.DataRow as unknown as Skimming, 'skim');
    const read = vi.spyOn(pg.DataRow as unknown as Skimming, 'read');
    toServer.feed(result);
    const out: Uint8Array[] = [];
    for (let b; (b = toServer.readFrames()) !== null; ) out.push(toClient.sendFrames(b));
    expect(Buffer.concat(out).equals(Buffer.from(result))).toBe(true);
    expect([toServer.phase, toClient.phase]).toEqual([P.READY, P.READY]);
    expect(read).not.toHaveBeenCalled();
    // 5000 rows read, then sent: the first 4095 (after the RowDescription) remembered, the rest checked twice.
    expect(skim.mock.calls.length).toBe(5000 + (5000 - 4095));
  });

  it('a Describe of a statement awaits ParameterDescription: its kind is read from the frame', () => {
    const c = new pg.BackendConnection({ initialPhase: P.READY });
    c.feed(wire(new pg.Describe({ kind: 'S', name: 'P0_1' }), new pg.Sync()));
    c.readFrames();
    expect(c.pendingRequests).toEqual(['DescribeS', 'Sync']);
  });

  it('a malformed frame raises the same typed error, offset and type as on the message path', () => {
    const ok = wire(new pg.Bind({}));
    // Bind with a result format code of 7 (only 0 and 1 exist).
    const bad = new pg.Bind({ resultFormats: [1] }).toWire().slice();
    bad[bad.length - 1] = 7;
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as pg.ProtocolError;
      }
      throw new Error('no error');
    };
    const frames = new pg.BackendConnection({ initialPhase: P.READY });
    frames.feed(concat(ok, bad));
    expect(frames.readFrames()!.count).toBe(1);
    const viaFrames = caught(() => frames.readFrames());
    const viaMessages = caught(() => [...new pg.BackendConnection({ initialPhase: P.READY }).receive(concat(ok, bad))]);
    expect(viaFrames).toBeInstanceOf(pg.DecodingError);
    expect([viaFrames.constructor, viaFrames.code, viaFrames.offset, viaFrames.messageType]).toEqual([viaMessages.constructor, viaMessages.code, viaMessages.offset, viaMessages.messageType]);
  });

  it('a RowDescription forwarded undecoded still describes the row batches that follow', () => {
    const c = new pg.FrontendConnection({ initialPhase: P.READY });
    c.send(new pg.Query({ queryString: 'SELECT abalance' }));
    c.feed(wire(new pg.RowDescription({ fields: [field('abalance')] })));
    expect(c.readFrames()!.count).toBe(1);
    c.feed(wire(new pg.DataRow({ columns: ['7'] }), new pg.DataRow({ columns: ['8'] })));
    const rows = c.readRowBatch()!;
    expect(rows.rowCount).toBe(2);
    expect(rows.description?.fields.map((f) => f.name)).toEqual(['abalance']);
  });

  it('lenient connections record a frame out of phase as the message path does, reading and sending', () => {
    const row = () => wire(new pg.DataRow({ columns: ['1'] }));
    const frames = new pg.FrontendConnection({ initialPhase: P.READY, strict: false });
    frames.feed(row());
    const b = frames.readFrames()!;
    expect(b.count).toBe(1);
    const messages = new pg.FrontendConnection({ initialPhase: P.READY, strict: false });
    expect([...messages.receive(row())]).toHaveLength(1);
    expect(frames.violations.map((v) => v.message)).toEqual(messages.violations.map((v) => v.message));
    expect(frames.violations).toHaveLength(1);
    // Sent on by a lenient server side that has no query either: recorded there too.
    const server = new pg.BackendConnection({ initialPhase: P.READY, strict: false });
    server.sendFrames(b);
    expect(server.violations.map((v) => v.messageType)).toEqual(['DataRow']);
  });

  it('a subclass registered for a type is decoded, not skimmed (it may read differently)', () => {
    class StrictSync extends pg.Sync {
      static override read(): never {
        throw new pg.DecodingError(pg.ErrorCode.INVALID_VALUE, 'this fork refuses Sync', { messageType: 'Sync' });
      }
    }
    const at = { typeCode: pg.FrontendCode.Sync, direction: 'frontend' } as const;
    pg.STANDARD_REGISTRY.register(StrictSync, at);
    try {
      const c = new pg.BackendConnection({ initialPhase: P.READY });
      c.feed(wire(new pg.Sync()));
      expect(() => c.readFrames()).toThrow('this fork refuses Sync');
    } finally {
      pg.STANDARD_REGISTRY.register(pg.Sync, at);
    }
  });
});
