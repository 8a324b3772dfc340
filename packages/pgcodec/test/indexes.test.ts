/**
 * Out-of-range row, column and frame indexes behave one documented way
 * across DataRow, RowBatch and FrameBatch: a RangeError (never null, NaN, a
 * value of another row or "Invalid array length"). Non-integers likewise.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { cat } from './support/bytes.js';

const BAD = [-1, 2, 1.5, NaN, Infinity, '0' as unknown as number];
const rows = cat(...[['1', 'a'], ['2', null]].map((c) => new pg.DataRow({ columns: c }).toWire()));

function decoder(opts: pg.DecoderOptions = {}): pg.BackendMessageDecoder {
  const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY, ...opts });
  d.feed(rows);
  return d;
}

describe('indexes', () => {
  it('DataRow: built, decoded owned, decoded as a view', () => {
    const made = new pg.DataRow({ columns: ['1', null] });
    const owned = decoder().read() as pg.DataRow;
    const view = decoder({ views: true }).read() as pg.DataRow;
    for (const row of [made, owned, view]) {
      expect(row.text(0)).toBe('1');
      for (const i of BAD) {
        expect(() => row.isNull(i), String(i)).toThrow(RangeError);
        expect(() => row.bytes(i), String(i)).toThrow(RangeError);
        expect(() => row.text(i), String(i)).toThrow(RangeError);
      }
    }
  });

  it('RowBatch: rows and columns', () => {
    for (const owned of [false, true]) {
      const b = decoder({ owned }).readRowBatch()!;
      expect(b.rowCount).toBe(2);
      expect(b.isNull(1, 1)).toBe(true);
      for (const i of BAD) {
        expect(() => b.columnCount(i), String(i)).toThrow(RangeError);
        expect(() => b.row(i), String(i)).toThrow(RangeError);
        expect(() => b.isNull(i, 0), String(i)).toThrow(RangeError);
        expect(() => b.bytes(0, i), String(i)).toThrow(RangeError);
        expect(() => b.text(0, i), String(i)).toThrow(RangeError);
      }
      // Row 0's column 2 is not row 1's column 0.
      expect(() => b.bytes(0, 2)).toThrow(RangeError);
    }
  });

  it('FrameBatch: frames', () => {
    const b = decoder().readFrames()!;
    expect(b.count).toBe(2);
    for (const i of BAD) {
      expect(() => b.type(i), String(i)).toThrow(RangeError);
      expect(() => b.length(i), String(i)).toThrow(RangeError);
      expect(() => b.payload(i), String(i)).toThrow(RangeError);
      expect(() => b.bytes(i), String(i)).toThrow(RangeError);
      expect(() => b.decode(i), String(i)).toThrow(RangeError);
    }
  });
});
