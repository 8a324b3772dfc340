/**
 * The JS side of the WebAssembly scan engine (assembly/): the exports'
 * types, the memory layout `init` chooses, and a synchronous loader for
 * this package's tests and benchmark. pgcodec embeds build/release.wasm
 * itself.
 */

/** The exports of build/release.wasm and build/debug.wasm. Positions are indexes into the input region. */
export interface ScanExports {
  /**
   * The instance's memory. `init` grows it once, to hold the regions; it never grows after that, so
   * views on its buffer made after `init` stay valid for the life of the instance.
   */
  readonly memory: WebAssembly.Memory;
  /**
   * Lays out an input window of `capacity` bytes (MIN_CAPACITY to MAX_CAPACITY, rounded up to a
   * multiple of 64) and its tables, growing the memory once. Call once, right after instantiation and
   * before making views. Returns INIT.OK or an error code (see INIT).
   */
  init(capacity: number): number;
  /** Scans input[start, end) to detail 0 (frames), 1 (+ DataRow columns) or 2 (+ ASCII flags); returns the Status. */
  scan(start: number, end: number, maxMessageSize: number, detail: number): number;
  /** 1 if any byte of input[start, end) is ≥ 0x80, else 0 (clamped to the input region). */
  highBitsIn(start: number, end: number): number;
  /** Byte address of the input region (the bytes scans read). 0 before init. */
  inputPtr(): number;
  /** Size of the input region in bytes: init's capacity rounded up to a multiple of 64 (0 before init). */
  inputCapacity(): number;
  /** Byte address of the frames table (Int32 × 4 per frame: type, payload start, payload length, first column or -1). */
  framesPtr(): number;
  /** Frames the frames table holds (inputCapacity / 5: a scan can never fill it). */
  frameCapacity(): number;
  /** Byte address of the columns table (Int32 × 2 per value: start, length or -1 for NULL). */
  columnsPtr(): number;
  /** Values the columns table and the flags hold (inputCapacity / 4: a scan can never fill them). */
  columnCapacity(): number;
  /** Byte address of the flags (Uint8 per value: 1 if it has a byte ≥ 0x80; written at detail 2 only). */
  flagsPtr(): number;
  /** Byte address of the results region (Int32 × 8: status, frameCount, columnCount, consumed, errorOffset, errorFrame, 0, 0); static data, valid before init. */
  resultsPtr(): number;
  /** End of the compiler's static data (the results region is below it, the input region starts at the next multiple of 64). */
  heapBase(): number;
  /** Status of the last scan. */
  status(): number;
  /** Frames the last scan wrote. */
  frameCount(): number;
  /** Values the last scan counted (those of its complete, valid frames). */
  columnCount(): number;
  /** Input index just past the last complete frame the last scan took. */
  consumed(): number;
  /** Input index the last scan's error refers to (-1 if OK). */
  errorOffset(): number;
  /** Input index of the frame the last scan's error is in (-1 if OK). */
  errorFrame(): number;
}

/** Smallest and largest capacity `init` takes (before rounding up to a multiple of 64). */
export const MIN_CAPACITY = 65536;
export const MAX_CAPACITY = 268435456;

/**
 * What `init` returns. After any error of a first call the instance has no regions for good: every
 * capacity and region address but the results' is 0, and scans clamp to that empty input (status OK,
 * no frames, consumed = max(start, 0)). A second call changes nothing, whatever the first did.
 */
export const INIT = {
  OK: 0,
  /** init was called before. */
  ALREADY: 1,
  /** The capacity is below MIN_CAPACITY or above MAX_CAPACITY. */
  BAD_CAPACITY: 2,
  /** The memory could not grow to hold the regions. */
  GROW_FAILED: 3,
} as const;

/** Addresses and sizes of the regions `init(capacity)` lays out after `heapBase` (assembly/layout.ts; the exports report the same). */
export interface Layout {
  input: number;
  inputCapacity: number;
  frames: number;
  frameCapacity: number;
  columns: number;
  columnCapacity: number;
  flags: number;
  /** The memory's size after init: whole pages up to the end of the flags. */
  memoryBytes: number;
}

export function layoutFor(capacity: number, heapBase: number): Layout {
  const inputCapacity = Math.ceil(capacity / 64) * 64;
  const frameCapacity = Math.floor(inputCapacity / 5);
  const columnCapacity = inputCapacity / 4;
  const input = Math.ceil(heapBase / 64) * 64;
  const frames = input + inputCapacity + 64;
  const columns = frames + frameCapacity * 16;
  const flags = columns + columnCapacity * 8;
  const memoryBytes = Math.ceil((flags + columnCapacity) / 65536) * 65536;
  return { input, inputCapacity, frames, frameCapacity, columns, columnCapacity, flags, memoryBytes };
}

/** Slots of the results region, in Int32s. */
export const RESULT = {
  status: 0,
  frameCount: 1,
  columnCount: 2,
  consumed: 3,
  errorOffset: 4,
  errorFrame: 5,
} as const;

/** Typed-array views on an instance's regions (make them after init; valid for its life: the memory never grows again). */
export interface ScanViews {
  input: Uint8Array;
  frames: Int32Array;
  columns: Int32Array;
  flags: Uint8Array;
  results: Int32Array;
}

export function scanViews(x: ScanExports): ScanViews {
  const buf = x.memory.buffer;
  return {
    input: new Uint8Array(buf, x.inputPtr(), x.inputCapacity()),
    frames: new Int32Array(buf, x.framesPtr(), x.frameCapacity() * 4),
    columns: new Int32Array(buf, x.columnsPtr(), x.columnCapacity() * 2),
    flags: new Uint8Array(buf, x.flagsPtr(), x.columnCapacity()),
    results: new Int32Array(buf, x.resultsPtr(), 8),
  };
}

/** An AssemblyScript string (UTF-16, byte length at ptr - 4) from memory. */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0]!;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}

/**
 * Compiles and instantiates the engine synchronously and lays out an input window of `capacity`
 * bytes (`init`); throws if init fails. The debug build imports `env.abort` (failed assertions): it
 * throws.
 */
export function instantiateScan(bytes: Uint8Array, capacity: number): ScanExports {
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  let memory: WebAssembly.Memory | undefined;
  const env = {
    abort(msg: number, file: number, line: number, column: number): never {
      const m = memory ? `${readString(memory, msg)} at ${readString(memory, file)}:${line}:${column}` : 'abort';
      throw new Error(`wasm scan: ${m}`);
    },
  };
  const instance = new WebAssembly.Instance(module, { env });
  const x = instance.exports as unknown as ScanExports;
  memory = x.memory;
  const r = x.init(capacity);
  if (r !== INIT.OK) {
    const name = Object.entries(INIT).find(([, v]) => v === r)?.[0] ?? String(r);
    throw new Error(`wasm scan: init(${capacity}) failed: ${name}`);
  }
  return x;
}
