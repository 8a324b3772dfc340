/**
 * The tables of one scan, as the objects built on them see them. A decoder
 * makes a new view after every `feed` and marks the old one stale, so a
 * frame, row batch or DataRow kept across a feed is detected, not misread.
 */
import { StaleViewError } from '../errors.js';

/**
 * What a DataRow or RowBatch needs: the bytes and the column table pointing into them.
 * @inline
 */
export interface ColumnSource {
  readonly buf: Uint8Array;
  /** Per value: start index (in `buf`, plus `base`), length (-1 for NULL). */
  readonly columns: Int32Array;
  /** What to subtract from a start index to index `buf` (a copy of a scan's bytes from `base` on). */
  readonly base: number;
  /** Per value: bit 0 set if not ASCII; may be empty when not computed. */
  readonly flags: Uint8Array;
  /** Set once the bytes may have been overwritten. */
  readonly stale: boolean;
  /** buf's ArrayBuffer and byteOffset, read once: views are cut from them (see wire/views.ts). */
  readonly ab: ArrayBufferLike;
  readonly abOffset: number;
  /** latin1 image of buf[textLo, textHi) for value strings (see wire/value-text.ts); null until asked. */
  text: string | null;
  textLo: number;
  textHi: number;
}

/**
 * A scan's tables as its frames, row batches and rows see them. Owned
 * copies of rows are ScanViews too (see ownedSource), so DataRow and
 * RowBatch read one shape of source whichever kind they hold.
 */
export class ScanView implements ColumnSource {
  stale = false;
  /** Owned copy of scanned bytes from `arenaBase` on, for messages that keep their bytes. */
  arena: Uint8Array | null = null;
  arenaBase = 0;
  /** arena's ArrayBuffer and byteOffset, read once (see wire/views.ts). */
  arenaAb: ArrayBufferLike | null = null;
  arenaAbOffset = 0;
  /** The column table rebased onto `arena`, for DataRows that own their bytes. */
  arenaRows: ColumnSource | null = null;
  text: string | null = null;
  readonly ab: ArrayBufferLike;
  readonly abOffset: number;
  constructor(
    readonly buf: Uint8Array,
    public frames: Int32Array,
    public columns: Int32Array,
    public flags: Uint8Array,
    /** The scanned range: values lie in buf[textLo, textHi). */
    public textLo: number,
    public textHi: number,
    /** What to subtract from a start index to index `buf` (see ColumnSource). */
    readonly base = 0,
  ) {
    this.ab = buf.buffer;
    this.abOffset = buf.byteOffset;
  }
}

/** Throws if `src` is stale. */
export function fresh(src: ColumnSource, what: string): void {
  if (src.stale) throw new StaleViewError(what);
}

/** A column source that never goes stale: owned bytes (holding the scan's bytes from index `base` on). */
export function ownedSource(buf: Uint8Array, columns: Int32Array, flags: Uint8Array = NO_FLAGS, base = 0): ColumnSource {
  return new ScanView(buf, NO_FRAMES, columns, flags, 0, buf.length, base);
}

const NO_FRAMES = new Int32Array(0);
const NO_FLAGS = new Uint8Array(0);
