/**
 * The fixed memory layout of the scan engine. Every region has a fixed byte
 * address, the memory is sized once (initial = maximum pages in asconfig.json)
 * and nothing is allocated at run time, so JS views on `memory.buffer` stay
 * valid for the life of the instance.
 *
 *   address            size (bytes)        region
 *   0x000000           64                  unused (keeps address 0 free)
 *   0x000040           32                  RESULTS  Int32 × 8: status | frameCount | columnCount | consumed | errorOffset | errorFrame | 0 | 0
 *   0x010000           1048576 (1 MiB)     INPUT    the bytes scans read; positions are indexes into it
 *   0x110000           64                  guard    slack for 16-byte over-reads past the input's end
 *   0x110040           209715 × 16         FRAMES   Int32 × 4 per frame: type | payload start | payload length | first column (-1)
 *   0x443380           262144 × 8          COLUMNS  Int32 × 2 per value: value start | value length (-1 for NULL)
 *   0x643380           262144              FLAGS    Uint8 per value: 1 if the value has a byte ≥ 0x80
 *   0x690000           (compiler's)        static data of the compiler (asconfig memoryBase), then 64 KiB free
 *   0x6A0000           end of memory       106 pages = 6946816 bytes
 *
 * Capacities: a frame takes at least 5 input bytes and a value at least 4,
 * so INPUT_CAPACITY / 5 frames and INPUT_CAPACITY / 4 values always fit:
 * the tables can never be full for a scan inside the input region.
 *
 * Keep in step with asconfig.json (memoryBase, initialMemory, maximumMemory)
 * and with src/exports.ts (LAYOUT).
 */

export const RESULTS: usize = 0x40;
export const INPUT: usize = 0x10000;
export const INPUT_CAPACITY: i32 = 1048576;
export const GUARD: usize = 64;
export const FRAMES: usize = 0x110040;
export const FRAME_CAPACITY: i32 = INPUT_CAPACITY / 5; // 209715
export const FRAME_BYTES: usize = 16;
export const COLUMNS: usize = 0x443380;
export const COLUMN_CAPACITY: i32 = INPUT_CAPACITY / 4; // 262144
export const COLUMN_BYTES: usize = 8;
export const FLAGS: usize = 0x643380;
export const FLAGS_END: usize = 0x683380;
export const STATIC_BASE: usize = 0x690000;
export const MEMORY_PAGES: i32 = 106;

// Results region slots (byte offsets from RESULTS).
export const R_STATUS: usize = 0;
export const R_FRAME_COUNT: usize = 4;
export const R_COLUMN_COUNT: usize = 8;
export const R_CONSUMED: usize = 12;
export const R_ERROR_OFFSET: usize = 16;
export const R_ERROR_FRAME: usize = 20;
