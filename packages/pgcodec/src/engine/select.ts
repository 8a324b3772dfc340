/**
 * Which engine a decoder gets: WebAssembly by default, the TypeScript
 * reference where WebAssembly is unavailable; the PGCODEC_ENGINE
 * environment variable ('wasm' or 'js') forces one, for tests and
 * benchmarks.
 */
import type { Engine } from './engine.js';
import { JsEngine } from './js-engine.js';
import { WasmEngine, checkWindowSize, wasmSupported } from './wasm-engine.js';

export type EngineName = 'wasm' | 'js';

/** The engine the environment forces, if any. */
export function forcedEngine(): EngineName | undefined {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PGCODEC_ENGINE;
  return v === 'wasm' || v === 'js' ? v : undefined;
}

/**
 * The engine for a decoder. `windowSize`: the WebAssembly engine's input
 * window in bytes (64 KiB to 256 MiB, default 256 KiB; its memory is about
 * 6.45 × that). Checked whichever engine is chosen, so a bad value fails
 * alike everywhere.
 */
export function createEngine(requested?: EngineName, windowSize?: number): Engine {
  if (windowSize !== undefined) checkWindowSize(windowSize);
  const want = forcedEngine() ?? requested ?? 'wasm';
  if (want === 'wasm' && wasmSupported()) return new WasmEngine(windowSize);
  return new JsEngine();
}
