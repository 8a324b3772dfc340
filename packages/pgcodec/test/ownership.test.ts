/**
 * What a user keeps stays valid: messages from read() and iteration own
 * their data, DataRows included, so collecting the rows of a result that
 * spans several feeds works (as it must on a real network). Views are the
 * opt-in fast path: frames, row batches, and DataRows with { views: true }.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { ENGINES, unforced } from './support/engines.js';

const P = pg.ConnectionPhase;

/** A result set of `n` rows, as a server sends it. */
function result(n: number): Uint8Array[] {
  const parts = [new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'i', typeOid: 23 }), new pg.FieldDescription({ name: 's', typeOid: 25 })] }).toWire()];
  for (let i = 0; i < n; i++) parts.push(new pg.DataRow({ columns: [String(i), i % 7 === 0 ? null : `row ${i} ✓`] }).toWire());
  parts.push(new pg.CommandComplete({ tag: `SELECT ${n}` }).toWire(), new pg.ReadyForQuery({ status: 'I' }).toWire());
  return parts;
}

/** The result's bytes cut into `size`-byte reads, as a socket delivers them. */
function reads(parts: Uint8Array[], size: number): Uint8Array[] {
  const all = Buffer.concat(parts);
  const out: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.subarray(i, i + size));
  return out;
}

describe.each(ENGINES)('%s engine', (engine) => {
  it('rows collected from a result spanning many feeds stay valid (message path, default options)', () => {
    const d = unforced(() => new pg.BackendMessageDecoder({ phase: P.READY, engine }));
    const kept: pg.DataRow[] = [];
    for (const chunk of reads(result(3000), 1000)) {
      d.feed(chunk);
      for (const m of d) if (m instanceof pg.DataRow) kept.push(m);
    }
    expect(kept).toHaveLength(3000);
    kept.forEach((r, i) => {
      expect(r.text(0)).toBe(String(i));
      expect(r.text(1)).toBe(i % 7 === 0 ? null : `row ${i} ✓`);
      expect(r.columns[0]).toEqual(new TextEncoder().encode(String(i)));
    });
  });

  it('a FrontendConnection gives owned rows too', () => {
    const c = unforced(() => new pg.FrontendConnection({ initialPhase: P.READY, engine }));
    c.send(new pg.Query({ queryString: 'SELECT' }));
    const kept: pg.DataRow[] = [];
    for (const chunk of reads(result(500), 333)) for (const m of c.receive(chunk)) if (m instanceof pg.DataRow) kept.push(m);
    expect(kept.map((r) => r.text(0))).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
  });

  it('{ views: true }: DataRows view the buffer and go stale at the next feed', () => {
    const d = unforced(() => new pg.BackendMessageDecoder({ phase: P.READY, engine, views: true }));
    d.feed(Buffer.concat(result(10)));
    const rows = [...d].filter((m): m is pg.DataRow => m instanceof pg.DataRow);
    expect(rows[3]!.text(0)).toBe('3');
    d.feed(new Uint8Array(0));
    expect(() => rows[3]!.text(0)).toThrow(pg.StaleViewError);
  });

  it('frames and row batches stay views unless owned', () => {
    const d = unforced(() => new pg.BackendMessageDecoder({ phase: P.READY, engine }));
    const parts = result(5);
    d.feed(Buffer.concat(parts));
    d.read(); // RowDescription
    const batch = d.readRowBatch()!;
    const frame = d.readFrame()!;
    d.feed(new Uint8Array(0));
    expect(() => batch.text(0, 0)).toThrow(pg.StaleViewError);
    expect(() => frame.bytes).toThrow(pg.StaleViewError);
    const o = unforced(() => new pg.BackendMessageDecoder({ phase: P.READY, engine, owned: true }));
    o.feed(Buffer.concat(parts));
    o.read();
    const ob = o.readRowBatch()!;
    const of = o.readFrame()!;
    o.feed(new Uint8Array(0));
    expect(ob.text(4, 1)).toBe('row 4 ✓');
    expect(of.typeCode).toBe('C');
  });

  it('owned frames of every size (on the heap, from a slab, of their own) keep their bytes and payload across feeds', () => {
    const sizes = [0, 59, 60, 61, 500, 4091, 4092, 4093, 20_000]; // payloads: frames of 5 + size bytes, around 64 and 4096
    const frames = sizes.map((n, k) => new pg.CopyData({ data: new Uint8Array(n).fill(0x41 + k) }).toWire());
    const o = unforced(() => new pg.BackendMessageDecoder({ phase: P.COPY_OUT, engine, owned: true }));
    const kept: pg.Frame[] = [];
    for (const f of frames) {
      o.feed(f);
      for (let fr = o.readFrame(); fr !== null; fr = o.readFrame()) kept.push(fr);
      o.feed(new Uint8Array(0));
    }
    // Later feeds reuse the window and the slabs: nothing kept may change.
    for (const f of frames) o.feed(f);
    for (let fr = o.readFrame(); fr !== null; fr = o.readFrame());
    expect(kept.map((f) => Buffer.from(f.bytes).equals(Buffer.from(frames[kept.indexOf(f)]!)))).toEqual(sizes.map(() => true));
    expect(kept.map((f) => f.payload.length)).toEqual(sizes);
    expect(kept.map((f) => (f.decode() as pg.CopyData).data.every((b, _, a) => b === a[0]))).toEqual(sizes.map(() => true));
  });

  it("owned rows of one read share that read's copy: one copy per chunk, not per row", () => {
    const d = unforced(() => new pg.BackendMessageDecoder({ phase: P.READY, engine }));
    d.feed(Buffer.concat(result(100)));
    const rows = [...d].filter((m): m is pg.DataRow => m instanceof pg.DataRow);
    const bufs = new Set(rows.map((r) => r.bytes(1)?.buffer ?? r.bytes(0)!.buffer));
    expect(bufs.size).toBe(1);
  });
});
