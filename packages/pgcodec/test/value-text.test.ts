/**
 * A value's text is the UTF-8 decoding of its bytes (U+FFFD for bytes that
 * are not UTF-8), whichever path produced the row: owned or view DataRows,
 * rows read after a row batch (a scan without ASCII flags), row batches'
 * text() and strings(), both engines, short and long values, ASCII or not.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { ENGINES, backend } from './support/engines.js';

const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Values that take each branch: empty, short/long ASCII, non-ASCII, invalid UTF-8, a BOM, NULL. */
function values(seed: number): (Uint8Array | null)[] {
  const enc = new TextEncoder();
  const long = 'x'.repeat(65 + (seed % 7));
  return [
    enc.encode(String(seed)),
    new Uint8Array(0),
    null,
    enc.encode(`short ${seed}`),
    enc.encode(long),
    enc.encode(`grâce ${seed} ✓ 😀`),
    enc.encode(`${long}é`),
    Uint8Array.of(0x61, 0xff, 0x62, 0xc3),
    Uint8Array.of(0xef, 0xbb, 0xbf, 0x41),
    enc.encode('exactly thirteen!'.slice(0, 13)),
  ];
}

function stream(rows: number): { bytes: Uint8Array; expected: (string | null)[][] } {
  const parts: Uint8Array[] = [];
  const expected: (string | null)[][] = [];
  for (let r = 0; r < rows; r++) {
    const v = values(r);
    parts.push(new pg.DataRow({ columns: v }).toWire());
    expected.push(v.map((b) => (b === null ? null : lenient.decode(b))));
  }
  parts.push(new pg.CommandComplete({ tag: `SELECT ${rows}` }).toWire());
  return { bytes: Buffer.concat(parts), expected };
}

function textsOf(row: pg.DataRow): (string | null)[] {
  const out: (string | null)[] = [];
  for (let i = 0; i < row.columnCount; i++) out.push(row.text(i));
  return out;
}

describe.each(ENGINES)('%s engine', (engine) => {
  const { bytes, expected } = stream(300);

  for (const views of [false, true]) {
    it(`DataRow.text over ${views ? 'views' : 'owned rows'}, fed in reads of several sizes`, () => {
      for (const size of [1, 7, 100, 4096, bytes.length]) {
        const d = backend(engine, { views });
        const got: (string | null)[][] = [];
        for (let i = 0; i < bytes.length; i += size) {
          d.feed(bytes.subarray(i, i + size));
          for (const m of d) if (m instanceof pg.DataRow) got.push(textsOf(m));
        }
        expect(got).toEqual(expected);
      }
    });
  }

  it('rows read after a row batch (a scan without flags) and row batch text()/strings() agree', () => {
    const d = backend(engine);
    d.feed(bytes);
    const batch = d.readRowBatch(5)!;
    const fromBatch: (string | null)[][] = [];
    for (let r = 0; r < batch.rowCount; r++) {
      const row: (string | null)[] = [];
      for (let c = 0; c < batch.columnCount(r); c++) row.push(batch.text(r, c));
      fromBatch.push(row);
    }
    expect(fromBatch).toEqual(expected.slice(0, 5));
    expect(batch.strings()).toEqual(expected.slice(0, 5));
    const rest: (string | null)[][] = [];
    for (const m of d) if (m instanceof pg.DataRow) rest.push(textsOf(m));
    expect(rest).toEqual(expected.slice(5));
  });

  it('rows kept across feeds keep their text; rows built from values and decoded alone agree', () => {
    const d = backend(engine);
    const kept: pg.DataRow[] = [];
    for (let i = 0; i < bytes.length; i += 333) {
      d.feed(bytes.subarray(i, i + 333));
      for (const m of d) if (m instanceof pg.DataRow) kept.push(m);
    }
    expect(kept.map(textsOf)).toEqual(expected);
    const built = new pg.DataRow({ columns: values(3) });
    expect(textsOf(built)).toEqual(expected[3]);
    expect(textsOf(pg.DataRow.decode(built.toWire().subarray(5)))).toEqual(expected[3]);
    expect(() => built.text(10)).toThrow(RangeError);
    expect(() => built.text(-1)).toThrow(RangeError);
  });

  it('values larger than the window (a heap buffer, no scan flags): ASCII, non-ASCII and invalid UTF-8', () => {
    const big = [
      'a'.repeat(300_000),
      `${'b'.repeat(299_999)}é`,
      null,
    ];
    const bad = new Uint8Array(300_001).fill(0x63);
    bad[150_000] = 0xff;
    const row = new pg.DataRow({ columns: [...big, bad] }).toWire();
    const want = [...big, lenient.decode(bad)];
    for (const path of ['read', 'views', 'batch'] as const) {
      const d = backend(engine, { views: path === 'views' });
      let got: (string | null)[] | null = null;
      for (let i = 0; i < row.length; i += 65536) {
        d.feed(row.subarray(i, i + 65536));
        if (path === 'batch') {
          const b = d.readRowBatch();
          if (b !== null) got = b.strings()[0]!;
        } else {
          const m = d.read();
          if (m !== null) got = textsOf(m as pg.DataRow);
        }
      }
      expect(got, path).toEqual(want);
    }
  });

  it('a view row goes stale at the next feed instead of reading over new bytes', () => {
    const d = backend(engine, { views: true });
    d.feed(bytes.subarray(0, 1000));
    const row = d.read() as pg.DataRow;
    expect(row.text(0)).toBe('0');
    d.feed(bytes.subarray(1000, 2000));
    expect(() => row.text(0)).toThrow(pg.StaleViewError);
  });
});
