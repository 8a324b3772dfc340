/**
 * Exports of the scan engine for the JS side. Memory layout: assembly/layout.ts.
 * JS calls init(capacity) once, right after instantiation and before it makes
 * any view on the memory; then it copies bytes into the input region, calls
 * scan(start, end, max, detail) and reads the tables and the results (from
 * the getters or the results region).
 */
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
  layOut,
} from './layout';

export { highBitsIn, scan } from './scan';

/**
 * Lays out an input window of `capacity` bytes (65536 to 268435456, rounded
 * up to a multiple of 64) and its tables after the static data, and grows
 * the memory once to hold them; it never grows again. Call it once, right
 * after instantiation and before making views on the memory. Returns 0, or
 * 1 if init was called before (nothing changes), 2 if the capacity is out
 * of bounds, 3 if the memory could not grow; after a first call that fails
 * the instance has no regions (every capacity 0: scans find nothing).
 */
export function init(capacity: i32): i32 { return layOut(capacity); }
/** Byte address of the input region (the bytes scans read; positions index it). 0 before init. */
export function inputPtr(): usize { return inputBase; }
/** Size of the input region in bytes (init's capacity rounded up to 64): scans read input[start, end) with end ≤ this. 0 before init. */
export function inputCapacity(): i32 { return inputCap; }
/** Byte address of the frames table (Int32 × 4 per frame: type, payload start, payload length, first column or -1). */
export function framesPtr(): usize { return frameBase; }
/** Frames the frames table holds (inputCapacity / 5: always enough). */
export function frameCapacity(): i32 { return frameCap; }
/** Byte address of the columns table (Int32 × 2 per value: value start, value length or -1 for NULL). */
export function columnsPtr(): usize { return columnBase; }
/** Values the columns table and flags hold (inputCapacity / 4: always enough). */
export function columnCapacity(): i32 { return columnCap; }
/** Byte address of the flags (Uint8 per value: 1 if it has a byte ≥ 0x80; written at detail 2 only). */
export function flagsPtr(): usize { return flagBase; }
/** Byte address of the results region (Int32 × 8: status, frameCount, columnCount, consumed, errorOffset, errorFrame, 0, 0). Static data: valid before init. */
export function resultsPtr(): usize { return RESULTS; }
/** End of the compiler's static data (the input region starts at the next multiple of 64). */
export function heapBase(): usize { return __heap_base; }

/** Status of the last scan (also scan's return value). */
export function status(): i32 { return load<i32>(RESULTS, R_STATUS); }
/** Frames the last scan wrote to the frames table. */
export function frameCount(): i32 { return load<i32>(RESULTS, R_FRAME_COUNT); }
/** Values the last scan counted in the columns table (those of its complete, valid frames). */
export function columnCount(): i32 { return load<i32>(RESULTS, R_COLUMN_COUNT); }
/** Input index just past the last complete frame the last scan took. */
export function consumed(): i32 { return load<i32>(RESULTS, R_CONSUMED); }
/** Input index the last scan's error status refers to (-1 if OK). */
export function errorOffset(): i32 { return load<i32>(RESULTS, R_ERROR_OFFSET); }
/** Input index of the frame the last scan's error is in (-1 if OK). */
export function errorFrame(): i32 { return load<i32>(RESULTS, R_ERROR_FRAME); }
