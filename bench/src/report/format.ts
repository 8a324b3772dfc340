/** Number formatting shared by the table and the charts. */

export function mbps(x: number): string {
  return x >= 1000 ? Math.round(x).toLocaleString('en-US') : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function perSec(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(1);
}

export function ratio(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

export function percent(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  const p = 100 * x;
  return p >= 10 ? `${p.toFixed(0)}%` : `${p.toFixed(1)}%`;
}

export function bytes(n: number): string {
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

export function int(n: number): string {
  return n.toLocaleString('en-US');
}

/** "2.21 MiB, 30,000 rows, 30,003 messages" (messages only when the unit is not messages). */
export function sizeLine(w: { bytes: number; units: number; unit: string; messages: number }): string {
  return `${bytes(w.bytes)}, ${int(w.units)} ${w.unit}${w.unit === 'msgs' ? '' : `, ${int(w.messages)} messages`}`;
}

/** "2.31× (2.20–2.45)": a per-round ratio's median and p25–p75. */
export function formatRatioSpread(s: { median: number; p25: number; p75: number }): string {
  return `${ratio(s.median)} (${ratio(s.p25).replace('×', '')}–${ratio(s.p75)})`;
}

/** 1.5 GB-style sizes in 10^6 (matching MB/s), or MiB where a size is a power of two. */
export function mib(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(n % 2 ** 30 ? 2 : 0)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(n % 2 ** 20 ? 2 : 0)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(n % 2 ** 10 ? 1 : 0)} KiB`;
  return `${n} B`;
}
