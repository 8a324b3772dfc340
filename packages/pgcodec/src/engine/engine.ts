/**
 * The engine interface: one fused scan per chunk, two implementations (the
 * AssemblyScript one compiled to WebAssembly, and this package's pure
 * TypeScript reference), which must agree on every input.
 *
 * A scan walks standard frames from `start` to `end` of its input and
 * writes two tables:
 *
 *   frames   Int32 × 4 per frame:  type byte | payload start | payload length | first column (-1 unless a DataRow)
 *   columns  Int32 × 2 per value:  value start | value length (-1 for NULL)
 *   flags    Uint8 × 1 per value:  bit 0 set if the value has a byte ≥ 0x80 (not ASCII)
 *
 * Positions are indexes into the input. DataRows ('D' frames, when the
 * caller says 'D' means DataRow: the backend direction) are checked to the
 * last byte; other frames only for their length. The scan stops at the first
 * bad frame; the frames before it are in the tables.
 */
import { Status } from './status.js';

export { Status };

/**
 * How much a scan works out: frames only (split), DataRow columns too
 * (backend direction: 'D' is a DataRow), or columns and ASCII flags.
 * Both engines write identical tables at each level.
 */
export const Detail = {
  FRAMES: 0,
  COLUMNS: 1,
  FLAGS: 2,
} as const;
/**
 * A `Detail` level: 0 frames, 1 columns, 2 flags.
 * @inline
 */
export type Detail = (typeof Detail)[keyof typeof Detail];

export const FRAME_INTS = 4;
export const COLUMN_INTS = 2;

/** What a scan reports besides its tables. */
export interface ScanResult {
  status: Status;
  /** Frames written to the frame table. */
  frameCount: number;
  /** Values written to the column table. */
  columnCount: number;
  /** Input index just past the last complete frame scanned. */
  consumed: number;
  /** Input index the status refers to (for errors). */
  errorOffset: number;
  /** Input index of the frame the error is in. */
  errorFrame: number;
}

export interface Engine {
  readonly name: 'wasm' | 'js';
  /** Bytes of the engine's fixed window. */
  readonly windowSize: number;
  /**
   * The fixed window a decoder buffers in while it borrows this engine:
   * scanned in place. For the WebAssembly engine it is `input`; for the
   * TypeScript engine a heap buffer made on first use.
   */
  readonly window: Uint8Array;
  /**
   * The bytes scans read. For the WebAssembly engine this is a fixed region
   * of its memory: callers copy input into it (or read sockets straight into
   * it) before scanning. For the TypeScript engine, any buffer set with `setInput`.
   */
  readonly input: Uint8Array;
  /** Uses `buf` as the input (TypeScript engine only; the WebAssembly engine's input is fixed). */
  setInput?(buf: Uint8Array): void;
  readonly frames: Int32Array;
  readonly columns: Int32Array;
  readonly flags: Uint8Array;
  /** Scans input[start, end) to the given detail. */
  scan(start: number, end: number, maxMessageSize: number, detail: Detail): ScanResult;
}
