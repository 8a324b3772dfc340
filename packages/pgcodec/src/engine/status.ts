/**
 * Scan status codes, shared by the AssemblyScript engine (packages/wasm
 * imports this very file) and the TypeScript one; the decoders turn them
 * into typed errors. Keep this file valid AssemblyScript: a plain enum only.
 */
export enum Status {
  /** Every complete frame was scanned; what remains (if anything) is an incomplete frame. */
  OK = 0,
  /** A length field below 4. errorOffset: the length field. */
  LENGTH_TOO_SMALL = 1,
  /** A length field above the maximum message size. errorOffset: the length field. */
  LENGTH_TOO_LARGE = 2,
  /** A DataRow's column count needs more bytes than the frame holds. errorOffset: the count field. */
  ROW_COUNT_TRUNCATED = 3,
  /** A DataRow column has fewer than 4 bytes left for its length. errorOffset: where the length should be. */
  ROW_LENGTH_TRUNCATED = 4,
  /** A DataRow column length is negative and not -1. errorOffset: the length field. */
  ROW_NEGATIVE_LENGTH = 5,
  /** A DataRow value runs past the frame. errorOffset: its length field. */
  ROW_VALUE_TRUNCATED = 6,
  /** A DataRow has bytes after its last column. errorOffset: the first extra byte. */
  ROW_TRAILING_BYTES = 7,
  /** The frame or column table is full: scan again from `consumed` after using what was found. */
  TABLE_FULL = 8,
}
