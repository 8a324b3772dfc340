/**
 * Bytes fed but not yet decoded.
 *
 * Storage is the engine's fixed window when there is one (WebAssembly
 * memory: scanned where it lies) and a growable heap buffer otherwise, or
 * when pending bytes outgrow the window (a frame larger than the window is
 * scanned by the TypeScript engine in place; the window is used again once
 * the heap buffer drains). The window is never grown, so views and sockets
 * bound to it stay valid.
 *
 * Views into the buffer are valid until the next `append` (the decoder marks
 * them stale): consumed bytes are compacted away in place. Growth doubles,
 * so a message of N bytes fed in small chunks is copied at most about 3N
 * times in all, and memory grows only with bytes received, never with a
 * length field alone; when the frame at the head is known to need less than
 * double, growth stops at that frame's size (plus the read that overflows).
 */

const MIN_CAPACITY = 64 * 1024;
const EMPTY = new Uint8Array(0);

/** A decoder's bytes fed and not yet decoded: from `start` to `end` of `buf`. */
export class StreamBuffer {
  /** The storage: the engine's window, or a heap buffer. */
  buf: Uint8Array;
  /** Index of the first unconsumed byte. */
  start = 0;
  /** Index one past the last byte fed. */
  end = 0;
  /** Stream offset of `buf[start]`: bytes consumed since the beginning. */
  offset = 0;
  /** Every byte copied so far (fed in, or moved); for tests of linear cost. */
  bytesCopied = 0;
  /** True while `buf` is the window. */
  inWindow: boolean;

  constructor(private readonly window: Uint8Array | null = null) {
    this.buf = window ?? EMPTY;
    this.inWindow = window !== null;
  }

  /** Bytes fed and not yet consumed. */
  get length(): number {
    return this.end - this.start;
  }

  /**
   * Makes room for `n` more bytes at `end` (compacting, returning to the
   * window, or growing). `head`: the size of the frame at `start` if its
   * header is here (0 if not known), so growth for it stops there.
   */
  reserve(n: number, head = 0): void {
    const pending = this.end - this.start;
    if (pending === 0) {
      this.start = this.end = 0;
      // A drained heap buffer gives way to the window again.
      if (this.window !== null && !this.inWindow && n <= this.window.length) {
        this.buf = this.window;
        this.inWindow = true;
      }
    }
    if (this.buf.length - this.end >= n) return;
    const w = this.window;
    if (pending + n <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
    } else if (w !== null && !this.inWindow && pending + n <= w.length) {
      w.set(this.buf.subarray(this.start, this.end));
      this.buf = w;
      this.inWindow = true;
    } else {
      const next = new Uint8Array(Math.max(MIN_CAPACITY, grownCapacity(pending + n, n, head)));
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.inWindow = false;
    }
    this.bytesCopied += pending;
    this.start = 0;
    this.end = pending;
  }

  /** Copies `chunk` in at `end`; `head` as for `reserve`. */
  append(chunk: Uint8Array, head = 0): void {
    const n = chunk.length;
    if (n === 0) return;
    this.reserve(n, head);
    this.buf.set(chunk, this.end);
    this.end += n;
    this.bytesCopied += n;
  }

  /** Records `n` bytes written directly at `end` (after `reserve`), e.g. by a socket read. */
  commit(n: number): void {
    this.end += n;
  }

  /** Marks `n` bytes at `start` as decoded. */
  consume(n: number): void {
    this.start += n;
    this.offset += n;
  }

  /** Drops every pending byte (counting them in `offset`) and goes back to the window, if any. */
  clear(): void {
    this.offset += this.end - this.start;
    this.start = this.end = 0;
    if (this.window !== null) {
      this.buf = this.window;
      this.inWindow = true;
    } else {
      this.buf = EMPTY;
    }
  }
}

/**
 * The capacity to grow to for `need` bytes when `n` arrive and the frame at
 * the head is `head` bytes (0: unknown). Doubling keeps copying linear;
 * where the head frame says how much is coming, growth stops there, and when
 * this read completes it, one read of room is added, not a doubling.
 */
function grownCapacity(need: number, n: number, head: number): number {
  if (head > need) return Math.min(2 * need, head);
  if (head > 0 && need - head <= n) return need + n;
  return 2 * need;
}
