/**
 * Bytes fed but not yet decoded.
 *
 * Storage is, in turn:
 * - the window of the engine the decoder has borrowed (scanned where it
 *   lies; WebAssembly memory for that engine), while it has one;
 * - a heap buffer of exactly the pending bytes once the engine is given back
 *   (a partial frame waiting for the rest: small), moved into the next
 *   window lent;
 * - a growable heap buffer for a frame larger than the window (scanned by
 *   the TypeScript engine in place), until it drains.
 *
 * Views into the buffer are valid until the next `append` (the decoder marks
 * them stale): consumed bytes are compacted away in place. A large frame
 * of 16 MiB or more grows its buffer in place where ArrayBuffers are
 * resizable (no copy: pages are committed as bytes arrive); smaller ones,
 * or without resizable buffers, by doubling (a message of N bytes fed in
 * small chunks is then copied at most about 3N times). Memory
 * grows only with bytes received, never with a length field alone; when the
 * frame at the head is known, growth stops at its size (plus the read that
 * overflows it).
 */

const EMPTY = new Uint8Array(0);

/**
 * Frames from this size grow a resizable buffer in place; smaller ones by
 * doubling (measured: making and growing a resizable buffer costs about
 * twice as much as doubling a 1 MiB frame, and saves far more on large ones).
 */
const RESIZABLE_FROM = 16 * 1024 * 1024;

/** ArrayBuffers that grow in place (ES2024); feature-detected, doubling otherwise. */
const resizable = typeof (ArrayBuffer.prototype as { resize?: unknown }).resize === 'function';

interface ResizableBuffer extends ArrayBuffer {
  resize(n: number): void;
  readonly resizable: boolean;
  readonly maxByteLength: number;
}

/** A decoder's bytes fed and not yet decoded: from `start` to `end` of `buf`. */
export class StreamBuffer {
  /** The storage: the window, or a heap buffer. */
  buf: Uint8Array = EMPTY;
  /** Index of the first unconsumed byte. */
  start = 0;
  /** Index one past the last byte fed. */
  end = 0;
  /** Stream offset of `buf[start]`: bytes consumed since the beginning. */
  offset = 0;
  /** Every byte copied so far (fed in, or moved); for tests of linear cost. */
  bytesCopied = 0;
  /** True while `buf` is the window. */
  inWindow = false;
  /**
   * Set when consumed bytes of a heap buffer were handed to messages as
   * theirs (see `pin`): that buffer is never written again, and the next
   * reserve moves what is pending elsewhere.
   */
  private pinned = false;
  private window: Uint8Array | null = null;

  /** Bytes fed and not yet consumed. */
  get length(): number {
    return this.end - this.start;
  }

  /** Takes a lent window: pending bytes held on the heap move into it if they fit. */
  attach(w: Uint8Array): void {
    this.window = w;
    const pending = this.end - this.start;
    if (pending > w.length) return; // a large frame stays in its heap buffer
    if (pending > 0) {
      w.set(this.buf.subarray(this.start, this.end));
      this.bytesCopied += pending;
    }
    this.buf = w;
    this.inWindow = true;
    this.pinned = false;
    this.start = 0;
    this.end = pending;
  }

  /** Gives the window back: pending bytes in it are copied to a heap buffer of their size. */
  detach(): void {
    if (this.inWindow) {
      const pending = this.end - this.start;
      this.buf = pending === 0 ? EMPTY : this.buf.slice(this.start, this.end);
      this.bytesCopied += pending;
      this.start = 0;
      this.end = pending;
      this.inWindow = false;
    }
    this.window = null;
  }

  /** Marks the heap buffer as handed over (see `pinned`); the window is never pinned. */
  pin(): void {
    if (!this.inWindow) this.pinned = true;
  }

  /**
   * Makes room for `n` more bytes at `end` (compacting, returning to the
   * window, or growing). `head`: the size of the frame at `start` if its
   * header is here (0 if not known), so growth for it stops there.
   */
  reserve(n: number, head = 0): void {
    const pending = this.end - this.start;
    const w = this.window;
    if (pending === 0) {
      this.start = this.end = 0;
      // A drained heap buffer gives way to the window again.
      if (w !== null && !this.inWindow && n <= w.length) {
        this.buf = w;
        this.inWindow = true;
        this.pinned = false;
      }
    }
    if (this.buf.length - this.end >= n && !this.pinned) return;
    if (pending + n <= this.buf.length && !this.pinned) {
      this.buf.copyWithin(0, this.start, this.end);
    } else if (w !== null && !this.inWindow && pending + n <= w.length) {
      w.set(this.buf.subarray(this.start, this.end));
      this.buf = w;
      this.inWindow = true;
      this.pinned = false;
    } else {
      this.grow(pending, n, head);
      return;
    }
    this.bytesCopied += pending;
    this.start = 0;
    this.end = pending;
  }

  /** Moves the pending bytes to a heap buffer with room for `n` more (in place where it can). */
  private grow(pending: number, n: number, head: number): void {
    const want = grownCapacity(pending + n, n, head);
    const old = this.buf;
    const ab = old.buffer as ResizableBuffer;
    if (!this.inWindow && !this.pinned && resizable && ab.resizable === true && want <= ab.maxByteLength) {
      if (this.start > 0) {
        old.copyWithin(0, this.start, this.end);
        this.bytesCopied += pending;
        this.start = 0;
        this.end = pending;
      }
      ab.resize(want);
      this.buf = new Uint8Array(ab, 0, want);
      return;
    }
    let next: Uint8Array;
    if (resizable && head >= RESIZABLE_FROM) {
      // Address space for the whole frame, memory for what has arrived.
      const max = Math.max(want, head + n);
      next = new Uint8Array(new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(want, { maxByteLength: max }), 0, want);
    } else {
      next = new Uint8Array(Math.max(want, 64 * 1024));
    }
    next.set(old.subarray(this.start, this.end));
    this.bytesCopied += pending;
    this.buf = next;
    this.inWindow = false;
    this.pinned = false;
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

  /** Takes back the last `n` bytes consumed (still in place: nothing was fed since). */
  unconsume(n: number): void {
    this.start -= n;
    this.offset -= n;
  }

  /** Drops every pending byte (counting them in `offset`) and goes back to the window, if any. */
  clear(): void {
    this.offset += this.end - this.start;
    this.start = this.end = 0;
    this.pinned = false;
    if (this.window !== null) {
      this.buf = this.window;
      this.inWindow = true;
    } else {
      this.buf = EMPTY;
      this.inWindow = false;
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
