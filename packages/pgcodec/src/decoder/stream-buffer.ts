/**
 * Bytes fed but not yet decoded.
 *
 * Ownership: decoded messages hold views into this buffer, so bytes that
 * have been handed out are never overwritten. New bytes go into the free
 * tail; when it is full, a fresh buffer twice the size of what is pending
 * takes the unconsumed bytes and the old one is left to the messages that
 * still view it. Growth by doubling bounds the copying: a message of N
 * bytes fed in small chunks is copied at most about 3N times in all
 * (once in, at most 2N in moves), and memory grows only with bytes received.
 */

const MIN_CAPACITY = 64 * 1024;
const EMPTY = new Uint8Array(0);

export class StreamBuffer {
  buf: Uint8Array = EMPTY;
  /** Index of the first unconsumed byte. */
  start = 0;
  /** Index one past the last byte fed. */
  end = 0;
  /** Stream offset of `buf[start]`: bytes consumed since the beginning. */
  offset = 0;
  /** Every byte copied so far (fed in, or moved on growth); for tests of linear cost. */
  bytesCopied = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.buf.length - this.end < n) this.realloc(n);
    this.buf.set(chunk, this.end);
    this.end += n;
    this.bytesCopied += n;
  }

  private realloc(incoming: number): void {
    const pending = this.end - this.start;
    const cap = Math.max(MIN_CAPACITY, 2 * (pending + incoming));
    const next = new Uint8Array(cap);
    if (pending > 0) next.set(this.buf.subarray(this.start, this.end));
    this.bytesCopied += pending;
    this.buf = next;
    this.start = 0;
    this.end = pending;
  }

  consume(n: number): void {
    this.start += n;
    this.offset += n;
    if (this.start === this.end && this.start === this.buf.length) {
      // Fully used: let it go so a quiet connection does not pin it.
      this.buf = EMPTY;
      this.start = this.end = 0;
    }
  }

  clear(): void {
    this.offset += this.end - this.start;
    this.buf = EMPTY;
    this.start = this.end = 0;
  }
}
