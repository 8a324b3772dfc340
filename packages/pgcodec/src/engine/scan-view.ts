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

export class ScanView implements ColumnSource {
  stale = false;
  readonly base = 0;
  /** Owned copy of scanned bytes from `arenaBase` on, for messages that keep their bytes. */
  arena: Uint8Array | null = null;
  arenaBase = 0;
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
export function ownedSource(buf: Uint8Array, columns: Int32Array, flags: Uint8Array = new Uint8Array(0), base = 0): ColumnSource {
  return { buf, columns, flags, stale: false, base, text: null, textLo: 0, textHi: buf.length, ab: buf.buffer, abOffset: buf.byteOffset };
}
