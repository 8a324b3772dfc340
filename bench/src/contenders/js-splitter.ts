/**
 * The frames group's reference: a plain JS frame splitter, written here as
 * a careful hand would write it. Each read is walked header to header; a
 * frame wholly inside the read is handed out as a view of it (type, start,
 * end: no copy); only a frame cut by the end of a read is copied, into a
 * buffer of its size, and completed from the next reads.
 *
 *   frame  Byte1 type | Int32 length (counts itself, not the type) | payload
 */
import { sink, sessionVariant, type Session } from './types.ts';

/** Called for every complete frame: its type and its bytes as buf[start, end). */
type OnFrame = (type: number, buf: Uint8Array, start: number, end: number) => void;

export class FrameSplitter {
  /** A frame begun in an earlier read: its bytes so far (header included once known). */
  private partial: Uint8Array | null = null;
  private have = 0;
  /** Up to 5 header bytes begun in an earlier read. */
  private readonly head = new Uint8Array(5);
  private headHave = 0;

  constructor(private readonly onFrame: OnFrame) {}

  feed(b: Uint8Array): void {
    let p = 0;
    const n = b.length;
    if (this.headHave > 0 || this.partial !== null) p = this.resume(b);
    while (p < n) {
      if (n - p < 5) {
        this.head.set(b.subarray(p, n));
        this.headHave = n - p;
        return;
      }
      const size = 1 + (((b[p + 1]! << 24) | (b[p + 2]! << 16) | (b[p + 3]! << 8) | b[p + 4]!) >>> 0);
      if (p + size <= n) {
        this.onFrame(b[p]!, b, p, p + size);
        p += size;
        continue;
      }
      const f = new Uint8Array(size);
      f.set(b.subarray(p, n));
      this.partial = f;
      this.have = n - p;
      return;
    }
  }

  /** Completes what an earlier read began; returns where the next frame starts in `b`. */
  private resume(b: Uint8Array): number {
    let p = 0;
    if (this.headHave > 0) {
      const take = Math.min(5 - this.headHave, b.length);
      this.head.set(b.subarray(0, take), this.headHave);
      this.headHave += take;
      p = take;
      if (this.headHave < 5) return p;
      const h = this.head;
      const size = 1 + (((h[1]! << 24) | (h[2]! << 16) | (h[3]! << 8) | h[4]!) >>> 0);
      this.partial = new Uint8Array(size);
      this.partial.set(h);
      this.have = 5;
      this.headHave = 0;
    }
    const f = this.partial!;
    const take = Math.min(f.length - this.have, b.length - p);
    f.set(b.subarray(p, p + take), this.have);
    this.have += take;
    p += take;
    if (this.have === f.length) {
      this.partial = null;
      this.onFrame(f[0]!, f, 0, f.length);
    }
    return p;
  }
}

export default [
  sessionVariant({
    contender: 'js-splitter',
    how: 'split',
    explain: 'a plain JS splitter written here: headers walked in each read, frames inside it as views, only a frame cut by a read copied',
    group: 'frames',
    reference: true,
    supports: () => true,
    open(): Session {
      let frames = 0;
      let types = 0;
      const s = new FrameSplitter((type) => {
        frames++;
        types += type;
      });
      return {
        feed: (chunk) => s.feed(chunk),
        end() {
          sink.value += types;
          return frames;
        },
      };
    },
  }),
];
