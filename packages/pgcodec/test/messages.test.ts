import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import * as messages from '../src/messages/index.js';
import { coveredTypes, decoderFor, fixtures, type Fixture } from './support/fixtures.js';
import { frame, hex, raw } from './support/bytes.js';

/**
 * Feeds `chunks` and returns every message decoded, each re-encoded at once
 * (a DataRow views the decoder's buffer until the next feed), asserting
 * nothing is left buffered.
 */
function decodeAll(f: Fixture, chunks: Uint8Array[]): { msg: pg.PgMessage; wire: string }[] {
  const d = decoderFor(f);
  const out: { msg: pg.PgMessage; wire: string }[] = [];
  for (const c of chunks) {
    d.feed(c);
    for (const m of d) out.push({ msg: m, wire: hex(m.toWire()) });
  }
  expect(d.buffered).toBe(0);
  return out;
}

describe.each(fixtures)('$name', (f) => {
  it('encodes to the annotated bytes', () => {
    expect(hex(f.message.toWire())).toBe(hex(f.wire));
  });

  it('decodes every byte into an equal message that re-encodes identically', () => {
    const [first, ...rest] = decodeAll(f, [f.wire]);
    expect(rest).toHaveLength(0);
    const m = first!.msg;
    expect(m).toBeInstanceOf(f.message.constructor);
    expect(m.type).toBe(f.message.type);
    expect(m.direction === f.side || m.direction === 'both').toBe(true);
    expect(first!.wire).toBe(hex(f.wire));
  });

  it('decodes the same when split at every offset', () => {
    for (let i = 0; i <= f.wire.length; i++) {
      const ms = decodeAll(f, [f.wire.subarray(0, i), f.wire.subarray(i)]);
      expect(ms.map((m) => m.wire)).toEqual([hex(f.wire)]);
    }
  });

  it('decodes the same fed byte by byte', () => {
    const ms = decodeAll(f, Array.from(f.wire, (b) => Uint8Array.of(b)));
    expect(ms.map((m) => m.wire)).toEqual([hex(f.wire)]);
  });

  it('decodes three in a row from one chunk', () => {
    if (f.wire.length === 1) return; // single-byte answers come one at a time
    if (f.message.type === 'SSLRequest' || f.message.type === 'GSSEncRequest') return; // nothing may follow before the answer
    const three = new Uint8Array(f.wire.length * 3);
    for (let i = 0; i < 3; i++) three.set(f.wire, i * f.wire.length);
    expect(decodeAll(f, [three])).toHaveLength(3);
  });
});

describe('coverage of the message set', () => {
  it('has a fixture for every message class', () => {
    const classes = Object.entries(messages)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof pg.PgMessage && typeof v.prototype.type === 'string')
      .map(([, v]) => (v as { prototype: pg.PgMessage }).prototype.type);
    const missing = classes.filter((t) => !coveredTypes.has(t));
    expect(missing).toEqual([]);
    expect(classes.length).toBe(54); // the list, GSSAuthResponse included
  });

  it('GSSAuthResponse round-trips through its own decoder', () => {
    const wire = frame('p', [0x60, 0x82, 0x01]);
    const m = pg.GSSAuthResponse.decode(wire.subarray(5));
    expect([...m.data]).toEqual([0x60, 0x82, 0x01]);
    expect(hex(m.toWire())).toBe(hex(wire));
    expect(hex(new pg.GSSAuthResponse({ data: Uint8Array.of(0x60, 0x82, 0x01) }).toWire())).toBe(hex(wire));
  });

  it('Authentication.decode picks the class by its code', () => {
    const m = pg.Authentication.decode(Uint8Array.of(0, 0, 0, 5, 1, 2, 3, 4));
    expect(m).toBeInstanceOf(pg.AuthenticationMD5Password);
  });
});

