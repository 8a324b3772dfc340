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
import { view } from '../wire/views.js';

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
  /**
   * Column-table index of row r's first value: starts[at + r × stride]; the
   * scan's frame table itself (each DataRow entry holds it), or an owned
   * copy's own list. `endCol`: one past the last row's last value.
   */
  private starts: Int32Array;
  private at: number;
  private stride: number;
  private endCol: number;
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
    const frames = v.frames;
    const buf = v.buf;
    const last = (firstFrame + count - 1) * FRAME_INTS;
    const lastStart = frames[last + 1]!;
    this.starts = frames;
    this.at = firstFrame * FRAME_INTS + 3;
    this.stride = FRAME_INTS;
    this.endCol = frames[last + 3]! + ((buf[lastStart]! << 8) | buf[lastStart + 1]!);
    this.lo = frames[firstFrame * FRAME_INTS + 1]!;
    this.hi = lastStart + frames[last + 2]!;
    this.flagsReady = false;
  }

  /** Column-table index of row r's first value (r = rowCount: one past the last value). */
  private rowCol(r: number): number {
    return r === this.rowCount ? this.endCol : this.starts[this.at + r * this.stride]!;
  }

  /** The batch's DataRow frames as on the wire, one view: forward them unchanged. */
  get frameBytes(): Uint8Array {
    fresh(this.src, 'RowBatch');
    // The first frame's header sits 5 bytes before its payload (and its column count).
    return view(this.src.ab, this.src.abOffset + this.lo - 5, this.hi - this.lo + 5);
  }

  /** Values in row r (a RangeError if there is no row r). */
  columnCount(r: number): number {
    checkIndex('RowBatch row', r, this.rowCount);
    return this.rowCol(r + 1) - this.rowCol(r);
  }

  /** Column-table index of (r, c), after checking the batch is still valid and (r, c) exists (RangeError if not). */
  private index(r: number, c: number): number {
    fresh(this.src, 'RowBatch');
    checkIndex('RowBatch row', r, this.rowCount);
    const first = this.rowCol(r);
    checkIndex(`RowBatch column (row ${r})`, c, this.rowCol(r + 1) - first);
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
    const src = this.src;
    return view(src.ab, src.abOffset + src.columns[2 * k]!, len);
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
    const rows = new Array<(string | null)[]>(this.rowCount);
    const { starts, at, stride, rowCount } = this;
    // Every value lies inside the batch, and a batch of one scan inside the scan's latin1 image: where
    // the scan flagged ASCII, a short value is a substring of it (valueText's common case, inlined),
    // tested per value on its flag and length alone.
    const image = flags.length > 0 && this.lo >= src.textLo && this.hi <= src.textHi;
    const all = image ? scanText(src) : '';
    const lo = src.textLo;
    let first = starts[at]!;
    for (let r = 0; r < rowCount; r++) {
      const next = r + 1 < rowCount ? starts[at + (r + 1) * stride]! : this.endCol;
      const n = next - first;
      const out = new Array<string | null>(n);
      for (let c = 0; c < n; c++) {
        const k = first + c;
        const len = columns[2 * k + 1]!;
        if (len < 0) {
          out[c] = null;
          continue;
        }
        const s = columns[2 * k]! - lo;
        if (image && flags[k] === 0 && len <= SHORT_VALUE) out[c] = all.substring(s, s + len);
        else out[c] = valueText(src, s + lo, len, flags.length > 0 ? flags[k]! : -1);
      }
      rows[r] = out;
      first = next;
    }
    return rows;
  }

  /** A copy that stays valid across feeds (bytes, column table and flags). */
  toOwned(): RowBatch {
    this.readyFlags();
    const src = this.src;
    const first = this.rowCol(0);
    const last = this.endCol;
    const rowCols = new Int32Array(this.rowCount);
    for (let r = 0; r < this.rowCount; r++) rowCols[r] = this.rowCol(r) - first;
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
      starts: rowCols,
      at: 0,
      stride: 1,
      endCol: last - first,
      lo: 5,
      hi: this.hi - from,
      flagsReady: true,
    });
    return copy;
  }
}
