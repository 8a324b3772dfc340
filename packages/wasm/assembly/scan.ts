/**
 * The fused scan: frame splitting, DataRow value offsets/lengths, non-ASCII
 * flags and every bounds check in one pass over the input region. Results
 * are identical to pgcodec's JsEngine.scan (packages/pgcodec/src/engine/js-engine.ts)
 * for every input and detail level; test/differential.test.ts holds them to it.
 *
 * Positions (arguments, table entries, results) are indexes into the input
 * region; memory addresses are INPUT + index, with INPUT folded into each
 * load's immediate offset.
 */
import { Status } from '../../pgcodec/src/engine/status';
import {
  COLUMNS,
  FLAGS,
  FRAMES,
  INPUT,
  INPUT_CAPACITY,
  RESULTS,
  R_COLUMN_COUNT,
  R_CONSUMED,
  R_ERROR_FRAME,
  R_ERROR_OFFSET,
  R_FRAME_COUNT,
  R_STATUS,
  FRAME_CAPACITY,
  COLUMN_CAPACITY,
} from './layout';

// Detail levels (pgcodec's Detail): FRAMES = 0, COLUMNS = 1, FLAGS = 2.
const DETAIL_FRAMES: i32 = 0;
const DETAIL_FLAGS: i32 = 2;
const DATA_ROW: i32 = 0x44; // 'D'

/** Error offset found by the exact row check (rowExact). */
let rowErrorOffset: i32 = -1;

/** Big-endian Int32 at input index i (unaligned). */
// @ts-ignore: decorator
@inline function be32(i: i32): i32 {
  return bswap<i32>(load<i32>(<usize>i, INPUT));
}

/** Big-endian Uint16 at input index i (unaligned). */
// @ts-ignore: decorator
@inline function be16(i: i32): i32 {
  return <i32>bswap<u16>(load<u16>(<usize>i, INPUT));
}

/**
 * Non-zero if any of the vl (≥ 0) bytes at input index q is ≥ 0x80.
 * Below 32 bytes, without a branch on the length: two 16-byte loads (the
 * same one below 17 bytes; up to 15 bytes past a short value, which the guard
 * after the input region keeps inside memory) and a mask of the lanes in the
 * value. Longer: 16-byte blocks, 4 at a time, the last one overlapping the end.
 */
// @ts-ignore: decorator
@inline function highBits(q: i32, vl: i32): i32 {
  if (vl < 32) {
    // Blocks at q and at q + max(vl - 16, 0) (the same one below 17 bytes); mask the lanes past vl.
    const a = <usize>q;
    const d: usize = vl > 16 ? <usize>(vl - 16) : 0;
    return i8x16.bitmask(v128.or(v128.load(a, INPUT), v128.load(a + d, INPUT))) & ~(-1 << vl);
  }
  return highBitsLong(q, vl);
}

/** highBits for values of 16 bytes or more (used from 32). */
// @ts-ignore: decorator
@inline function highBitsLong(q: i32, vl: i32): i32 {
  let a = <usize>q;
  const e = a + <usize>vl;
  let acc = v128.load(a, INPUT);
  a += 16;
  while (a + 64 <= e) {
    acc = v128.or(
      acc,
      v128.or(
        v128.or(v128.load(a, INPUT), v128.load(a, INPUT + 16)),
        v128.or(v128.load(a, INPUT + 32), v128.load(a, INPUT + 48)),
      ),
    );
    a += 64;
  }
  while (a + 16 <= e) {
    acc = v128.or(acc, v128.load(a, INPUT));
    a += 16;
  }
  acc = v128.or(acc, v128.load(e - 16, INPUT));
  return i8x16.bitmask(acc);
}

/**
 * The DataRow check exactly as the reference writes it (same order of
 * checks, codes, offsets, and the same partial column writes). Used when
 * the fast path sees something wrong in a row. Returns the status; on an
 * error rowErrorOffset says where.
 */
// @ts-ignore: decorator
@noinline function rowExact(body: i32, next: i32, nc: i32, detail: i32): i32 {
  if (next - body < 2) {
    rowErrorOffset = body;
    return Status.ROW_COUNT_TRUNCATED;
  }
  const n = be16(body);
  let q = body + 2;
  if (n * 4 > next - q) {
    rowErrorOffset = body;
    return Status.ROW_COUNT_TRUNCATED;
  }
  for (let i = 0; i < n; i++) {
    if (next - q < 4) {
      rowErrorOffset = q;
      return Status.ROW_LENGTH_TRUNCATED;
    }
    const vlen = be32(q);
    if (vlen < -1) {
      rowErrorOffset = q;
      return Status.ROW_NEGATIVE_LENGTH;
    }
    q += 4;
    if (vlen > next - q) {
      rowErrorOffset = q - 4;
      return Status.ROW_VALUE_TRUNCATED;
    }
    store<i32>(COLUMNS + (<usize>nc << 3), q);
    store<i32>(COLUMNS + (<usize>nc << 3), vlen, 4);
    if (detail == DETAIL_FLAGS) {
      store<u8>(FLAGS + <usize>nc, <u8>(highBits(q, vlen > 0 ? vlen : 0) != 0));
    }
    nc++;
    if (vlen > 0) q += vlen;
  }
  if (q != next) {
    rowErrorOffset = q;
    return Status.ROW_TRAILING_BYTES;
  }
  return Status.OK;
}

