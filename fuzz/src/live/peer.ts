/**
 * One TCP connection to a peer under test, recording every byte sent (in
 * the chunks they were written) and received, with bounded waits: nothing
 * here can block a fuzz run for longer than it is told.
 */
import net from 'node:net';

export class Peer {
  /** Every chunk written, in order. */
  readonly sent: Uint8Array[] = [];
  /** Every chunk received, in order. */
  readonly received: Uint8Array[] = [];
  /** Set when the peer closed (or reset) the connection. */
  closed = false;
  /** The socket error, if any (ECONNRESET after a peer's crash ...). */
  error: Error | null = null;
  private wake: (() => void) | null = null;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.received.push(new Uint8Array(b.buffer, b.byteOffset, b.length));
      this.notify();
    });
    socket.on('error', (e) => {
      this.error = e;
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /** Connects within `ms`, or throws. */
  static connect(host: string, port: number, ms: number): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      const t = setTimeout(() => (s.destroy(), reject(new Error(`no connection to ${host}:${port} within ${ms} ms`))), ms);
      s.once('connect', () => (clearTimeout(t), resolve(new Peer(s))));
      s.once('error', (e) => (clearTimeout(t), reject(e)));
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Writes and records `bytes`. */
  write(bytes: Uint8Array): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.sent.push(bytes.slice());
    this.socket.write(bytes);
  }

  /** Half-closes: the peer reads end of file. */
  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Waits until `done()` holds or the peer closed, for at most `ms`; returns whether `done()` held. */
  async until(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (this.closed) return done();
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.wake = () => (clearTimeout(t), r());
      });
    }
    return true;
  }

  /** Bytes received since chunk `from`, and the index to continue from. */
  takeFrom(from: number): { bytes: Uint8Array[]; next: number } {
    return { bytes: this.received.slice(from), next: this.received.length };
  }
}
