/**
 * Where encodings live (wire/slab.ts): small messages are views of shared
 * slabs that nothing writes to again, large ones have their own buffer,
 * constant messages share one; a failed or nested encoding leaves every
 * other encoding intact.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import type { Writer } from '../src/wire/writer.js';
import { MAX_SLAB_ALLOCATION, SLAB_SIZE } from '../src/wire/slab.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A made-up message whose payload embeds another message's encoding, and whose size hint is far too small. */
class Envelope extends pg.FrontendMessage {
  declare readonly type: 'Envelope';
  constructor(readonly inner: pg.PgMessage, readonly padding: number) {
    super();
  }
  override sizeHint(): number {
    return 16;
  }
  writePayload(w: Writer): void {
    w.bytes(this.inner.toWire(), 'inner');
    w.bytes(new Uint8Array(this.padding).fill(0x2e), 'padding');
  }
}
pg.defineMessage(Envelope, 'Envelope', 0x7a, 'frontend');

describe('encodings', () => {
  it('stay intact, each its own range, through many slabs', () => {
    const kept: { msg: pg.PgMessage; bytes: Uint8Array; copy: string }[] = [];
    for (let i = 0; i < 3 * (SLAB_SIZE / 16); i++) {
      const msg = i % 3 === 0 ? new pg.Query({ queryString: `SELECT ${i}` }) : i % 3 === 1 ? new pg.Parse({ statement: `s${i}`, query: 'SELECT $1', paramTypes: [23] }) : new pg.Bind({ paramValues: [String(i), null] });
      const bytes = msg.toWire();
      kept.push({ msg, bytes, copy: hex(bytes) });
    }
    for (const k of kept) expect(hex(k.bytes)).toBe(k.copy);
    // Ranges do not overlap.
    const ranges = kept.map((k) => [k.bytes.buffer, k.bytes.byteOffset, k.bytes.byteOffset + k.bytes.length] as const);
    for (let i = 1; i < ranges.length; i++) {
      const [buf, start] = ranges[i]!;
      const [pbuf, , pend] = ranges[i - 1]!;
      if (buf === pbuf) expect(start).toBeGreaterThanOrEqual(pend);
    }
    // And they decode back.
    const d = new pg.FrontendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    d.feed(Buffer.concat(kept.map((k) => k.bytes)));
    expect([...d].map((m) => m.type)).toEqual(kept.map((k) => k.msg.type));
  });

  it('a refused encoding gives its slab room back and spoils nothing', () => {
    const before = new pg.Query({ queryString: 'SELECT 1' }).toWire();
    const copy = hex(before);
    expect(() => new pg.Query({ queryString: 'SELECT 1\0; DROP TABLE t' }).toWire()).toThrow(pg.EncodingError);
    expect(() => new pg.Bind({ paramFormats: [7], paramValues: ['x'] }).toWire()).toThrow(pg.EncodingError);
    const after = new pg.Query({ queryString: 'SELECT 2' }).toWire();
    expect(hex(before)).toBe(copy);
    expect(Buffer.from(after).toString('latin1')).toBe('Q\0\0\0\rSELECT 2\0');
  });

  it('an encoding inside another (nested writers), and a size hint far too small, come out right', () => {
    const inner = new pg.Query({ queryString: 'SELECT inner' });
    for (const padding of [0, 100, MAX_SLAB_ALLOCATION, 3 * SLAB_SIZE]) {
      const w = new Envelope(inner, padding).toWire();
      expect(w[0]).toBe(0x7a);
      expect(new DataView(w.buffer, w.byteOffset).getInt32(1)).toBe(4 + inner.toWire().length + padding);
      expect(hex(w.subarray(5, 5 + inner.toWire().length))).toBe(hex(inner.toWire()));
      expect(w.subarray(5 + inner.toWire().length).every((b) => b === 0x2e)).toBe(true);
    }
  });

  it('large messages get a buffer of their own, exactly their size', () => {
    const big = new pg.CopyData({ data: new Uint8Array(MAX_SLAB_ALLOCATION * 2).fill(1) }).toWire();
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(big.length);
  });

  it('messages whose bytes never vary share one buffer', () => {
    expect(new pg.Sync().toWire()).toBe(new pg.Sync().toWire());
    expect(hex(new pg.Sync().toWire())).toBe('5300000004');
    expect(new pg.Execute().toWire()).toBe(new pg.Execute({ portal: '', maxRows: 0 }).toWire());
    expect(hex(new pg.Execute().toWire())).toBe('45000000090000000000');
    expect(new pg.Execute({ maxRows: 10 }).toWire()).not.toBe(new pg.Execute().toWire());
    expect(hex(new pg.Execute({ portal: 'p', maxRows: 10 }).toWire())).toBe('450000000a70000000000a');
    // pygwire's encode() (the payload) is a copy.
    expect(new pg.Sync().encode()).toEqual(new Uint8Array(0));
  });

  it('string values become UTF-8 of their own: ASCII, non-ASCII, long', () => {
    for (const v of ['', 'abc', 'é✓😀', 'x'.repeat(MAX_SLAB_ALLOCATION + 1), 'y'.repeat(100)]) {
      const b = new pg.Bind({ paramValues: [v] });
      expect(Buffer.from(b.paramValues[0]!).toString('utf8')).toBe(v);
    }
  });
});

