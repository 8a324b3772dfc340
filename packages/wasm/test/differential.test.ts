/**
 * The WebAssembly scan against the reference (pgcodec's JsEngine), on both
 * builds, at every detail level: every status, every table entry, every flag.
 */
import { describe, expect, it } from 'vitest';
import { Status } from '../../pgcodec/src/engine/status.js';
import {
  BUILDS,
  ascii,
  bytes,
  cat,
  dataRow,
  diff,
  diffAll,
  frame,
  i32,
  int,
  makePair,
  prng,
  randomStream,
  u16,
} from './support.js';

const MAX = 1 << 30;

describe.each(BUILDS)('%s build', (build) => {
  const p = makePair(build);

  describe('well-formed DataRows', () => {
    it('NULLs, empty values, and ASCII values of 1..40 bytes', () => {
      for (let n = 1; n <= 40; n++) {
        const s = cat(dataRow([null, new Uint8Array(0), ascii(n), null]), dataRow([ascii(n)]), dataRow([]));
        const r = diffAll(p, s, n * 7);
        expect(r[2]).toMatchObject({ status: Status.OK, frameCount: 3, columnCount: 5, consumed: n * 7 + s.length });
        expect(r[0]!.columnCount).toBe(0);
        expect(Array.from(p.v.flags.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
      }
    });

    it('a byte ≥ 0x80 at every position of values around the 16-byte blocks', () => {
      const lengths = [1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 18, 31, 32, 33, 47, 48, 49, 63, 64, 65, 79, 80, 81, 95, 96, 97, 127, 128, 129, 200];
      for (const n of lengths) {
        for (let k = -1; k < n; k++) {
          for (const high of [0x80, 0xff]) {
            const v = ascii(n);
            if (k >= 0) v[k] = high;
            // A NULL (0xFFFFFFFF) and a high type byte right after the value: not part of it.
            const s = cat(dataRow([v, null]), frame(0xff, bytes(0xff, 0xff)));
            const r = diff(p, s, (n + k) & 63, MAX, 2);
            expect(r.status).toBe(Status.OK);
            expect(p.v.flags[0]).toBe(k >= 0 ? 1 : 0);
            expect(p.v.flags[1]).toBe(0);
          }
        }
      }
    });

    it('values of 1..8 KiB', () => {
      const rng = prng(8);
      for (let i = 0; i < 60; i++) {
        const n = i < 8 ? (i + 1) * 1024 : int(rng, 1024, 8192);
        const v = ascii(n, rng);
        const high = i % 3 === 0 ? int(rng, 0, n - 1) : -1;
        if (high >= 0) v[high] = 0x80 | int(rng, 0, 127);
        const s = cat(dataRow([v, ascii(int(rng, 0, 40)), null]), dataRow([ascii(n, rng)]));
        const r = diffAll(p, s, int(rng, 0, 1000));
        expect(r[2]!.status).toBe(Status.OK);
        expect(p.v.flags[0]).toBe(high >= 0 ? 1 : 0);
      }
    });

    it('non-DataRow frames, and DataRows at detail 0 (not parsed)', () => {
      const bad = frame('D', bytes(0xff, 0xff, 1, 2, 3));
      const s = cat(frame('T', bytes(0, 0)), frame('Z', bytes(0x49)), bad, frame('C', ascii(10)));
      const r = diffAll(p, s, 3);
      expect(r[0]).toMatchObject({ status: Status.OK, frameCount: 4, consumed: 3 + s.length });
      expect(r[1]).toMatchObject({ status: Status.ROW_COUNT_TRUNCATED, frameCount: 2, errorFrame: 3 + 7 + 6 });
    });

    it('the most values a window can hold (65535 NULLs a row)', () => {
      const row = dataRow(new Array(65535).fill(null));
      const s = cat(row, row, row, row.subarray(0, 1048576 - 3 * row.length));
      expect(s.length).toBe(1048576);
      const r = diffAll(p, s, 0);
      expect(r[1]).toMatchObject({ status: Status.OK, frameCount: 3, columnCount: 3 * 65535 });
    });
  });

  describe('malformed frames: every status', () => {
    const cases: [string, Uint8Array, number, Status, number?][] = [
      ['length 0', frame('T', bytes(), 0), MAX, Status.LENGTH_TOO_SMALL],
      ['length 3', frame('T', bytes(1, 2, 3), 3), MAX, Status.LENGTH_TOO_SMALL],
      ['length -1', frame('T', bytes(), -1), MAX, Status.LENGTH_TOO_SMALL],
      ['length -2^31', frame('T', bytes(), -2147483648), MAX, Status.LENGTH_TOO_SMALL],
      ['length 2^31-1 (max 2^31-1, incomplete)', frame('T', bytes(), 0x7fffffff), 0x7fffffff, Status.OK],
      ['length max+1', frame('T', ascii(7)), 10, Status.LENGTH_TOO_LARGE],
      ['length = max', frame('T', ascii(6)), 10, Status.OK],
      ['length > max, incomplete', frame('T', bytes(), 1000), 999, Status.LENGTH_TOO_LARGE],
      ['max 0, length 4', frame('T', bytes()), 0, Status.LENGTH_TOO_LARGE],
      ['max 3, length 3', frame('T', bytes(), 3), 3, Status.LENGTH_TOO_SMALL],
      ['max -5, length 4', frame('T', bytes()), -5, Status.LENGTH_TOO_LARGE],
      ['max 4, length 4', frame('T', bytes()), 4, Status.OK],
      ['DataRow without a count', frame('D', bytes()), MAX, Status.ROW_COUNT_TRUNCATED],
      ['DataRow with 1 byte of count', frame('D', bytes(0)), MAX, Status.ROW_COUNT_TRUNCATED],
      ['DataRow count too big', frame('D', cat(u16(2), i32(-1))), MAX, Status.ROW_COUNT_TRUNCATED],
      ['DataRow count 65535', frame('D', cat(u16(65535), i32(-1))), MAX, Status.ROW_COUNT_TRUNCATED],
      ['length truncated', frame('D', cat(u16(2), i32(2), ascii(2), bytes(0, 0, 0))), MAX, Status.ROW_LENGTH_TRUNCATED],
      ['length truncated after a long value', frame('D', cat(u16(3), i32(30), ascii(30), i32(-1), bytes(0, 0))), MAX, Status.ROW_LENGTH_TRUNCATED],
      ['negative length -2', frame('D', cat(u16(2), i32(0), i32(-2))), MAX, Status.ROW_NEGATIVE_LENGTH],
      ['negative length -2^31', frame('D', cat(u16(1), i32(-2147483648))), MAX, Status.ROW_NEGATIVE_LENGTH],
      ['value truncated', frame('D', cat(u16(2), i32(1), ascii(1), i32(5), ascii(4))), MAX, Status.ROW_VALUE_TRUNCATED],
      ['value length 2^31-1', frame('D', cat(u16(1), i32(0x7fffffff), ascii(3))), MAX, Status.ROW_VALUE_TRUNCATED],
      ['value truncated, long', frame('D', cat(u16(1), i32(100), ascii(99))), MAX, Status.ROW_VALUE_TRUNCATED],
      ['trailing bytes', frame('D', cat(u16(1), i32(2), ascii(3))), MAX, Status.ROW_TRAILING_BYTES],
      ['trailing bytes, no columns', frame('D', cat(u16(0), ascii(3))), MAX, Status.ROW_TRAILING_BYTES],
      ['trailing NULL-looking bytes', frame('D', cat(u16(1), i32(-1), i32(-1))), MAX, Status.ROW_TRAILING_BYTES],
    ];
    for (const [name, bad, max, status] of cases) {
      it(`${name} → ${Status[status]}`, () => {
        const good = cat(dataRow([ascii(5), null, bytes(0xc3, 0xa9)]), frame('C', ascii(8)));
        for (const s of max >= 100 ? [bad, cat(good, bad), cat(good, bad, good)] : [bad]) {
          for (const off of [0, 1, 15, 1000, 1048576 - s.length]) {
            const r = diffAll(p, s, off, max);
            const isRow = status >= Status.ROW_COUNT_TRUNCATED;
            expect(r[2]!.status).toBe(status);
            expect(r[0]!.status).toBe(isRow ? Status.OK : status);
            if (status !== Status.OK) {
              expect(r[2]!.errorFrame).toBe(off + (s === bad ? 0 : good.length));
              expect(r[2]!.consumed).toBe(r[2]!.errorFrame);
              expect(r[2]!.columnCount).toBe(s === bad ? 0 : 3);
            }
          }
        }
      });
    }
    it('TABLE_FULL is never returned (the tables hold any window)', () => {
      expect(Status.TABLE_FULL).toBe(8);
    });
  });

  it('truncated streams, at every length', () => {
    const s = cat(
      dataRow([ascii(3), null, ascii(20), bytes(0xe2, 0x82, 0xac)]),
      frame('T', ascii(12)),
      dataRow([]),
      dataRow([ascii(70), new Uint8Array(0)]),
      frame('D', cat(u16(1), i32(2), ascii(3))),
    );
    for (let k = 0; k <= s.length; k++) {
      for (const off of [0, 7, 1048576 - k]) diffAll(p, s.subarray(0, k), off);
      // and from every start
      diffAll(p, s.subarray(k), 33);
    }
  });

  // ~2 s idle for the debug build: a budget for a loaded 2-core machine.
  it('4000 random streams (mostly plausible, some corrupted) at random offsets', { timeout: 60_000 }, () => {
    const rng = prng(0x5eed + (build === 'debug' ? 1 : 0));
    const seen = new Set<number>();
    for (let i = 0; i < 4000; i++) {
      const s = randomStream(rng);
      const off = int(rng, 0, 1048576 - s.length);
      const max = rng() < 0.8 ? MAX : int(rng, -2, 400);
      for (const d of [0, 1, 2]) seen.add(diff(p, s, off, max, d, int(rng, 0, 255)).status);
    }
    // The generator reaches every status a scan can give.
    for (let st = Status.OK; st <= Status.ROW_TRAILING_BYTES; st++) expect(seen.has(st), Status[st]).toBe(true);
  });
});
