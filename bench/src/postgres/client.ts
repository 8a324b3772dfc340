/**
 * A minimal PostgreSQL client on pgcodec's FrontendConnection over a plain
 * TCP socket (trust auth, simple Query protocol): enough to record a result
 * set's exact bytes and to fetch one in the client suite. Startup goes
 * through `receive()` (its framing is by phase); answers to queries go
 * through the frame path (`readRowBatch()`, `readFrame()`), which checks
 * every frame against the phase but decodes only what it must.
 */
import net from 'node:net';
import { FrontendConnection, Query, ReadyForQuery, StartupMessage, Terminate, type RowBatch } from 'pgcodec';

const ERROR_RESPONSE = 0x45; // 'E'
const READY_FOR_QUERY = 0x5a; // 'Z'

export interface QueryHooks {
  /** Every socket read of the answer, before it is decoded. */
  onChunk?(chunk: Buffer): void;
  /** Every run of DataRows, valid until the next read. */
  onRows?(batch: RowBatch): void;
}

export class MiniClient extends FrontendConnection {
  private readonly pending: Buffer[] = [];
  private wake: (() => void) | null = null;
  private closed: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    super();
    sock.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      this.wake?.();
    });
    sock.on('close', () => {
      this.closed = new Error('server closed the connection');
      this.wake?.();
    });
  }

  /** Connects and logs in as `user` (trust) to `database`. */
  static async connect(host: string, port: number, user: string, database = 'postgres'): Promise<MiniClient> {
    const sock = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.setNoDelay(true);
    const c = new MiniClient(sock);
    c.send(new StartupMessage({ params: { user, database, client_encoding: 'UTF8' } }));
    for (;;) {
      const chunk = await c.next();
      let ready = false;
      for (const msg of c.receive(chunk)) {
        if (msg.type === 'ErrorResponse') throw new Error(`server refused the login: ${JSON.stringify(msg)}`);
        if (msg instanceof ReadyForQuery) ready = true;
      }
      if (ready) return c;
    }
  }

  override onSend(bytes: Uint8Array): void {
    this.sock.write(bytes);
  }

  private async next(): Promise<Buffer> {
    while (this.pending.length === 0) {
      if (this.closed) throw this.closed;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
    return this.pending.shift()!;
  }

  /** Runs `sql` and reads its answer through ReadyForQuery; returns the bytes of the answer. */
  async query(sql: string, hooks: QueryHooks = {}): Promise<number> {
    this.send(new Query({ queryString: sql }));
    let bytes = 0;
    for (;;) {
      const chunk = await this.next();
      bytes += chunk.length;
      hooks.onChunk?.(chunk);
      this.feed(chunk);
      for (;;) {
        const batch = this.readRowBatch();
        if (batch !== null) {
          hooks.onRows?.(batch);
          continue;
        }
        const f = this.readFrame();
        if (f === null) break;
        if (f.type === ERROR_RESPONSE) throw new Error(`server error: ${JSON.stringify(f.decode())}`);
        if (f.type === READY_FOR_QUERY) {
          if (this.buffered > 0 || this.pending.length > 0) throw new Error('bytes after ReadyForQuery');
          return bytes;
        }
      }
    }
  }

  /** Says goodbye (Terminate) and closes the socket. */
  close(): void {
    if (!this.closed) this.send(new Terminate());
    this.sock.end();
  }
}
