/**
 * Exports of the scan engine for the JS side. Memory layout: assembly/layout.ts.
 * JS copies bytes into the input region, calls scan(start, end, max, detail)
 * and reads the tables and the results (from the getters or the results region).
 */
import {
  COLUMNS,
  COLUMN_CAPACITY,
  FLAGS,
  FRAMES,
  FRAME_CAPACITY,
  INPUT,
  INPUT_CAPACITY,
  RESULTS,
  R_COLUMN_COUNT,
  R_CONSUMED,
  R_ERROR_FRAME,
  R_ERROR_OFFSET,
  R_FRAME_COUNT,
  R_STATUS,
} from './layout';

export { scan } from './scan';

/** Byte address of the input region (the bytes scans read; positions index it). */
export function inputPtr(): usize { return INPUT; }
/** Size of the input region in bytes (1 MiB): scans read input[start, end) with end ≤ this. */
export function inputCapacity(): i32 { return INPUT_CAPACITY; }
/** Byte address of the frames table (Int32 × 4 per frame: type, payload start, payload length, first column or -1). */
export function framesPtr(): usize { return FRAMES; }
/** Frames the frames table holds (inputCapacity / 5: always enough). */
export function frameCapacity(): i32 { return FRAME_CAPACITY; }
/** Byte address of the columns table (Int32 × 2 per value: value start, value length or -1 for NULL). */
export function columnsPtr(): usize { return COLUMNS; }
/** Values the columns table and flags hold (inputCapacity / 4: always enough). */
export function columnCapacity(): i32 { return COLUMN_CAPACITY; }
/** Byte address of the flags (Uint8 per value: 1 if it has a byte ≥ 0x80; written at detail 2 only). */
export function flagsPtr(): usize { return FLAGS; }
/** Byte address of the results region (Int32 × 8: status, frameCount, columnCount, consumed, errorOffset, errorFrame, 0, 0). */
export function resultsPtr(): usize { return RESULTS; }
/** End of the compiler's static data (must stay below the memory's size). */
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
