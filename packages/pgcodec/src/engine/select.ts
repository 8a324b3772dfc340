/**
 * Which engine a decoder gets: the one its options ask for; else the one the
 * PGCODEC_ENGINE environment variable names ('wasm' or 'js', for test runs
 * and benchmarks), read once when pgcodec loads; else WebAssembly, or the
 * TypeScript reference where WebAssembly is unavailable.
 */
import { wasmSupported } from './wasm-engine.js';
import { DEFAULT_WINDOW_SIZE, checkWindowSize } from './window.js';

/** The engine that scans a decoder's bytes: 'wasm' (WebAssembly) or 'js' (the TypeScript reference). */
export type EngineName = 'wasm' | 'js';

interface Runtime {
  process?: { env?: Record<string, string | undefined> };
  Deno?: { permissions?: { querySync?(d: { name: 'env'; variable: string }): { state: string } } };
}

/**
 * PGCODEC_ENGINE, where reading it needs no permission: Deno would ask for
 * (or, without a terminal, refuse) env access, so there it is read only if
 * already granted. Browsers have no environment.
 */
function readEnvEngine(): EngineName | undefined {
  try {
    const rt = globalThis as Runtime;
    if (rt.Deno !== undefined && rt.Deno.permissions?.querySync?.({ name: 'env', variable: 'PGCODEC_ENGINE' }).state !== 'granted') return undefined;
    const v = rt.process?.env?.PGCODEC_ENGINE;
    return v === 'wasm' || v === 'js' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The engine PGCODEC_ENGINE names, read once at load. */
export const envEngine: EngineName | undefined = readEnvEngine();

/**
 * The engine a decoder borrows (see pool.ts): the one asked for, else
 * PGCODEC_ENGINE's, else WebAssembly where it runs. `windowSize` (64 KiB to
 * 256 MiB, default 256 KiB) is checked whichever engine is chosen, so a bad
 * value fails alike everywhere.
 */
export function chooseEngine(requested?: EngineName, windowSize?: number): { name: EngineName; windowSize: number } {
  if (windowSize !== undefined) checkWindowSize(windowSize);
  const want = requested ?? envEngine ?? 'wasm';
  return { name: want === 'wasm' && wasmSupported() ? 'wasm' : 'js', windowSize: windowSize ?? DEFAULT_WINDOW_SIZE };
}
