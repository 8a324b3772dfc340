/**
 * Which engine a decoder gets: WebAssembly by default, the TypeScript
 * reference where WebAssembly is unavailable; the PGCODEC_ENGINE
 * environment variable ('wasm' or 'js') forces one, for tests and
 * benchmarks.
 */
import type { Engine } from './engine.js';
import { JsEngine } from './js-engine.js';
import { WasmEngine, wasmSupported } from './wasm-engine.js';

export type EngineName = 'wasm' | 'js';

/** The engine the environment forces, if any. */
export function forcedEngine(): EngineName | undefined {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PGCODEC_ENGINE;
  return v === 'wasm' || v === 'js' ? v : undefined;
}

export function createEngine(requested?: EngineName): Engine {
  const want = forcedEngine() ?? requested ?? 'wasm';
  if (want === 'wasm' && wasmSupported()) return new WasmEngine();
  return new JsEngine();
}
