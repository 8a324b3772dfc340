/**
 * The memory layout of the scan engine, chosen once per instance at run
 * time by `init(inputCapacity)` (see index.ts), which JS calls right after
 * instantiation and before it makes any view on `memory.buffer`:
 *
 *   address                  size (bytes)          region
 *   0                        (compiler's)          static data (memoryBase 0), including
 *   RESULTS                  32                      RESULTS  Int32 × 8: status | frameCount | columnCount | consumed | errorOffset | errorFrame | 0 | 0
 *   inputBase = align64(__heap_base)
 *                            C                     INPUT    the bytes scans read; positions are indexes into it
 *   inputBase + C            64                    guard    slack for 16-byte over-reads past the input's end
 *   frameBase                floor(C / 5) × 16     FRAMES   Int32 × 4 per frame: type | payload start | payload length | first column (-1)
 *   columnBase               C / 4 × 8             COLUMNS  Int32 × 2 per value: value start | value length (-1 for NULL)
 *   flagBase                 C / 4                 FLAGS    Uint8 per value: 1 if the value has a byte ≥ 0x80
 *   flagBase + C / 4         up to 64 KiB          free, to the end of the last page
 *
 * C is the capacity passed to init rounded up to a multiple of 64, between
 * MIN_CAPACITY and MAX_CAPACITY; all regions after the results start at
 * multiples of 16 (the input at a multiple of 64). init grows the memory
 * once to hold them (from the initial size, which only the static data
 * decides); after that nothing grows the memory and nothing is allocated
 * (`--runtime stub`), so JS views on `memory.buffer` stay valid for the
 * life of the instance. The memory of an instance is about 6.45 × C
 * (1 + 16/5 + 8/4 + 1/4) plus the static data, in whole pages.
 *
 * Capacities: a frame takes at least 5 input bytes and a value at least 4,
 * so C / 5 frames and C / 4 values always fit: the tables can never be
 * full for a scan inside the input region.
 *
 * The results region is static data so that it exists, at an address fixed
 * at compile time, before init and if init fails: until a successful init
 * every capacity (and every region address but RESULTS) is 0 and scans
 * clamp to that empty input.
 *
 * Keep in step with src/exports.ts (layoutFor, INIT).
 */

/** The results region (static data: exists before init). */
export const RESULTS: usize = memory.data(32, 64);
/** Bytes after the input region that over-reads may touch. */
export const GUARD: usize = 64;
export const FRAME_BYTES: usize = 16;
export const COLUMN_BYTES: usize = 8;
/** Bounds of init's capacity (before rounding up to a multiple of CAPACITY_ALIGN). */
export const MIN_CAPACITY: i32 = 65536;
export const MAX_CAPACITY: i32 = 268435456;
export const CAPACITY_ALIGN: i32 = 64;

// init's results.
export const INIT_OK: i32 = 0;
/** init was called before (whatever its result): nothing changes. */
export const INIT_ALREADY: i32 = 1;
/** The capacity is below MIN_CAPACITY or above MAX_CAPACITY. */
export const INIT_BAD_CAPACITY: i32 = 2;
/** memory.grow failed. */
export const INIT_GROW_FAILED: i32 = 3;

// The layout, set once by init (all 0 before it and after a failed init).
/** Whether init has been called (0 no, 1 yes). */
export let initCalled: i32 = 0;
export let inputBase: usize = 0;
export let inputCap: i32 = 0;
export let frameBase: usize = 0;
export let frameCap: i32 = 0;
export let columnBase: usize = 0;
export let columnCap: i32 = 0;
export let flagBase: usize = 0;

// Results region slots (byte offsets from RESULTS).
export const R_STATUS: usize = 0;
export const R_FRAME_COUNT: usize = 4;
export const R_COLUMN_COUNT: usize = 8;
export const R_CONSUMED: usize = 12;
export const R_ERROR_OFFSET: usize = 16;
export const R_ERROR_FRAME: usize = 20;

/**
 * Lays the regions out for an input window of `capacity` bytes (rounded up
 * to a multiple of 64) after the static data and grows the memory once to
 * hold them. Returns INIT_OK, or an error (INIT_ALREADY, INIT_BAD_CAPACITY,
 * INIT_GROW_FAILED) after which the layout is as it was: a second call
 * leaves a working instance working, and a first call that fails leaves the
 * instance without regions for good (every capacity 0).
 */
export function layOut(capacity: i32): i32 {
  if (initCalled) return INIT_ALREADY;
  initCalled = 1;
  if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY) return INIT_BAD_CAPACITY;
  const cap = (capacity + (CAPACITY_ALIGN - 1)) & ~(CAPACITY_ALIGN - 1);
  const fcap = cap / 5;
  const ccap = cap / 4;
  const input: usize = (__heap_base + 63) & ~(<usize>63);
  const frames: usize = input + <usize>cap + GUARD;
  const columns: usize = frames + <usize>fcap * FRAME_BYTES;
  const flags: usize = columns + <usize>ccap * COLUMN_BYTES;
  const end: usize = flags + <usize>ccap;
  const pages = <i32>((end + 0xffff) >>> 16);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) return INIT_GROW_FAILED;
  inputBase = input;
  inputCap = cap;
  frameBase = frames;
  frameCap = fcap;
  columnBase = columns;
  columnCap = ccap;
  flagBase = flags;
  return INIT_OK;
}
