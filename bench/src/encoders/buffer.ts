/**
 * The DataRow reference: a hand-written encoder on node's Buffer, as a
 * server written in JS would do it without a codec. One pass to size the
 * message (Buffer.byteLength per value), one allocation, one write per value.
 *
 *   DataRow  'D' | Int32 length | Int16 count | count × (Int32 n | n bytes; n = -1 for NULL)
 */
import type { Encoder } from './types.ts';

export function encodeDataRow(values: readonly (string | null)[]): Buffer {
  let size = 7;
  for (const v of values) size += v === null ? 4 : 4 + Buffer.byteLength(v, 'utf8');
  const b = Buffer.allocUnsafe(size);
  b[0] = 0x44;
  b.writeInt32BE(size - 1, 1);
  b.writeInt16BE(values.length, 5);
  let p = 7;
  for (const v of values) {
    if (v === null) {
      b.writeInt32BE(-1, p);
      p += 4;
      continue;
    }
    const n = b.write(v, p + 4, 'utf8');
    b.writeInt32BE(n, p);
    p += 4 + n;
  }
  return b;
}

export const bufferEncoder: Encoder = {
  contender: 'hand-written',
  how: 'Buffer',
  explain: "a DataRow encoder written here on node's Buffer: byteLength per value, one allocation, Buffer.write per value",
  isReference: (k) => k.name === 'DataRow',
  supports: (k) => k.name === 'DataRow',
  prepare: (k) => (i) => encodeDataRow(k.rows[i]!),
};
