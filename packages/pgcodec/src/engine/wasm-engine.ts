/**
 * The WebAssembly engine: the AssemblyScript scan of packages/wasm, whose
 * release build is embedded in wasm-binary.generated.ts by this package's
 * build. The module is compiled once, synchronously on first use (or ahead
 * with `init()`, as browsers want for large modules off the main thread);
 * each engine is one instance with its own fixed memory: an input window and
 * the tables, laid out once and never grown.
 */
import type { Detail, Engine, ScanResult } from './engine.js';
import { Status } from './status.js';
import { wasmBinaryBase64 } from './wasm-binary.generated.js';

/** The scan module's exports (see packages/wasm/src/exports.ts for each one's meaning). */
interface ScanExports {
  memory: WebAssembly.Memory;
  inputPtr(): number;
  inputCapacity(): number;
  framesPtr(): number;
  frameCapacity(): number;
  columnsPtr(): number;
  columnCapacity(): number;
  flagsPtr(): number;
  resultsPtr(): number;
  scan(start: number, end: number, maxMessageSize: number, detail: number): number;
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

  constructor() {
    this.ex = new WebAssembly.Instance(module(), {}).exports as unknown as ScanExports;
    const ex = this.ex;
    const mem = ex.memory.buffer;
    // Views are made once: the memory never grows.
    this.input = new Uint8Array(mem, ex.inputPtr(), ex.inputCapacity());
    this.frames = new Int32Array(mem, ex.framesPtr(), ex.frameCapacity() * 4);
    this.columns = new Int32Array(mem, ex.columnsPtr(), ex.columnCapacity() * 2);
    this.flags = new Uint8Array(mem, ex.flagsPtr(), ex.columnCapacity());
    this.results = new Int32Array(mem, ex.resultsPtr(), 6);
  }

  scan(start: number, end: number, maxMessageSize: number, detail: Detail): ScanResult {
    // The export takes an i32: clamp (a larger maximum means no maximum).
    const status = this.ex.scan(start, end, Math.min(maxMessageSize, 0x7fffffff), detail) as Status;
    const r = this.results;
    return { status, frameCount: r[1]!, columnCount: r[2]!, consumed: r[3]!, errorOffset: r[4]!, errorFrame: r[5]! };
  }
}
