/**
 * Compares two byte strings in time that depends only on their lengths, so
 * a server signature or stored key cannot be guessed byte by byte from how
 * long a mismatch takes to report. Lengths are public (digest sizes), so a
 * length mismatch returns at once.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
