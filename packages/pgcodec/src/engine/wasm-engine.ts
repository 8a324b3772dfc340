/**
 * The WebAssembly engine: the AssemblyScript scan of packages/wasm, whose
 * release build is embedded in wasm-binary.generated.ts by this package's
 * build. The module is compiled once, synchronously on first use (or ahead
 * with `init()`, as browsers want for large modules off the main thread);
 * each engine is one instance with its own memory: an input window of the
 * size the engine is made with and the tables, laid out once by the module's
 * `init` (which grows the memory once) and never grown again. The memory of
 * an engine is about 6.45 × its window (the window, 3.2× for the frame
 * table, 2× for the column table, 0.25× for the flags), in whole 64 KiB
 * pages.
 */
import type { Detail, Engine, ScanResult } from './engine.js';
import { Status } from './status.js';
import { wasmBinaryBase64 } from './wasm-binary.generated.js';
import { DEFAULT_WINDOW_SIZE, checkWindowSize } from './window.js';

/** The scan module's exports (see packages/wasm/src/exports.ts for each one's meaning). */
interface ScanExports {
  memory: WebAssembly.Memory;
  init(capacity: number): number;
  inputPtr(): number;
  inputCapacity(): number;
  framesPtr(): number;
  frameCapacity(): number;
  columnsPtr(): number;
  columnCapacity(): number;
  flagsPtr(): number;
  resultsPtr(): number;
  scan(start: number, end: number, maxMessageSize: number, detail: number): number;
  highBitsIn(start: number, end: number): number;
}

let compiled: WebAssembly.Module | null = null;


function bytes(): Uint8Array {
  const s = atob(wasmBinaryBase64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** True where WebAssembly can run. */
export function wasmSupported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.Module === 'function';
}

/** Compiles the module asynchronously ahead of first use (needed in browsers for modules this size on the main thread). */
export async function init(): Promise<void> {
  compiled ??= await WebAssembly.compile(bytes() as BufferSource);
}

function module(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(bytes() as BufferSource));
}

export class WasmEngine implements Engine {
  readonly name = 'wasm';
  readonly input: Uint8Array;
  readonly frames: Int32Array;
  readonly columns: Int32Array;
  readonly flags: Uint8Array;
  private readonly results: Int32Array;
  private readonly ex: ScanExports;
  readonly windowSize: number;

  /**
   * @param windowSize bytes of input window (rounded up to a multiple of 64); frames larger than
   *   it are the TypeScript engine's. The instance's memory is about 6.45 × windowSize.
   */
  constructor(windowSize: number = DEFAULT_WINDOW_SIZE) {
    checkWindowSize(windowSize);
    this.windowSize = windowSize;
    this.ex = new WebAssembly.Instance(module(), {}).exports as unknown as ScanExports;
    const ex = this.ex;
    // Lays the regions out and grows the memory, once: before any view is made.
    const r = ex.init(windowSize);
    if (r !== 0) throw new Error(`pgcodec: the WebAssembly engine could not lay out a ${windowSize}-byte window (init error ${r})`);
    const mem = ex.memory.buffer;
    // Views are made once: the memory never grows after init.
    this.input = new Uint8Array(mem, ex.inputPtr(), ex.inputCapacity());
    this.frames = new Int32Array(mem, ex.framesPtr(), ex.frameCapacity() * 4);
    this.columns = new Int32Array(mem, ex.columnsPtr(), ex.columnCapacity() * 2);
    this.flags = new Uint8Array(mem, ex.flagsPtr(), ex.columnCapacity());
    this.results = new Int32Array(mem, ex.resultsPtr(), 6);
  }

  /** The input region: a decoder buffers here and the scan reads it in place. */
  get window(): Uint8Array {
    return this.input;
  }

  /** Whether any byte of `buf[start, end)` is ≥ 0x80: copied through the window a piece at a time, checked with SIMD. */
  highBits(buf: Uint8Array, start: number, end: number): boolean {
    const w = this.input;
    for (let at = start; at < end; at += w.length) {
      const n = Math.min(w.length, end - at);
      w.set(new Uint8Array(buf.buffer, buf.byteOffset + at, n));
      if (this.ex.highBitsIn(0, n) !== 0) return true;
    }
    return false;
  }

  scan(start: number, end: number, maxMessageSize: number, detail: Detail): ScanResult {
    // The export takes an i32: clamp (a larger maximum means no maximum).
    const status = this.ex.scan(start, end, Math.min(maxMessageSize, 0x7fffffff), detail) as Status;
    const r = this.results;
    return { status, frameCount: r[1]!, columnCount: r[2]!, consumed: r[3]!, errorOffset: r[4]!, errorFrame: r[5]! };
  }
}
