/**
 * The window: the fixed buffer an engine scans in place, which a decoder
 * borrows with the engine while it has bytes buffered (see pool.ts).
 */

/** The window an engine gets unless told otherwise. */
export const DEFAULT_WINDOW_SIZE = 256 * 1024;
/** Smallest and largest windows (the WebAssembly module's bounds). */
export const MIN_WINDOW_SIZE = 64 * 1024;
export const MAX_WINDOW_SIZE = 256 * 1024 * 1024;

/** Throws a RangeError unless `windowSize` is an integer from MIN_WINDOW_SIZE to MAX_WINDOW_SIZE. */
export function checkWindowSize(windowSize: number): void {
  if (!Number.isInteger(windowSize) || windowSize < MIN_WINDOW_SIZE || windowSize > MAX_WINDOW_SIZE) {
    throw new RangeError(`windowSize must be an integer from ${MIN_WINDOW_SIZE} to ${MAX_WINDOW_SIZE}, got ${windowSize}`);
  }
}
