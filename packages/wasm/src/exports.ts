/**
 * The JS side of the WebAssembly scan engine (assembly/): the exports'
 * types, the fixed memory layout, and a synchronous loader for this
 * package's tests and benchmark. pgcodec embeds build/release.wasm itself.
 */

/** The exports of build/release.wasm and build/debug.wasm. Positions are indexes into the input region. */
export interface ScanExports {
  /** The instance's memory: initial = maximum size, it never grows, so views on its buffer stay valid. */
  readonly memory: WebAssembly.Memory;
  /** Scans input[start, end) to detail 0 (frames), 1 (+ DataRow columns) or 2 (+ ASCII flags); returns the Status. */
  scan(start: number, end: number, maxMessageSize: number, detail: number): number;
  /** Byte address of the input region (the bytes scans read). */
  inputPtr(): number;
  /** Size of the input region in bytes (1 MiB). */
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
  /** Byte address of the results region (Int32 × 8: status, frameCount, columnCount, consumed, errorOffset, errorFrame, 0, 0). */
  resultsPtr(): number;
  /** End of the compiler's static data (below the memory's size, above all regions). */
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

/** Byte addresses and sizes of the regions (assembly/layout.ts; the exports report the same). */
export const LAYOUT = {
  results: 0x40,
  input: 0x10000,
  inputCapacity: 1048576,
  frames: 0x110040,
  frameCapacity: 209715,
  columns: 0x443380,
  columnCapacity: 262144,
  flags: 0x643380,
  memoryBytes: 106 * 65536,
} as const;

/** Slots of the results region, in Int32s. */
export const RESULT = {
  status: 0,
  frameCount: 1,
  columnCount: 2,
  consumed: 3,
  errorOffset: 4,
  errorFrame: 5,
} as const;

/** Typed-array views on an instance's regions (valid for its life: the memory never grows). */
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
 * Compiles and instantiates the engine synchronously. The debug build
 * imports `env.abort` (failed assertions): it throws.
 */
export function instantiateScan(bytes: Uint8Array): ScanExports {
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
  return x;
}
