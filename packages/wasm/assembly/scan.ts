/**
 * The fused scan: frame splitting, DataRow value offsets/lengths, non-ASCII
 * flags and every bounds check in one pass over the input region. Results
 * are identical to pgcodec's JsEngine.scan (packages/pgcodec/src/engine/js-engine.ts)
 * for every input and detail level; test/differential.test.ts holds them to it.
 *
 * Positions (arguments, table entries, results) are indexes into the input
 * region. The layout is init's (globals, read into locals at the top of
 * scan): the loop walks memory addresses (input region address + index), so
 * that loads need no add, and subtracts the region's address from the
 * positions it stores.
 */
import { Status } from '../../pgcodec/src/engine/status';
import {
  RESULTS,
  R_COLUMN_COUNT,
  R_CONSUMED,
  R_ERROR_FRAME,
  R_ERROR_OFFSET,
  R_FRAME_COUNT,
  R_STATUS,
  columnBase,
  columnCap,
  flagBase,
  frameBase,
  frameCap,
  inputBase,
  inputCap,
} from './layout';

// Detail levels (pgcodec's Detail): FRAMES = 0, COLUMNS = 1, FLAGS = 2.
const DETAIL_FRAMES: i32 = 0;
const DETAIL_FLAGS: i32 = 2;
const DATA_ROW: i32 = 0x44; // 'D'

/** Error offset found by the exact row check (rowExact). */
let rowErrorOffset: i32 = -1;

/** Big-endian Int32 at memory address a (unaligned). */
// @ts-ignore: decorator
@inline function be32(a: usize): i32 {
  return bswap<i32>(load<i32>(a));
}

/** Big-endian Uint16 at memory address a (unaligned). */
// @ts-ignore: decorator
@inline function be16(a: usize): i32 {
  return <i32>bswap<u16>(load<u16>(a));
}

/**
 * Non-zero if any of the vl (≥ 0) bytes at memory address a is ≥ 0x80.
 * Below 32 bytes, without a branch on the length: two 16-byte loads (the
 * same one below 17 bytes; up to 15 bytes past a short value, which the guard
 * after the input region keeps inside memory) and a mask of the lanes in the
 * value. Longer: 16-byte blocks, 4 at a time, the last one overlapping the end.
 */
// @ts-ignore: decorator
@inline function highBits(a: usize, vl: i32): i32 {
  if (vl < 32) {
    // Blocks at a and at a + max(vl - 16, 0) (the same one below 17 bytes); mask the lanes past vl.
    const d: usize = vl > 16 ? <usize>(vl - 16) : 0;
    return i8x16.bitmask(v128.or(v128.load(a), v128.load(a + d))) & ~(-1 << vl);
  }
  return highBitsLong(a, vl);
}

/** highBits for values of 16 bytes or more (used from 32). */
// @ts-ignore: decorator
@inline function highBitsLong(a: usize, vl: i32): i32 {
  const e = a + <usize>vl;
  let acc = v128.load(a);
  a += 16;
  while (a + 64 <= e) {
    acc = v128.or(
      acc,
      v128.or(
        v128.or(v128.load(a), v128.load(a, 16)),
        v128.or(v128.load(a, 32), v128.load(a, 48)),
      ),
    );
    a += 64;
  }
  while (a + 16 <= e) {
    acc = v128.or(acc, v128.load(a));
    a += 16;
  }
  acc = v128.or(acc, v128.load(e - 16));
  return i8x16.bitmask(acc);
}

/**
 * The DataRow check exactly as the reference writes it (same order of
 * checks, codes, offsets, and the same partial column writes), on input
 * indexes. Used when the fast path sees something wrong in a row. Returns
 * the status; on an error rowErrorOffset says where.
 */
