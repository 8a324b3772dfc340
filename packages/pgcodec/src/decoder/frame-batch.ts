/**
 * The complete frames at the head of the stream as one batch over the
 * scan's frame table: index them instead of iterating objects, the fastest
 * way to split a stream. Valid until the decoder's next feed.
 */
import { FRAME_INTS } from '../engine/engine.js';
import { fresh, type ScanView } from '../engine/scan-view.js';
import { checkIndex } from '../options.js';
import type { PgMessage } from '../messages/base.js';
import type { FrameSource } from './frame.js';
import { view } from '../wire/views.js';

/**
 * The complete frames at the head of the stream as one batch, indexed rather
 * than iterated (`readFrames()`). Valid until the decoder's next feed.
 * @inlineType ScanView
 */
export class FrameBatch<M extends PgMessage = PgMessage> {
  /** Messages decoded so far, by frame: a connection checking the batch and the one forwarding it decode each frame once. */
  private decoded: (M | undefined)[] | null = null;

  constructor(
    private readonly v: ScanView,
    /** Index of the first frame in the scan's frame table. */
    readonly first: number,
    /** Frames in the batch. */
    readonly count: number,
    /** Stream offset of the first frame. */
    readonly offset: number,
    private readonly source: FrameSource<M>,
  ) {}

  /** @internal Whether this batch indexes the frame table of `v`. */
  over(v: ScanView): boolean {
    return this.v === v;
  }

  /** @internal The first `n` frames of this batch, sharing the messages decoded so far. */
  head(n: number): FrameBatch<M> {
    const b = new FrameBatch<M>(this.v, this.first, n, this.offset, this.source);
    b.decoded = this.decoded;
    return b;
  }

  /** Type byte of frame i (a RangeError if there is no frame i, as for every index here). */
  type(i: number): number {
    return this.v.frames[this.at(i)]!;
  }

  /** Payload length of frame i. */
  length(i: number): number {
    return this.v.frames[this.at(i) + 2]!;
  }

  /** Frame-table index of frame i, after checking the batch is still valid and frame i exists. */
  private at(i: number): number {
    fresh(this.v, 'FrameBatch');
    checkIndex('FrameBatch frame', i, this.count);
    return (this.first + i) * FRAME_INTS;
  }

  /** Payload of frame i (a view). */
  payload(i: number): Uint8Array {
    return this.range(i, 0);
  }

  /** Frame i as on the wire (a view): forward it unchanged. */
  bytes(i: number): Uint8Array {
    return this.range(i, 5);
  }

  /** All the batch's frames as one view, in order: forward a whole batch at once. */
  get allBytes(): Uint8Array {
    return this.spanBytes(0, this.count);
  }

  /** Frames `start` to `end` (exclusive) as one view, in order: forward a run of the batch at once. */
  spanBytes(start: number, end: number): Uint8Array {
    fresh(this.v, 'FrameBatch');
    checkIndex('FrameBatch span start', start, this.count);
    checkIndex('FrameBatch span end', end - 1, this.count);
    if (end <= start) throw new RangeError(`FrameBatch span: end ${end} must be past start ${start}`);
    const f = this.v.frames;
    const a = (this.first + start) * FRAME_INTS;
    const z = (this.first + end - 1) * FRAME_INTS;
    const from = f[a + 1]! - 5;
    return view(this.v.ab, this.v.abOffset + from, f[z + 1]! + f[z + 2]! - from);
  }

  /** Frame i decoded into its message class (once: later calls return the same message). */
  decode(i: number): M {
    const at = this.at(i);
    const memo = (this.decoded ??= []);
    const had = memo[i];
    if (had !== undefined) return had;
    const f = this.v.frames;
    return (memo[i] = this.source.decodeFrame(this.v, this.first + i, this.offset + (f[at + 1]! - f[this.first * FRAME_INTS + 1]!)));
  }

  /**
   * @internal Frame i checked without decoding it (once: the decoder
   * remembers the answer): its message type id (messages/type-ids.ts) if
   * its payload is well formed, -1 if only decoding it can tell (see
   * MessageDecoder.skimFrame).
   */
  skim(i: number): number {
    checkIndex('FrameBatch frame', i, this.count);
    return this.source.skimFrame(this.v, this.first + i);
  }

  /** @internal The first payload byte of frame i, 0 if it has none (a Describe's kind). */
  firstByte(i: number): number {
    const at = this.at(i);
    return this.v.frames[at + 2]! > 0 ? this.v.buf[this.v.frames[at + 1]!]! : 0;
  }

  private range(i: number, header: number): Uint8Array {
    const at = this.at(i);
    const start = this.v.frames[at + 1]!;
    return view(this.v.ab, this.v.abOffset + start - header, header + this.v.frames[at + 2]!);
  }
}
