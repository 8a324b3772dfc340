/**
 * A small seeded pseudo-random generator, so every workload is the same bytes
 * on every run and every machine. A 32-bit counter stepped by the golden-ratio
 * increment, passed through a multiply–xorshift finaliser. Not for anything
 * but test data.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }
}

const ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 _');

/** `n` bytes of printable ASCII (letters, digits, space, underscore). */
export function asciiBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let i = 0;
  // five 6-bit picks per 32-bit draw
  while (i < n) {
    let r = rng.u32();
    for (let k = 0; k < 5 && i < n; k++, r >>>= 6) out[i++] = ALPHABET[r & 63]!;
  }
  return out;
}