describe('message API', () => {
  it('Query as in the quick start', () => {
    const q = new pg.Query({ queryString: 'SELECT 1' });
    expect(hex(q.toWire())).toBe(hex(frame('Q', raw('SELECT 1'), [0])));
    expect(q.type).toBe('Query');
    expect(q.typeCode).toBe('Q');
    expect(q.direction).toBe('frontend');
  });

  it('StartupMessage keeps parameter order and exposes params and version parts', () => {
    const s = new pg.StartupMessage({ params: { user: 'u', database: 'd', application_name: 'a' } });
    expect(s.params).toEqual({ user: 'u', database: 'd', application_name: 'a' });
    expect(s.entries.map(([k]) => k)).toEqual(['user', 'database', 'application_name']);
    expect([s.majorVersion, s.minorVersion]).toEqual([3, 0]);
    const m = new Map([['user', 'x']]);
    expect(new pg.StartupMessage({ params: m }).params).toEqual({ user: 'x' });
  });

  it('DataRow reads one value without building the columns array', () => {
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(new pg.DataRow({ columns: ['abc', null, 'ünï', ''] }).toWire());
    const row = d.read() as pg.DataRow;
    expect(row.columnCount).toBe(4);
    expect(row.isNull(1)).toBe(true);
    expect(row.isNull(0)).toBe(false);
    expect(row.text(0)).toBe('abc');
    expect(row.text(1)).toBeNull();
    expect(row.text(2)).toBe('ünï');
    expect(row.text(3)).toBe('');
    expect(row.bytes(1)).toBeNull();
    const v = row.bytes(0)!;
    expect(v.byteLength).toBe(3);
    // a view, not a copy: it shares the decoder's buffer
    expect(v.buffer.byteLength).toBeGreaterThan(3);
    expect(row.columns.map((c) => (c === null ? null : new TextDecoder().decode(c)))).toEqual(['abc', null, 'ünï', '']);
    expect(row.columns).toBe(row.columns);
    expect(() => row.bytes(99)).toThrow(RangeError);
  });

  it('DataRow built from values answers the same accessors', () => {
    const row = new pg.DataRow({ columns: ['x', null] });
    expect(row.columnCount).toBe(2);
    expect(row.isNull(1)).toBe(true);
    expect(row.text(0)).toBe('x');
    expect(row.text(1)).toBeNull();
  });

  it('ErrorResponse gives named access and keeps unknown fields in order', () => {
    const e = new pg.ErrorResponse({ fields: { S: 'ERROR', C: '22012', M: 'division by zero', D: 'd', H: 'h', Q: 'unknown' } });
    expect([e.severity, e.code, e.message, e.detail, e.hint, e.get('Q'), e.get('?')]).toEqual([
      'ERROR',
      '22012',
      'division by zero',
      'd',
      'h',
      'unknown',
      undefined,
    ]);
    const back = pg.ErrorResponse.decode(e.toWire().subarray(5));
    expect(back.fields).toEqual(e.fields);
    const n = new pg.NoticeResponse({ fields: [{ code: 'S', value: 'WARNING' }] });
    expect(n.severity).toBe('WARNING');
  });

  it('Bind applies the 0/1/N format rule without rewriting what was sent', () => {
    expect(new pg.Bind({ paramValues: ['a', 'b'] }).paramFormat(1)).toBe(0);
    expect(new pg.Bind({ paramFormats: [1], paramValues: ['a', 'b'] }).paramFormat(1)).toBe(1);
    const b = new pg.Bind({ paramFormats: [0, 1], paramValues: ['a', 'b'] });
    expect([b.paramFormat(0), b.paramFormat(1)]).toEqual([0, 1]);
    expect(b.paramFormats).toEqual([0, 1]);
  });

  it('text that is not valid UTF-8 still round-trips byte for byte', () => {
    // "café" in LATIN1: what a client with client_encoding=LATIN1 sends
    const wire = frame('Q', [0x63, 0x61, 0x66, 0xe9, 0x00]);
    const d = new pg.FrontendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(wire);
    const q = d.read() as pg.Query;
    expect(q.queryString).toBe('caf\uFFFD');
    expect(hex(q.toWire())).toBe(hex(wire));
    // and a BOM is kept, not stripped
    const bom = frame('Q', [0xef, 0xbb, 0xbf, 0x41, 0x00]);
    expect(hex(pg.Query.decode(bom.subarray(5)).toWire())).toBe(hex(bom));
  });

  it('bodyless messages decode to frozen shared instances but can be constructed', () => {
    const d = new pg.FrontendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(new pg.Sync().toWire());
    d.feed(new pg.Sync().toWire());
    const [a, b] = [...d];
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(new pg.Sync()).toBeInstanceOf(pg.Sync);
    expect(new pg.Sync()).not.toBeInstanceOf(pg.Flush);
  });

  it('protocolVersion builds version codes', () => {
    expect(pg.protocolVersion(3, 2)).toBe(pg.StartupRequestCode.V3_2);
  });
});

describe('DataRow display', () => {
  it('prints and serialises values, not the shared buffer', async () => {
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(new pg.DataRow({ columns: ['a', null] }).toWire());
    const row = d.read() as pg.DataRow;
    expect(JSON.parse(JSON.stringify(row))).toEqual({ type: 'DataRow', columns: ['a', null] });
    const { inspect } = await import('node:util');
    expect(inspect(row)).toBe("DataRow(2) ['a', NULL]");
  });
});
