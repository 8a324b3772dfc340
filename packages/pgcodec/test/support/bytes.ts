/** Builders for annotated byte fixtures: one field per line, each a helper naming its wire type. */

export type Part = number[] | Uint8Array;

export const byte = (c: string | number): number[] => [typeof c === 'string' ? c.charCodeAt(0) : c];
export const i16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
export const i32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
/** A NUL-terminated UTF-8 string. */
export const str = (s: string): number[] => [...new TextEncoder().encode(s), 0];
/** Bytes without terminator. */
export const raw = (s: string | number[]): number[] => (typeof s === 'string' ? [...new TextEncoder().encode(s)] : s);

export function cat(...parts: Part[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A standard frame: type, length (computed), payload fields. */
export function frame(type: string, ...fields: Part[]): Uint8Array {
  const body = cat(...fields);
  return cat(byte(type), i32(body.length + 4), body);
}

/** A startup packet: length (computed), fields. */
export function packet(...fields: Part[]): Uint8Array {
  const body = cat(...fields);
  return cat(i32(body.length + 4), body);
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
