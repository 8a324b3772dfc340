/**
 * What a workload holds, counted by walking its standard frames directly
 * (Byte1 type | Int32 length | payload): independent of every contender, so
 * the checksums the contenders must return come from here.
 *
 *   DataRow  'D' | Int32 len | Int16 count | count × (Int32 n | n bytes, n = -1 for NULL)
 */

const DATA_ROW = 0x44;

/** Message count and DataRow count; throws unless the stream is whole frames. */
export function frameCounts(bytes: Uint8Array): { messages: number; dataRows: number } {
  let p = 0;
  let messages = 0;
  let dataRows = 0;
  while (p < bytes.length) {
    if (bytes.length - p < 5) throw new Error(`truncated header at ${p}`);
    const len = ((bytes[p + 1]! << 24) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 8) | bytes[p + 4]!) >>> 0;
    if (len < 4 || p + 1 + len > bytes.length) throw new Error(`bad frame length ${len} at ${p}`);
    if (bytes[p] === DATA_ROW) dataRows++;
    messages++;
    p += 1 + len;
  }
  return { messages, dataRows };
}

/** UTF-16 code units of the string that the UTF-8 bytes [from, to) decode to (valid UTF-8 assumed). */
function utf16Length(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const x = b[i]!;
    // every byte but a continuation byte starts a character; a 4-byte one is a surrogate pair
    if ((x & 0xc0) !== 0x80) n++;
    if (x >= 0xf0) n++;
  }
  return n;
}

/**
 * The checksum of the strings group: over every DataRow value, length + 1
 * of its string (so '' counts 1), 0 for NULL. A variant that turns every
 * value into a string returns the same sum from the strings it made.
 */
export function valueChecksum(bytes: Uint8Array): number {
  let p = 0;
  let sum = 0;
  while (p + 5 <= bytes.length) {
    const len = ((bytes[p + 1]! << 24) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 8) | bytes[p + 4]!) >>> 0;
    if (bytes[p] === DATA_ROW) {
      const count = (bytes[p + 5]! << 8) | bytes[p + 6]!;
      let q = p + 7;
      for (let c = 0; c < count; c++) {
        const n = (bytes[q]! << 24) | (bytes[q + 1]! << 16) | (bytes[q + 2]! << 8) | bytes[q + 3]!;
        q += 4;
        if (n >= 0) {
          sum += utf16Length(bytes, q, q + n) + 1;
          q += n;
        }
      }
    }
    p += 1 + len;
  }
  return sum;
}

/** What a strings-group variant adds for one value it made. */
export function valueSum(v: string | null): number {
  return v === null ? 0 : v.length + 1;
}
