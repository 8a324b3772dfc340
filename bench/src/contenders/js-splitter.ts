/**
 * The frames group's reference: a plain JS frame splitter, written here as
 * a careful hand would write it, under pgcodec's contract for frames (valid
 * until the next read). Each read is walked header to header; a frame
 * wholly inside the read is handed out as a view of it (type, start, end:
 * no copy); only a frame cut by the end of a read is copied, into one
 * assembly buffer reused from frame to frame, and completed from the next
 * reads. Over tcp the socket reads into one reused buffer (node's onread),
 * as pgcodec's decoders do.
 *
 *   frame  Byte1 type | Int32 length (counts itself, not the type) | payload
 */
import { sink, sessionVariant, type Session, type SocketSession, type Variant } from './types.ts';

/** Called for every complete frame: its type and its bytes as buf[start, end). */
type OnFrame = (type: number, buf: Uint8Array, start: number, end: number) => void;

export class FrameSplitter {
  /** Where a frame cut by reads is put together; it grows to the largest such frame. */
  private asm = new Uint8Array(0);
  /** Size of the frame being put together (0: none), and its bytes so far (header included once known). */
  private want = 0;
  private have = 0;
  /** Up to 5 header bytes begun in an earlier read. */
  private readonly head = new Uint8Array(5);
  private headHave = 0;

  constructor(private readonly onFrame: OnFrame) {}

  feed(b: Uint8Array): void {
    let p = 0;
    const n = b.length;
    if (this.headHave > 0 || this.want > 0) p = this.resume(b);
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
      this.begin(size);
      this.asm.set(b.subarray(p, n));
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
      this.begin(1 + (((h[1]! << 24) | (h[2]! << 16) | (h[3]! << 8) | h[4]!) >>> 0));
      this.asm.set(h);
      this.have = 5;
      this.headHave = 0;
    }
    const take = Math.min(this.want - this.have, b.length - p);
    this.asm.set(b.subarray(p, p + take), this.have);
    this.have += take;
    p += take;
    if (this.have === this.want) {
      const size = this.want;
      this.want = 0;
      this.onFrame(this.asm[0]!, this.asm, 0, size);
    }
    return p;
  }

  private begin(size: number): void {
    if (this.asm.length < size) this.asm = new Uint8Array(Math.max(size, 2 * this.asm.length));
    this.want = size;
  }
}

/** Counts frames and sums their types (so the walk is not dead code). */
function counter() {
  let frames = 0;
  let types = 0;
  const splitter = new FrameSplitter((type) => {
    frames++;
    types += type;
  });
  return {
    splitter,
    end() {
      sink.value += types;
      const n = frames;
      frames = 0;
      return n;
    },
  };
}

const READ = 64 * 1024;

const variant = sessionVariant({
  contender: 'js-splitter',
  how: 'split',
  explain: 'a plain JS splitter written here: headers walked in each read, frames inside it as views, only a frame cut by a read copied (into one reused buffer)',
  group: 'frames',
  reference: true,
  supports: () => true,
  open(): Session {
    const c = counter();
    return { feed: (chunk) => c.splitter.feed(chunk), end: c.end };
  },
});

const variants: Variant[] = [
  {
    ...variant,
    socket(): SocketSession {
      const c = counter();
      const buf = new Uint8Array(READ);
      let received = 0;
      return {
        onread: {
          buffer: () => buf,
          callback(n: number) {
            received += n;
            c.splitter.feed(buf.subarray(0, n));
            return true;
          },
        },
        get received() {
          return received;
        },
        begin() {},
        end: c.end,
      };
    },
  },
];

export default variants;
