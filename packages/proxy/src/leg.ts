/**
 * One direction of a proxied connection: bytes read from one socket,
 * decoded by one pgcodec connection, written to the other socket.
 *
 *   from ──read──▶ conn (feed, readFrames) ──sendFrames──▶ to
 *
 * The frames of one read leave in one write (a batch's bytes are one view
 * of the decoder's window). No copy unless the socket keeps the bytes
 * queued: a view written to an idle socket is almost always taken by the
 * kernel at once, and then the window can go back to the pool; if it was
 * not (a partial write), the reader pauses and keeps the window until the
 * write completes, since a later feed would overwrite what the socket still
 * has to send. A view is copied only when the socket already holds queued
 * bytes (or is still connecting). Back-pressure: while the writer's buffer
 * is over its high-water mark, the reader is paused.
 */
import type { Socket } from 'node:net';
import type { Connection } from 'pgcodec';

const EMPTY = new Uint8Array(0);

/** One direction of a proxied connection. */
export class Leg {
  /** Where the bytes go; null until the upstream is connected (for the client's leg). */
  to: Socket | null = null;
  /** A write that views the connection's window is in flight: the window must stay lent and unfed. */
  private holding = false;
  /** The writer's buffer is over its high-water mark. */
  private blocked = false;
  /** Views written so far and copies made because the socket had bytes queued (for tests and stats). */
  viewsWritten = 0;
  viewsCopied = 0;

  constructor(
    /** Where the bytes come from. */
    public from: Socket,
    /** The pgcodec connection that decodes them. */
    readonly conn: Connection<any, any>,
  ) {}

  /**
   * Writes what one read produced: `parts` in order, `views` if any of them
   * views `conn`'s window. Gives the window back once the socket has the bytes.
   */
  write(parts: Uint8Array[], views: boolean): void {
    const to = this.to;
    if (parts.length === 0 || to === null || to.destroyed) {
      if (!this.holding) this.conn.release();
      return;
    }
    const queued = to.connecting || to.writableLength > 0;
    if (views && queued) {
      // The socket will queue these bytes: they must outlive the window.
      for (let i = 0; i < parts.length; i++) parts[i] = parts[i]!.slice();
      this.viewsCopied++;
      views = false;
    }
    let ok = true;
    const last = parts.length - 1;
    if (last === 0) {
      ok = to.write(parts[0]!);
    } else {
      to.cork();
      for (let i = 0; i <= last; i++) ok = to.write(parts[i]!);
      to.uncork();
    }
    if (views) {
      this.viewsWritten++;
      if (to.writableLength > 0) {
        // A partial write: the socket still points into the window until it is done. Writes finish in
        // order, so an empty write's callback says when (no callback on the common path: it costs).
        this.holding = true;
        this.from.pause();
        to.write(EMPTY, this.written);
      } else {
        this.conn.release();
      }
    } else if (!this.holding) {
      this.conn.release();
    }
    if (!ok && !this.blocked) {
      this.blocked = true;
      this.from.pause();
      to.once('drain', this.drained);
    }
  }

  /** The write that viewed the window is done: the window can go, reading can go on. */
  private readonly written = (): void => {
    if (!this.holding) return;
    this.holding = false;
    this.conn.release();
    this.resume();
  };

  private readonly drained = (): void => {
    this.blocked = false;
    this.resume();
  };

  private resume(): void {
    if (!this.holding && !this.blocked && !this.from.destroyed) this.from.resume();
  }

  /** Whether reading is paused for the writer's sake now. */
  get paused(): boolean {
    return this.holding || this.blocked;
  }
}
