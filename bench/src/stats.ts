/** Medians and quartiles of timing samples, turned into MB/s and units/s. */

export interface Quartiles {
  p25: number;
  median: number;
  p75: number;
}

/** Linear interpolation between order statistics; `sorted` ascending, non-empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function quartiles(samples: readonly number[]): Quartiles {
  const s = [...samples].sort((a, b) => a - b);
  return { p25: quantile(s, 0.25), median: quantile(s, 0.5), p75: quantile(s, 0.75) };
}

export interface Rates {
  /** MB/s (10^6 bytes per second): median and quartiles over samples. */
  mbps: Quartiles;
  /** Units (rows or messages) per second. */
  unitsPerSec: Quartiles;
  /** Half the interquartile range relative to the median, in percent. */
  spreadPct: number;
  /** Median time of one pass over the stream, ms. */
  medianMs: number;
  samples: number;
}

/** From per-pass latencies (ms) of a stream of `bytes` holding `units` units. */
export function rates(latenciesMs: readonly number[], bytes: number, units: number): Rates {
  const lat = quartiles(latenciesMs);
  // a faster pass is a higher rate: the rate's p25 is the latency's p75
  const per = (amount: number): Quartiles => ({
    p25: (amount * 1000) / lat.p75,
    median: (amount * 1000) / lat.median,
    p75: (amount * 1000) / lat.p25,
  });
  const mbps = per(bytes / 1e6);
  return {
    mbps,
    unitsPerSec: per(units),
    spreadPct: lat.median > 0 ? (100 * (lat.p75 - lat.p25)) / 2 / lat.median : 0,
    medianMs: lat.median,
    samples: latenciesMs.length,
  };
}