/**
 * Scans input[start, end) to the given detail (0 frames, 1 + DataRow
 * columns, 2 + ASCII flags); returns the Status and writes the results region.
 */
export function scan(start: i32, end: i32, maxMessageSize: i32, detail: i32): i32 {
  // Stay inside the input region whatever the caller passes (a scan inside it
  // can never fill the tables); callers pass 0 ≤ start ≤ end ≤ inputCapacity.
  if (start < 0) start = 0;
  if (end > INPUT_CAPACITY) end = INPUT_CAPACITY;
  // Every maximum below 4 rejects every length: 3 does the same and keeps
  // the single unsigned range check exact.
  if (maxMessageSize < 3) maxMessageSize = 3;
  // One loop per detail level (the level is a constant in each).
  if (detail == DETAIL_FRAMES) return scanAt(start, end, maxMessageSize, DETAIL_FRAMES);
  if (detail == DETAIL_FLAGS) return scanAt(start, end, maxMessageSize, DETAIL_FLAGS);
  return scanAt(start, end, maxMessageSize, 1); // any other level: columns, no flags (as the reference)
}

/** The scan loop; inlined with a constant detail. maxMessageSize ≥ 3. */
// @ts-ignore: decorator
@inline function scanAt(start: i32, end: i32, maxMessageSize: i32, detail: i32): i32 {
  const lenRange = <u32>(maxMessageSize - 3);

  let p = start;
  let fp: usize = FRAMES; // next frame entry
  let nc: i32 = 0; // values written
  let goodCols: i32 = 0; // values of complete, valid frames
  let status: i32 = Status.OK;
  let errorOffset: i32 = -1;
  let errorFrame: i32 = -1;

  while (end - p >= 5) {
    const len = be32(p + 1);
    // len in [4, maxMessageSize]?
    if (<u32>(len - 4) >= lenRange) {
      status = len < 4 ? Status.LENGTH_TOO_SMALL : Status.LENGTH_TOO_LARGE;
      errorOffset = p + 1;
      errorFrame = p;
      break;
    }
    if (len >= end - p) break; // incomplete: len + 1 > end - p
    const type = <i32>load<u8>(<usize>p, INPUT);
    const body = p + 5;
    const next = p + 1 + len;
    let first: i32 = -1;
    if (type == DATA_ROW && detail != DETAIL_FRAMES) {
      first = nc;
      const n = be16(body); // may read past a short frame: checked next
      // n * 4 > next - (body + 2), or fewer than 2 bytes for n at all.
      if ((n << 2) + 2 > next - body) {
        status = Status.ROW_COUNT_TRUNCATED;
        errorOffset = body;
        errorFrame = p;
        break;
      }
      let q = body + 2;
      // lim - q: the bytes a value may take and still leave 4 for each later
      // length field. One unsigned compare checks vlen ≥ -1 and that it fits.
      let lim = next - (n << 2) + 5; // + 1: see the check
      let cp: usize = COLUMNS + (<usize>nc << 3);
      const cend: usize = cp + (<usize>n << 3);
      let ok = true;
      if (detail == DETAIL_FLAGS) {
        let fl: usize = FLAGS + <usize>nc;
        while (cp < cend) {
          const vlen = be32(q);
          q += 4;
          if (<u32>(vlen + 1) > <u32>(lim - q)) {
            ok = false;
            break;
          }
          store<i32>(cp, q);
          store<i32>(cp, vlen, 4);
          const vl = vlen & ~(vlen >> 31); // max(vlen, 0)
          store<u8>(fl, <u8>(highBits(q, vl) != 0));
          q += vlen + (vlen >>> 31);
          lim += 4;
          cp += 8;
          fl += 1;
        }
      } else {
        while (cp < cend) {
          const vlen = be32(q);
          q += 4;
          if (<u32>(vlen + 1) > <u32>(lim - q)) {
            ok = false;
            break;
          }
          store<i32>(cp, q);
          store<i32>(cp, vlen, 4);
          q += vlen + (vlen >>> 31); // + max(vlen, 0): vlen ≥ -1 here
          lim += 4;
          cp += 8;
        }
      }
      if (ok && q == next) {
        nc += n;
      } else {
        // Something is wrong in this row: find out exactly what, as the reference does.
        const s = rowExact(body, next, nc, detail);
        if (s != Status.OK) {
          status = s;
          errorOffset = rowErrorOffset;
          errorFrame = p;
          break;
        }
        nc += n; // (not reached: the fast path only gives up on bad rows)
      }
    }
    store<i32>(fp, type);
    store<i32>(fp, body, 4);
    store<i32>(fp, len - 4, 8);
    store<i32>(fp, first, 12);
    fp += 16;
    goodCols = nc;
    p = next;
  }
  assert(<i32>((fp - FRAMES) >> 4) <= FRAME_CAPACITY);
  assert(nc <= COLUMN_CAPACITY);

  store<i32>(RESULTS, status, R_STATUS);
  store<i32>(RESULTS, <i32>((fp - FRAMES) >> 4), R_FRAME_COUNT);
  store<i32>(RESULTS, goodCols, R_COLUMN_COUNT);
  store<i32>(RESULTS, p, R_CONSUMED);
  store<i32>(RESULTS, errorOffset, R_ERROR_OFFSET);
  store<i32>(RESULTS, errorFrame, R_ERROR_FRAME);
  return status;
}