describe('values given as strings are encoded straight into the wire bytes', () => {
  it('DataRow: text() gives the string, bytes()/columns its UTF-8, the wire equals that of the bytes', () => {
    const vals = ['42', null, 'grâce ✓', '', 'x'.repeat(5000)];
    const row = new pg.DataRow({ columns: vals });
    expect(vals.map((_, i) => row.text(i))).toEqual(vals);
    expect(row.bytes(2)).toEqual(new TextEncoder().encode('grâce ✓'));
    expect(row.isNull(1)).toBe(true);
    const asBytes = new pg.DataRow({ columns: vals.map((v) => (v === null ? null : new TextEncoder().encode(v))) });
    expect(hex(row.toWire())).toBe(hex(asBytes.toWire()));
    expect(row.toJSON()).toEqual({ type: 'DataRow', columns: vals });
  });

  it('Bind: paramValues are bytes, in toJSON and toString too; the wire equals that of the bytes', () => {
    const b = new pg.Bind({ statement: 's', paramFormats: [0], paramValues: ['héllo', null, Uint8Array.of(1, 2)], resultFormats: [1] });
    expect(b.paramValues).toEqual([new TextEncoder().encode('héllo'), null, Uint8Array.of(1, 2)]);
    expect(b.paramValues).toBe(b.paramValues); // built once
    const bytes = new pg.Bind({ statement: 's', paramFormats: [0], paramValues: b.paramValues, resultFormats: [1] });
    expect(hex(b.toWire())).toBe(hex(bytes.toWire()));
    expect(Object.keys(b.toJSON())).toEqual(['type', 'portal', 'statement', 'paramFormats', 'paramValues', 'resultFormats']);
    expect(b.toJSON().paramValues).toEqual([hex(new TextEncoder().encode('héllo')), null, '0102']);
    expect(String(b)).toContain('paramValues=');
    const back = pg.Bind.decode(b.toWire().subarray(5));
    expect(back.toJSON()).toEqual(b.toJSON());
  });

  it('a value without a UTF-8 form, or of the wrong type, is refused when the message is made', () => {
    expect(() => new pg.DataRow({ columns: ['a\uD800'] })).toThrow(pg.EncodingError);
    expect(() => new pg.Bind({ paramValues: ['\uDC00'] })).toThrow(pg.EncodingError);
    expect(() => new pg.Bind({ paramValues: [42 as unknown as string] })).toThrow(pg.EncodingError);
    expect(() => new pg.DataRow({ columns: 'abc' as unknown as string[] })).toThrow(pg.EncodingError);
  });
});
