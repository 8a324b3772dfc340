/**
 * A minimal PostgreSQL client made only of pgcodec's FrontendConnection over
 * node:net, strict throughout: every byte it sends or receives goes through
 * the state machine. Used by the integration tests against real servers.
 */
import net from 'node:net';
import * as pg from 'pgcodec';
import { md5Password, ScramClient } from 'pgcodec/auth';

export interface ConnectOptions {
  host: string;
  port: number;
  user: string;
  database?: string;
  password?: string;
  /** Ask for TLS first (the test servers answer 'N'). */
  sslRequest?: boolean;
  /** Protocol version to request (default 3.0). */
  protocolVersion?: number;
  /** Extra startup parameters (e.g. replication: 'database', _pq_ options). */
  params?: Record<string, string>;
}

/** A FrontendConnection whose sends go to a socket and whose receives are awaited. */
export class WireClient extends pg.FrontendConnection {
  readonly socket: net.Socket;
  /** Messages decoded but not yet taken by `next()`. */
  private readonly inbox: pg.BackendMessage[] = [];
  private waiter: (() => void) | null = null;
  private ended: Error | null = null;
  /** Everything received, in order (for assertions). */
  readonly log: pg.BackendMessage[] = [];
  backendKey: pg.BackendKeyData | null = null;
  negotiated: pg.NegotiateProtocolVersion | null = null;

  private constructor(socket: net.Socket) {
    // Owned: tests keep messages across later reads.
    super({ strict: true, owned: true });
    this.socket = socket;
    socket.on('data', (chunk) => {
      try {
        for (const m of this.receive(chunk)) {
          this.inbox.push(m);
          this.log.push(m);
        }
      } catch (e) {
        this.ended = e as Error;
      }
      this.wake();
    });
    socket.on('close', () => {
      this.ended ??= new Error('connection closed');
      this.wake();
    });
    socket.on('error', (e) => {
      this.ended ??= e;
      this.wake();
    });
  }

  override onSend(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  static async open(host: string, port: number): Promise<WireClient> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    return new WireClient(socket);
  }

  /** Opens a socket and runs startup and authentication until ReadyForQuery. */
  static async connect(o: ConnectOptions): Promise<WireClient> {
    const c = await WireClient.open(o.host, o.port);
    if (o.sslRequest) {
      c.send(new pg.SSLRequest());
      const answer = await c.next();
      if (!(answer instanceof pg.SSLResponse) || answer.accepted) throw new Error(`unexpected SSL answer ${answer.type}`);
    }
    c.send(
      new pg.StartupMessage({
        protocolVersion: o.protocolVersion,
        params: { user: o.user, database: o.database ?? 'postgres', ...o.params },
      }),
    );
    let scram: ScramClient | null = null;
    // Read messages (not the phase, which runs ahead to the end of each chunk) up to ReadyForQuery.
    for (let m = await c.next(); !(m instanceof pg.ReadyForQuery); m = await c.next()) {
      if (m instanceof pg.AuthenticationMD5Password) {
        c.send(new pg.PasswordMessage({ password: md5Password(o.user, o.password ?? '', m.salt) }));
      } else if (m instanceof pg.AuthenticationCleartextPassword) {
        c.send(new pg.PasswordMessage({ password: o.password ?? '' }));
      } else if (m instanceof pg.AuthenticationSASL) {
        scram = new ScramClient({ password: o.password ?? '' });
        c.send(new pg.SASLInitialResponse({ mechanism: 'SCRAM-SHA-256', data: scram.clientFirstMessage() }));
      } else if (m instanceof pg.AuthenticationSASLContinue) {
        c.send(new pg.SASLResponse({ data: await scram!.clientFinalMessage(new TextDecoder().decode(m.data)) }));
      } else if (m instanceof pg.AuthenticationSASLFinal) {
        scram!.verifyServerFinal(new TextDecoder().decode(m.data));
      } else if (m instanceof pg.BackendKeyData) {
        c.backendKey = m;
      } else if (m instanceof pg.NegotiateProtocolVersion) {
        c.negotiated = m;
      } else if (m instanceof pg.ErrorResponse) {
        c.socket.destroy();
        throw new Error(`server refused: ${m.message}`);
      }
    }
    return c;
  }

  /** The next message from the server (waits for it). */
  async next(timeoutMs = 15_000): Promise<pg.BackendMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.inbox.shift();
      if (m !== undefined) return m;
      if (this.ended) throw this.ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms (phase ${this.phase})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Messages up to and including the next ReadyForQuery. */
  async untilReady(): Promise<pg.BackendMessage[]> {
    const out: pg.BackendMessage[] = [];
    for (;;) {
      const m = await this.next();
      out.push(m);
      if (m instanceof pg.ReadyForQuery) return out;
    }
  }

  /** Sends a simple Query and returns everything up to ReadyForQuery. */
  async query(sql: string): Promise<pg.BackendMessage[]> {
    this.send(new pg.Query({ queryString: sql }));
    return this.untilReady();
  }

  /** Sends Terminate and waits for the server to close. */
  async close(): Promise<void> {
    if (this.isActive) this.send(new pg.Terminate());
    this.socket.end();
    if (!this.socket.closed) await new Promise((r) => this.socket.once('close', r));
  }
}

/** Text of each DataRow, for assertions. */
export function rows(msgs: readonly pg.BackendMessage[]): (string | null)[][] {
  return msgs.filter((m): m is pg.DataRow => m instanceof pg.DataRow).map((r) => Array.from({ length: r.columnCount }, (_, i) => r.text(i)));
}

/** Message type names, for assertions. */
export const types = (msgs: readonly pg.BackendMessage[]): string[] => msgs.map((m) => m.type);

/** Waits until backend `pid` is inside pg_sleep, asking through `watcher` (a cancel sent before that would be lost). */
export async function untilSleeping(watcher: WireClient, pid: number): Promise<void> {
  for (;;) {
    const r = await watcher.query(`SELECT wait_event FROM pg_stat_activity WHERE pid = ${pid}`);
    if (rows(r)[0]?.[0] === 'PgSleep') return;
  }
}
