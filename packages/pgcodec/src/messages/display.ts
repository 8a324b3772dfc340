/**
 * How messages look to a person: `toJSON()` (plain data with the `type`;
 * bytes as hex strings) and a one-line `toString()`, which Node's
 * `util.inspect` (and so `console.log`) uses too. Readable, never the
 * source of truth: the wire form is `toWire()`.
 */

const MAX_TEXT = 60;
const MAX_ITEMS = 8;

/** A string as a quoted literal, cut short. */
export function quote(s: string): string {
  const q = JSON.stringify(s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);
  return q.replace(/^"|"$/g, "'");
}

/** Bytes as hex, for JSON. */
export function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

/** A value as JSON-ready data: bytes as hex, objects and arrays deep. */
export function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return hex(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

/** A value in one short line. */
export function brief(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (Array.isArray(v)) {
    const items = v.slice(0, MAX_ITEMS).map(brief);
    return `[${items.join(', ')}${v.length > MAX_ITEMS ? `, … ${v.length - MAX_ITEMS} more` : ''}]`;
  }
  if (typeof v === 'object' && v !== undefined) {
    return `{${Object.entries(v as object)
      .map(([k, x]) => `${k}: ${brief(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** `k=v` for each own field: the default one-line form of a message's fields. */
export function fieldsLine(o: object): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}=${brief(v)}`)
    .join(' ');
}