// @ts-ignore: decorator
@noinline function rowExact(body: i32, next: i32, nc: i32, detail: i32): i32 {
  const base = inputBase;
  const columns = columnBase;
  if (next - body < 2) {
    rowErrorOffset = body;
    return Status.ROW_COUNT_TRUNCATED;
  }
  const n = be16(base + <usize>body);
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
    const vlen = be32(base + <usize>q);
    if (vlen < -1) {
      rowErrorOffset = q;
      return Status.ROW_NEGATIVE_LENGTH;
    }
    q += 4;
    if (vlen > next - q) {
      rowErrorOffset = q - 4;
      return Status.ROW_VALUE_TRUNCATED;
    }
    store<i32>(columns + (<usize>nc << 3), q);
    store<i32>(columns + (<usize>nc << 3), vlen, 4);
    if (detail == DETAIL_FLAGS) {
      store<u8>(flagBase + <usize>nc, <u8>(highBits(base + <usize>q, vlen > 0 ? vlen : 0) != 0));
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
 * Before a successful init the input region is empty (capacity 0): nothing
 * is read or written but the results (OK, no frames, consumed = start).
 */
export function scan(start: i32, end: i32, maxMessageSize: i32, detail: i32): i32 {
  // The layout, read once into locals (the globals never change after init).
  const base = inputBase;
  const frames = frameBase;
  const columns = columnBase;
  const flags = flagBase;
  // Stay inside the input region whatever the caller passes (a scan inside it
  // can never fill the tables); callers pass 0 ≤ start ≤ end ≤ inputCapacity.
  if (start < 0) start = 0;
  const cap = inputCap;
  if (end > cap) end = cap;
  // Every maximum below 4 rejects every length: 3 does the same and keeps
  // the single unsigned range check exact.
  if (maxMessageSize < 3) maxMessageSize = 3;
  // One loop per detail level (the level is a constant in each).
  if (detail == DETAIL_FRAMES) return scanAt(base, frames, columns, flags, start, end, maxMessageSize, DETAIL_FRAMES);
  if (detail == DETAIL_FLAGS) return scanAt(base, frames, columns, flags, start, end, maxMessageSize, DETAIL_FLAGS);
  return scanAt(base, frames, columns, flags, start, end, maxMessageSize, 1); // any other level: columns, no flags (as the reference)
}

/**
 * The scan loop; inlined with a constant detail. base, frames, columns and
 * flags: the regions' addresses. maxMessageSize ≥ 3.
 *
 * p, q, body, next, lim and e are memory addresses (base + index), as i32:
 * the loop only compares their differences, which are the same as those of
 * the indexes (wrapping alike), and subtracts base from what it stores.
 */
// @ts-ignore: decorator
@inline function scanAt(
  base: usize,
  frames: usize,
  columns: usize,
  flags: usize,
  start: i32,
  end: i32,
  maxMessageSize: i32,
  detail: i32,
): i32 {
  const lenRange = <u32>(maxMessageSize - 3);
  const b = <i32>base;
  const e = b + end;

  let p = b + start;
  let fp: usize = frames; // next frame entry
  let nc: i32 = 0; // values written
  let goodCols: i32 = 0; // values of complete, valid frames
  let status: i32 = Status.OK;
  let errorOffset: i32 = -1;
  let errorFrame: i32 = -1;

  while (e - p >= 5) {
    const len = bswap<i32>(load<i32>(<usize>p, 1));
    // len in [4, maxMessageSize]?
    if (<u32>(len - 4) >= lenRange) {
      status = len < 4 ? Status.LENGTH_TOO_SMALL : Status.LENGTH_TOO_LARGE;
      errorOffset = p + 1 - b;
      errorFrame = p - b;
      break;
    }
    if (len >= e - p) break; // incomplete: len + 1 > e - p
    const type = <i32>load<u8>(<usize>p);
    const body = p + 5;
    const next = p + 1 + len;
    let first: i32 = -1;
    if (type == DATA_ROW && detail != DETAIL_FRAMES) {
      first = nc;
      const n = <i32>bswap<u16>(load<u16>(<usize>p, 5)); // may read past a short frame: checked next
      // n * 4 > next - (body + 2), or fewer than 2 bytes for n at all.
      if ((n << 2) + 2 > next - body) {
        status = Status.ROW_COUNT_TRUNCATED;
        errorOffset = body - b;
        errorFrame = p - b;
        break;
      }
      let q = body + 2;
      // lim - q: the bytes a value may take and still leave 4 for each later
      // length field. One unsigned compare checks vlen ≥ -1 and that it fits.
      let lim = next - (n << 2) + 5; // + 1: see the check
      let cp: usize = columns + (<usize>nc << 3);
      const cend: usize = cp + (<usize>n << 3);
      let ok = true;
      if (detail == DETAIL_FLAGS) {
        let fl: usize = flags + <usize>nc;
        while (cp < cend) {
          const vlen = be32(<usize>q);
          q += 4;
          if (<u32>(vlen + 1) > <u32>(lim - q)) {
            ok = false;
            break;
          }
          store<i32>(cp, q - b);
          store<i32>(cp, vlen, 4);
          const vl = vlen & ~(vlen >> 31); // max(vlen, 0)
          store<u8>(fl, <u8>(highBits(<usize>q, vl) != 0));
          q += vlen + (vlen >>> 31);
          lim += 4;
          cp += 8;
          fl += 1;
        }
      } else {
        while (cp < cend) {
          const vlen = be32(<usize>q);
          q += 4;
          if (<u32>(vlen + 1) > <u32>(lim - q)) {
            ok = false;
            break;
          }
          store<i32>(cp, q - b);
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
        const s = rowExact(body - b, next - b, nc, detail);
        if (s != Status.OK) {
          status = s;
          errorOffset = rowErrorOffset;
          errorFrame = p - b;
          break;
        }
        nc += n; // (not reached: the fast path only gives up on bad rows)
      }
    }
    store<i32>(fp, type);
    store<i32>(fp, body - b, 4);
    store<i32>(fp, len - 4, 8);
    store<i32>(fp, first, 12);
    fp += 16;
    goodCols = nc;
    p = next;
  }
  assert(<i32>((fp - frames) >> 4) <= frameCap);
  assert(nc <= columnCap);

  store<i32>(RESULTS, status, R_STATUS);
  store<i32>(RESULTS, <i32>((fp - frames) >> 4), R_FRAME_COUNT);
  store<i32>(RESULTS, goodCols, R_COLUMN_COUNT);
  store<i32>(RESULTS, p - b, R_CONSUMED);
  store<i32>(RESULTS, errorOffset, R_ERROR_OFFSET);
  store<i32>(RESULTS, errorFrame, R_ERROR_FRAME);
  return status;
}

/**
 * Non-zero if any byte of input[start, end) is ≥ 0x80: the SIMD check the
 * scan uses for its flags, for a range JS copied into the input region (a
 * long value in a frame larger than the window). Clamped to the input
 * region like `scan`; 0 for an empty range.
 */
export function highBitsIn(start: i32, end: i32): i32 {
  if (start < 0) start = 0;
  if (end > inputCap) end = inputCap;
  if (end <= start) return 0;
  return highBits(inputBase + <usize>start, end - start) != 0 ? 1 : 0;
}
