/**
 * Checks for options and arguments that callers pass in: a wrong type is a
 * TypeError, a number outside its documented range a RangeError, both at
 * once (at construction), never a decoder that misbehaves later.
 */

/** `v` must be an integer from `min` to `max` (or undefined when optional). */
export function checkInteger(name: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
}

/** `v` must be a boolean, or undefined. */
export function checkBoolean(name: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describe(v)}`);
}

/** `v` must be one of `allowed`, or undefined. */
export function checkOneOf(name: string, v: unknown, allowed: readonly unknown[]): void {
  if (v !== undefined && !allowed.includes(v)) {
    throw new TypeError(`${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(v)}`);
  }
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? 'an object' : String(v);
}

/**
 * `i` must be an integer index below `n`. Rows, columns and frames are
 * indexed the same way everywhere: anything else is a RangeError.
 */
export function checkIndex(what: string, i: number, n: number): void {
  if (i >>> 0 !== i || i >= n) throw new RangeError(`${what} ${String(i)} is out of range (there are ${n})`);
}
