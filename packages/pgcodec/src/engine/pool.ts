/**
 * Engines are lent, not owned. A decoder borrows one (its window and
 * tables) while it has bytes to scan and gives it back once it has drained
 * and nothing it handed out can still point into the window; so an idle
 * connection holds no window. A WebAssembly engine's memory is about
 * 6.45 × its window (1.65 MB at the default 256 KiB): owned per decoder,
 * 10 000 idle connections would hold 16 GB; lent, they hold what is busy.
 *
 * One pool per thread (per module instance: JavaScript threads share no
 * objects), one free list per engine and window size. A few engines are
 * kept warm for the next borrower, since making a WebAssembly instance
 * costs about 0.7 ms; the rest go to the garbage collector.
 */
import type { Engine } from './engine.js';
import { JsEngine } from './js-engine.js';
import { WasmEngine } from './wasm-engine.js';

/** Engines kept per free list. */
export const POOL_KEEP = 16;

/** Free engines by kind, then window size. */
const free = { wasm: new Map<number, Engine[]>(), js: new Map<number, Engine[]>() };
let lent = 0;

/** An engine of this kind and window size, from the free list or new. */
export function borrowEngine(name: 'wasm' | 'js', windowSize: number): Engine {
  lent++;
  const e = free[name].get(windowSize)?.pop();
  if (e !== undefined) return e;
  return name === 'wasm' ? new WasmEngine(windowSize) : new JsEngine(windowSize);
}

/** Takes an engine back; its window and tables may be handed to the next borrower at once. */
export function returnEngine(e: Engine): void {
  lent--;
  const lists = free[e.name];
  let list = lists.get(e.windowSize);
  if (list === undefined) lists.set(e.windowSize, (list = []));
  if (list.length < POOL_KEEP) list.push(e);
}

/** Engines lent now and kept free (for tests and the memory benchmark). */
export function enginePoolStats(): { lent: number; free: number } {
  let n = 0;
  for (const lists of [free.wasm, free.js]) for (const list of lists.values()) n += list.length;
  return { lent, free: n };
}
