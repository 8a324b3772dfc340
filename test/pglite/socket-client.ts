/**
 * Helpers for the PGlite integration tests: a strict FrontendConnection over
 * node:net that hands out messages one at a time (startup included, so the
 * BackendKeyData is never skipped even when the whole startup answer arrives
 * in one TCP chunk), and a raw probe that records what a server does with
 * bytes it may not understand (answer, stay silent, or hang up).
 */
import net from 'node:net';
import * as pg from 'pgcodec';

export const HOST = '127.0.0.1';

/** Resolves after `ms`, or with the promise's value if that comes first. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function connectSocket(port: number, host = HOST, timeoutMs = 3_000): Promise<net.Socket> {
  const socket = net.connect({ host, port });
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      timeoutMs,
      `connect to ${host}:${port}`,
    );
  } catch (e) {
    socket.destroy();
    throw e;
  }
  socket.setNoDelay(true);
  return socket;
}

/** A strict FrontendConnection writing to a socket; received messages are queued for `next()`. */
export class SocketClient extends pg.FrontendConnection {
  readonly socket: net.Socket;
  /** Every message received, in order. */
  readonly log: pg.BackendMessage[] = [];
  /** Raw bytes received, in order. */
  readonly raw: Buffer[] = [];
  /** Resolves when the socket closes (whoever closed it). */
  readonly closed: Promise<void>;
  private readonly inbox: pg.BackendMessage[] = [];
  private ended: Error | null = null;
  private wakeUp: (() => void) | null = null;

  private constructor(socket: net.Socket) {
    super({ strict: true });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.raw.push(chunk);
      try {
        for (const m of this.receive(chunk)) {
          this.inbox.push(m);
          this.log.push(m);
        }
      } catch (e) {
        this.ended ??= e as Error;
      }
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.ended ??= new Error('connection closed');
        this.wake();
        resolve();
      });
    });
    socket.on('error', (e) => {
      this.ended ??= e;
      this.wake();
    });
  }

  static async open(port: number, host = HOST): Promise<SocketClient> {
    return new SocketClient(await connectSocket(port, host));
  }

  override onSend(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Messages received and not yet taken. */
  get pending(): number {
    return this.inbox.length;
  }

  /** The next message, waiting at most `timeoutMs`. */
  async next(timeoutMs = 5_000): Promise<pg.BackendMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.inbox.shift();
      if (m !== undefined) return m;
      if (this.ended) throw this.ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms (phase ${this.phase})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Messages up to and including the next ReadyForQuery. */
  async untilReady(timeoutMs = 5_000): Promise<pg.BackendMessage[]> {
    const out: pg.BackendMessage[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      out.push(m);
      if (m instanceof pg.ReadyForQuery) return out;
    }
  }

  /** Sends a StartupMessage and returns the server's answer up to ReadyForQuery (trust authentication only). */
  async startup(protocolVersion: number = pg.StartupRequestCode.V3_0, timeoutMs = 5_000): Promise<pg.BackendMessage[]> {
    this.send(new pg.StartupMessage({ protocolVersion, params: { user: 'postgres', database: 'postgres' } }));
    return this.untilReady(timeoutMs);
  }

  /** A simple Query and its answer up to ReadyForQuery. */
  async query(sql: string, timeoutMs = 5_000): Promise<pg.BackendMessage[]> {
    this.send(new pg.Query({ queryString: sql }));
    return this.untilReady(timeoutMs);
  }

  /** Terminate (if still possible) and close, bounded. */
  async close(timeoutMs = 2_000): Promise<void> {
    if (this.isActive && this.phase !== pg.ConnectionPhase.STARTUP) this.send(new pg.Terminate());
    this.socket.end();
    await within(this.closed, timeoutMs, 'close').catch(() => this.socket.destroy());
  }
}

/** What a server did within a time window after a client wrote some bytes. */
export interface Probe {
  /** Bytes the server sent. */
  data: Buffer;
  /** The server closed the connection (FIN or reset) within the window. */
  closedByServer: boolean;
}

/**
 * Connects, writes `bytes` (if any), and watches for `windowMs`: what comes
 * back and whether the server hangs up. The socket is destroyed afterwards.
 */
export async function probe(port: number, bytes: Uint8Array | null, windowMs: number): Promise<Probe> {
  const socket = await connectSocket(port);
  const chunks: Buffer[] = [];
  let closedByServer = false;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {
    closedByServer = true;
  });
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedByServer = true;
      resolve();
    }),
  );
  // A server that hangs up may do so before we write: ignore EPIPE then.
  if (bytes !== null && !socket.destroyed) socket.write(bytes, () => {});
  await Promise.race([closed, new Promise((r) => setTimeout(r, windowMs))]);
  // The closing half may be a tick behind the data.
  await new Promise((r) => setImmediate(r));
  const result = { data: Buffer.concat(chunks), closedByServer };
  socket.destroy();
  return result;
}

/** Message type names, for assertions. */
export const types = (msgs: readonly pg.BackendMessage[]): string[] => msgs.map((m) => m.type);

/** Text of each DataRow. */
export function rows(msgs: readonly pg.BackendMessage[]): (string | null)[][] {
  return msgs
    .filter((m): m is pg.DataRow => m instanceof pg.DataRow)
    .map((r) => Array.from({ length: r.columnCount }, (_, i) => r.text(i)));
}
