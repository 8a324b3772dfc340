/**
 * A run of consecutive DataRows over the scan's column table: nothing is
 * copied or decoded until asked. Values are views valid until the decoder's
 * next feed (then accessors throw StaleViewError), unless owned.
 *
 * `strings()` is the fast way to every value as a string: one latin1 decode
 * of the batch's bytes and a `substring` per ASCII value (using the scan's
 * non-ASCII flags), UTF-8 decoding only for flagged values.
 */
import { FRAME_INTS } from '../engine/engine.js';
import { fresh, ownedSource, type ColumnSource, type ScanView } from '../engine/scan-view.js';
import type { RowDescription } from '../messages/simple-query.js';
import { checkIndex } from '../options.js';
import { SHORT_VALUE, scanText, valueText } from '../wire/value-text.js';

/**
 * What a batch needs from its decoder.
 * @inline
 */
export interface RowBatchSource {
  /** The last RowDescription the decoder decoded. */
  readonly rowDescription: RowDescription | null;
  /** Computes the non-ASCII flags of the scan `v` belongs to. */
  ensureFlags(v: ScanView): void;
}

/**
 * Consecutive DataRows over the scan's column table (`readRowBatch()`): nothing
 * is copied or decoded until asked. Valid until the decoder's next feed, unless owned.
 * @inlineType ScanView
 */
export class RowBatch {
  /** How many rows the batch holds. */
  readonly rowCount: number;
  /** The RowDescription these rows follow, if the decoder has seen one. */
  readonly description: RowDescription | null;
  private src: ColumnSource;
  /** Column-table index of each row's first value, and one past the last row's. */
  private readonly rowCols: Int32Array;
  /** Buffer range of the batch's payloads. */
  private lo: number;
  private hi: number;
  private flagsReady: boolean;

  constructor(
    v: ScanView,
    firstFrame: number,
    count: number,
    private readonly source: RowBatchSource | null,
  ) {
    this.src = v;
    this.rowCount = count;
    this.description = source?.rowDescription ?? null;
    const rowCols = new Int32Array(count + 1);
    const frames = v.frames;
    const buf = v.buf;
    for (let r = 0; r < count; r++) rowCols[r] = frames[(firstFrame + r) * FRAME_INTS + 3]!;
    const last = (firstFrame + count - 1) * FRAME_INTS;
    const lastStart = frames[last + 1]!;
    rowCols[count] = rowCols[count - 1]! + ((buf[lastStart]! << 8) | buf[lastStart + 1]!);
    this.rowCols = rowCols;
    this.lo = frames[firstFrame * FRAME_INTS + 1]!;
    this.hi = lastStart + frames[last + 2]!;
    this.flagsReady = false;
  }

  /** The batch's DataRow frames as on the wire, one view: forward them unchanged. */
  get frameBytes(): Uint8Array {
    fresh(this.src, 'RowBatch');
    // The first frame's header sits 5 bytes before its payload (and its column count).
    return this.src.buf.subarray(this.lo - 5, this.hi);
  }

  /** Values in row r (a RangeError if there is no row r). */
  columnCount(r: number): number {
    checkIndex('RowBatch row', r, this.rowCount);
    return this.rowCols[r + 1]! - this.rowCols[r]!;
  }

  /** Column-table index of (r, c), after checking the batch is still valid and (r, c) exists (RangeError if not). */
  private index(r: number, c: number): number {
    fresh(this.src, 'RowBatch');
    checkIndex('RowBatch row', r, this.rowCount);
    const first = this.rowCols[r]!;
    checkIndex(`RowBatch column (row ${r})`, c, this.rowCols[r + 1]! - first);
    return first + c;
  }

  /** Whether value c of row r is SQL NULL (a RangeError if there is no such value). */
  isNull(r: number, c: number): boolean {
    return this.src.columns[2 * this.index(r, c) + 1]! < 0;
  }

  /** The value's bytes (a view), or null for NULL. */
  bytes(r: number, c: number): Uint8Array | null {
    const k = this.index(r, c);
    const len = this.src.columns[2 * k + 1]!;
    if (len < 0) return null;
    const start = this.src.columns[2 * k]!;
    return this.src.buf.subarray(start, start + len);
  }

  /** The value as a UTF-8 string, or null. */
  text(r: number, c: number): string | null {
    const k = this.index(r, c);
    const len = this.src.columns[2 * k + 1]!;
    if (len < 0) return null;
    const flags = this.src.flags;
    return valueText(this.src, this.src.columns[2 * k]!, len, this.flagsReady && k < flags.length ? flags[k]! : -1);
  }

  /** Row r's values as views (null for NULL). */
  row(r: number): (Uint8Array | null)[] {
    const n = this.columnCount(r);
    const out = new Array<Uint8Array | null>(n);
    for (let c = 0; c < n; c++) out[c] = this.bytes(r, c);
    return out;
  }

  private readyFlags(): void {
    if (this.flagsReady) return;
    fresh(this.src, 'RowBatch');
    this.source!.ensureFlags(this.src as ScanView);
    this.flagsReady = true;
  }

  /**
   * Every value of every row as a string (null for NULL): short ASCII
   * values are substrings of one latin1 decode of the batch (valueText),
   * using the scan's ASCII flags where it made them; others are decoded as
   * UTF-8 on their own.
   */
  strings(): (string | null)[][] {
    fresh(this.src, 'RowBatch');
    this.readyFlags();
    const src = this.src;
    const { columns, flags } = src;
    const hasFlags = flags.length > 0;
    // valueText's common case inlined: a short value the scan flagged ASCII is a substring of the scan's latin1 image.
    const all = hasFlags ? scanText(src) : '';
    const lo = src.textLo;
    const hi = src.textHi;
    const rows = new Array<(string | null)[]>(this.rowCount);
    const rowCols = this.rowCols;
    for (let r = 0; r < this.rowCount; r++) {
      const first = rowCols[r]!;
      const n = rowCols[r + 1]! - first;
      const out = new Array<string | null>(n);
      for (let c = 0; c < n; c++) {
        const k = first + c;
        const len = columns[2 * k + 1]!;
        if (len < 0) {
          out[c] = null;
          continue;
        }
        const s = columns[2 * k]!;
        // shortAscii(), spelled out: in this loop the call measured ~10 % slower.
        if (hasFlags && flags[k] === 0 && len <= SHORT_VALUE && s >= lo && s + len <= hi) out[c] = all.substring(s - lo, s + len - lo);
        else out[c] = valueText(src, s, len, hasFlags ? flags[k]! : -1);
      }
      rows[r] = out;
    }
    return rows;
  }

  /** A copy that stays valid across feeds (bytes, column table and flags). */
  toOwned(): RowBatch {
    this.readyFlags();
    const src = this.src;
    const first = this.rowCols[0]!;
    const last = this.rowCols[this.rowCount]!;
    // Copy from the first frame's header, so frameBytes works on the copy too.
    const from = this.lo - 5;
    const columns = src.columns.slice(2 * first, 2 * last);
    for (let k = 0; k < columns.length; k += 2) columns[k] -= from;
    const copy: RowBatch = Object.create(RowBatch.prototype);
    Object.assign(copy, {
      rowCount: this.rowCount,
      description: this.description,
      source: null,
      src: ownedSource(src.buf.slice(from, this.hi), columns, src.flags.slice(first, last)),
      rowCols: this.rowCols.map((x) => x - first),
      lo: 5,
      hi: this.hi - from,
      flagsReady: true,
    });
    return copy;
  }
}
