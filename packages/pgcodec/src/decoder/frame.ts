/**
 * A raw frame from a stream decoder: its type, its payload and whole-frame
 * bytes as views, and `decode()` into its message class on demand. For
 * proxies that forward or inspect without decoding.
 *
 *   bytes   = Byte1 type | Int32 length | payload
 *
 * Valid until the decoder's next feed (then it throws StaleViewError), or
 * for good with `{ owned: true }`.
 */
import { FRAME_INTS } from '../engine/engine.js';
import { fresh, type ScanView } from '../engine/scan-view.js';
import type { PgMessage } from '../messages/base.js';
import { copyRange } from '../wire/slab.js';
import { view } from '../wire/views.js';

/**
 * What a frame needs from its decoder.
 * @inline
 */
export interface FrameSource<M> {
  decodeFrame(v: ScanView, i: number, offset: number): M;
  /** Checks a frame without decoding it: its message type id, or -1 if it must be decoded (see MessageDecoder.skimFrame). */
  skimFrame(v: ScanView, i: number): number;
  /** Decodes a whole frame held in owned bytes. */
  decodeFrameBytes(bytes: Uint8Array, offset: number): M;
}

/**
 * A raw frame from a stream decoder: type and bytes as views, `decode()` on
 * demand. Valid until the decoder's next feed, unless `{ owned: true }`.
 * @inlineType ScanView
 */
export class Frame<M extends PgMessage = PgMessage> {
  private v: ScanView | null = null;
  private i = 0;
  private copied: Uint8Array | null = null;
  /** The message, once decoded: reading a frame and forwarding it decode it once. */
  private message: M | null = null;
  /** Stream offset of the frame's type byte. */
  offset = 0;

  constructor(private readonly source: FrameSource<M> | null) {}

  /** Points this frame at frame `i` of `v` (the decoder calls this). */
  point(v: ScanView, i: number, offset: number, owned: boolean): void {
    this.v = v;
    this.i = i;
    this.offset = offset;
    this.message = null;
    if (owned) {
      // Its own bytes, carved from a slab when small (as encodings are): a fresh ArrayBuffer per frame costs more than the copy.
      const at = i * FRAME_INTS;
      const start = v.frames[at + 1]!;
      this.copied = copyRange(v.buf, v.ab, v.abOffset, start - 5, start + v.frames[at + 2]!);
    } else {
      this.copied = null;
    }
  }

  private view(): ScanView {
    const v = this.v!;
    fresh(v, 'Frame');
    return v;
  }

  /** The type byte (e.g. 0x44 for 'D'). */
  get type(): number {
    if (this.copied !== null) return this.copied[0]!;
    return this.view().frames[this.i * FRAME_INTS]!;
  }

  /** The type byte as a character. */
  get typeCode(): string {
    return String.fromCharCode(this.type);
  }

  /** Payload length in bytes (the length field minus 4). */
  get length(): number {
    if (this.copied !== null) return this.copied.length - 5;
    return this.view().frames[this.i * FRAME_INTS + 2]!;
  }

  /** The payload: everything after type and length. */
  get payload(): Uint8Array {
    return this.copied !== null ? this.copied.subarray(5) : this.slice(5);
  }

  /** The whole frame as on the wire: forward these bytes unchanged. */
  get bytes(): Uint8Array {
    return this.copied ?? this.slice(0);
  }

  private slice(skip: number): Uint8Array {
    const v = this.view();
    const at = this.i * FRAME_INTS;
    const start = v.frames[at + 1]!;
    return view(v.ab, v.abOffset + start - 5 + skip, 5 - skip + v.frames[at + 2]!);
  }

  /** Decodes the frame into its message class (for the decoder's direction and phase); once: later calls return the same message. */
  decode(): M {
    if (this.message !== null) {
      if (this.copied === null) this.view(); // a view frame's message is checked for staleness as its bytes are
      return this.message;
    }
    return (this.message =
      this.copied !== null ? this.source!.decodeFrameBytes(this.copied, this.offset) : this.source!.decodeFrame(this.view(), this.i, this.offset));
  }
}
