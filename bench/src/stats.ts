/** Order statistics of a handful of numbers: the per-round figures the report summarises. */

export interface Quartiles {
  p25: number;
  median: number;
  p75: number;
}

/** Quartiles plus the extremes: how far the rounds disagree. */
export interface Spread extends Quartiles {
  min: number;
  max: number;
  /** How many numbers it summarises. */
  n: number;
}

/** Linear interpolation between order statistics; `sorted` ascending, non-empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function quartiles(xs: readonly number[]): Quartiles {
  const s = [...xs].sort((a, b) => a - b);
  return { p25: quantile(s, 0.25), median: quantile(s, 0.5), p75: quantile(s, 0.75) };
}

export function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { p25: quantile(s, 0.25), median: quantile(s, 0.5), p75: quantile(s, 0.75), min: s[0] ?? NaN, max: s.at(-1) ?? NaN, n: s.length };
}

export function median(xs: readonly number[]): number {
  return quantile([...xs].sort((a, b) => a - b), 0.5);
}

export function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}
