/**
 * One proxied connection: a client socket and an upstream socket joined
 * through pgcodec's two connection roles, strict by default.
 *
 *   client ──▶ toClient (BackendConnection: receives what a client sends)
 *                 │ message path through startup, frame path after
 *                 ▼
 *              toServer (FrontendConnection: sends as a client) ──▶ upstream
 *   client ◀── toClient.sendFrames ◀── toServer.readFrames ◀──────── upstream
 *
 * Startup packets are decoded (SSLRequest and GSSENCRequest are answered
 * here, a CancelRequest is routed, the StartupMessage opens the upstream
 * connection); from then on each read goes through as one batch of frames,
 * each checked by both state machines and decoded at most once (only where
 * a machine needs more than the type byte). Any protocol error or state
 * violation closes both sockets and leaves an error record with context.
 */
import { connect, type Socket } from 'node:net';
import { TLSSocket, connect as tlsConnect, type ConnectionOptions, type SecureContext } from 'node:tls';
import {
  BackendConnection,
  BackendKeyData,
  CancelRequest,
  ConnectionPhase,
  ErrorResponse,
  FrontendConnection,
  GSSEncRequest,
  GSSResponse,
  ProtocolError,
  SSLRequest,
  SSLResponse,
  StartupMessage,
  Parse,
  Query,
  type AnyBackendMessage,
  type AnyFrontendMessage,
  type DataRow,
  type EngineName,
  type FrameBatch,
} from 'pgcodec';
import type { CancelRegistry, Upstream } from './cancel.js';
import { errorRecord, RecentFrames, type ErrorRecord } from './error-record.js';
import { refusalFor, type ProxyHooks } from './hooks.js';
import { Leg } from './leg.js';
import { QueryTracker } from './queries.js';
import { SessionStats } from './stats.js';

const P = ConnectionPhase;
const EMPTY = new Uint8Array(0);
/** Type bytes the session looks at: BackendKeyData 'K'; Query 'Q' and Parse 'P' for statement hooks; DataRow 'D' for row hooks. */
const KEY_DATA = 0x4b;
const QUERY = 0x51;
const PARSE = 0x50;
const DATA_ROW = 0x44;

/** What a session needs from its proxy. */
export interface SessionOptions {
  upstream: Upstream;
  strict: boolean;
  registry: CancelRegistry;
  /** Terminate TLS from clients with this context ('S' to an SSLRequest); 'N' without. */
  tls: SecureContext | null;
  /** TLS to the upstream: asked for with an SSLRequest before the StartupMessage; 'require' ends the session if the server says 'N'. */
  upstreamTls: { mode: 'require' | 'prefer'; options: ConnectionOptions } | null;
  engine: EngineName | undefined;
  /** Hooks on decoded messages (see hooks.ts); null: frames go through undecoded. */
  hooks: ProxyHooks | null;
  /** Called for every frame forwarded, with its direction, when logging messages. */
  onFrame: ((session: ProxySession, from: 'client' | 'server', batch: FrameBatch, i: number) => void) | null;
  /** Called once both sockets have closed. */
  onEnd: (session: ProxySession) => void;
}

let nextId = 1;

/** Bytes of the buffer upstream reads land in: Node's own read size. */
const UPSTREAM_READ = 64 * 1024;
let sharedReads: Uint8Array | null = null;

/**
 * One buffer for the reads of every upstream socket in the clear (Node's
 * `onread`). Node reads one socket at a time and the session copies what
 * came into its decoder before the callback returns, so the buffer is free
 * again by the next read of any socket, and an idle connection holds none.
 */
function upstreamReads(): Uint8Array {
  return (sharedReads ??= new Uint8Array(UPSTREAM_READ));
}

/** One client connection through the proxy, and its upstream connection. */
export class ProxySession {
  readonly id = nextId++;
  /** Faces the client: receives what it sends, sends the server's answers to it. */
  readonly toClient: BackendConnection;
  /** Faces the upstream server: sends the client's messages, receives the answers. */
  readonly toServer: FrontendConnection;
  readonly stats = new SessionStats();
  /** Set when a protocol error or state violation ended the session. */
  error: ErrorRecord | null = null;
  /** The StartupMessage's user and database, once it came. */
  user = '';
  database = '';
  /** Set for a connection that only carried a CancelRequest. */
  cancel: 'forwarded' | 'unknown key' | null = null;
  readonly startedAt = Date.now();
  private readonly clientLeg: Leg;
  private readonly serverLeg: Leg;
  private readonly recent = new RecentFrames();
  private keys: string[] = [];
  /** The StartupMessage held back while TLS to the upstream is negotiated. */
  private pendingStartup: StartupMessage | null = null;
  /** Follows queries for the queryDone hook. */
  private readonly tracker: QueryTracker | null;
  /** Client batches go frame by frame through the hooks (statement, queryDone). */
  private readonly hookClient: boolean;
  /** Server batches do (dataRow, queryDone). */
  private readonly hookServer: boolean;
  private open = 1;
  private ended = false;

  constructor(
    client: Socket,
    private readonly opts: SessionOptions,
  ) {
    this.toClient = new BackendConnection({ strict: opts.strict, engine: opts.engine });
    this.toServer = new FrontendConnection({ strict: opts.strict, engine: opts.engine });
    this.clientLeg = new Leg(client, this.toClient);
    this.serverLeg = new Leg(client, this.toServer); // reads the upstream once it exists; writes to the client
    this.serverLeg.to = client;
    const h = opts.hooks;
    this.tracker = h?.queryDone ? new QueryTracker((q) => h.queryDone!(q, this)) : null;
    this.hookClient = h !== null && (h.statement !== undefined || this.tracker !== null);
    this.hookServer = h !== null && (h.dataRow !== undefined || this.tracker !== null);
    this.watchClient(client);
  }

  /** The client's socket (a TLSSocket once TLS is terminated). */
  get client(): Socket {
    return this.clientLeg.from;
  }

  /** The upstream socket, once the StartupMessage opened it. */
  get server(): Socket | null {
    return this.clientLeg.to;
  }

  /** Reads `s` into `onData`; its FIN and close are passed on to the other side (`other()`), its errors close both. */
  private watch(s: Socket, onData: (chunk: Buffer) => void, other: () => Socket | null): void {
    s.on('data', onData);
    s.on('end', () => this.halfClose(other()));
    s.on('error', () => this.abort());
    s.on('close', () => this.closed(other()));
  }

  private watchClient(s: Socket): void {
    this.watch(s, (chunk) => this.fromClient(chunk), () => this.clientLeg.to);
  }

  // ---- client → server ----

  private fromClient(chunk: Buffer): void {
    const stats = this.stats;
    const at = stats.clientBytes;
    stats.clientBytes += chunk.length;
    const c = this.toClient;
    const s = this.toServer;
    const parts: Uint8Array[] = [];
    let views = false;
    try {
      c.feed(chunk);
      for (;;) {
        const ph = c.phase;
        if (ph === P.STARTUP || ph === P.SSL_NEGOTIATION || ph === P.GSS_NEGOTIATION) {
          const got = [...c.receive(EMPTY)];
          if (got.length === 0) break;
          for (const m of got) if (!this.startupPacket(m, parts)) return;
          continue;
        }
        const b = c.readFrames();
        if (b === null) break;
        this.account('client', b);
        if (this.hookClient) this.clientHooks(b, parts);
        else parts.push(s.sendFrames(b));
        views = true;
        if (c.buffered === 0) break; // the read was whole frames: no pull to find that out
      }
    } catch (e) {
      this.fail(e, 'client', parts, chunk, at);
      return;
    }
    this.clientLeg.write(parts, views);
  }

  /** Handles a startup packet; false if the session ends here. */
  private startupPacket(m: AnyFrontendMessage, parts: Uint8Array[]): boolean {
    const c = this.toClient;
    if (m instanceof SSLRequest) {
      const tls = this.opts.tls;
      this.toClientDirect(c.send(new SSLResponse({ accepted: tls !== null })));
      if (tls !== null) this.startTls(tls);
      return true;
    }
    if (m instanceof GSSEncRequest) {
      this.toClientDirect(c.send(new GSSResponse({ accepted: false })));
      return true;
    }
    if (m instanceof CancelRequest) {
      const upstream = this.opts.registry.route(m);
      this.cancel = upstream === undefined ? 'unknown key' : 'forwarded';
      void this.opts.registry.forward(m, m.toWire()).finally(() => this.client.end());
      return false;
    }
    this.stats.clientMessages++;
    if (m instanceof StartupMessage) {
      for (const [k, v] of m.entries) {
        if (k === 'user') this.user = v;
        else if (k === 'database') this.database = v;
      }
      this.connectUpstream();
      const startup = this.opts.hooks?.startup?.(m, this) ?? m;
      if (this.opts.upstreamTls !== null) {
        // Ask the server for TLS first; the StartupMessage follows on the encrypted channel (upstreamAnswer).
        this.pendingStartup = startup;
        parts.push(this.toServer.send(new SSLRequest()));
        return true;
      }
      parts.push(this.toServer.send(startup));
      return true;
    }
    parts.push(this.toServer.send(m));
    return true;
  }

  /** The server's answer to our SSLRequest: TLS, then the client's StartupMessage over it; or in the clear if allowed. */
  private upstreamAnswer(accepted: boolean): void {
    const startup = this.pendingStartup!;
    this.pendingStartup = null;
    const raw = this.server!;
    if (!accepted) {
      if (this.opts.upstreamTls!.mode === 'require') {
        this.refuse('the upstream server does not offer TLS, and the proxy requires it');
        return;
      }
      this.clientLeg.write([this.toServer.send(startup)], false);
      return;
    }
    raw.removeAllListeners('data');
    raw.removeAllListeners('end');
    raw.removeAllListeners('close');
    raw.on('error', () => this.abort());
    const { host } = this.opts.upstream;
    const secure = tlsConnect({ servername: /^[\d.:]+$/.test(host) ? undefined : host, ...this.opts.upstreamTls!.options, socket: raw });
    secure.setNoDelay(true);
    this.clientLeg.to = secure;
    this.serverLeg.from = secure;
    this.watch(secure, (chunk) => this.fromServer(chunk), () => this.client);
    secure.once('secureConnect', () => this.clientLeg.write([this.toServer.send(startup)], false));
  }

  /** Ends the session with a FATAL error to the client that is the proxy's own decision (not a protocol error). */
  private refuse(message: string): void {
    if (!this.client.destroyed) this.client.end(new ErrorResponse({ fields: { S: 'FATAL', V: 'FATAL', C: '08004', M: `pgcodec-proxy: ${message}` } }).toWire());
    this.server?.destroy();
  }

  /**
   * A client batch through the hooks: the tracker sees every frame; a
   * statement the hook rewrites or refuses is sent re-encoded between the
   * runs of frames that go through as they came.
   */
  private clientHooks(b: FrameBatch<AnyFrontendMessage>, parts: Uint8Array[]): void {
    const statement = this.opts.hooks!.statement;
    const s = this.toServer;
    let from = 0;
    for (let i = 0; i < b.count; i++) {
      this.tracker?.fromClient(b, i);
      const t = b.type(i);
      if (statement === undefined || (t !== QUERY && t !== PARSE)) continue;
      const m = b.decode(i) as Query | Parse;
      const r = statement(m, this);
      if (r === undefined || r === m) continue;
      if (i > from) parts.push(s.sendFrames(b, from, i));
      parts.push(s.send(r instanceof Query || r instanceof Parse ? r : refusalFor(m, r)));
      from = i + 1;
    }
    if (from < b.count) parts.push(s.sendFrames(b, from, b.count));
  }

  /** A server batch through the hooks: the tracker sees every frame; a DataRow the hook replaces is sent re-encoded. */
  private serverHooks(b: FrameBatch<AnyBackendMessage>, parts: Uint8Array[]): void {
    const dataRow = this.opts.hooks!.dataRow;
    const c = this.toClient;
    let from = 0;
    for (let i = 0; i < b.count; i++) {
      this.tracker?.fromServer(b, i);
      if (dataRow === undefined || b.type(i) !== DATA_ROW) continue;
      const row = b.decode(i) as DataRow;
      const r = dataRow(row, this);
      if (r === undefined || r === row) continue;
      if (i > from) parts.push(c.sendFrames(b, from, i));
      parts.push(c.send(r));
      from = i + 1;
    }
    if (from < b.count) parts.push(c.sendFrames(b, from, b.count));
  }

  /** Writes bytes pgcodec encoded for the client (owned: no window to keep). */
  private toClientDirect(bytes: Uint8Array): void {
    if (!this.client.destroyed) this.client.write(bytes);
  }

  /** After 'S': the client's next bytes are a TLS handshake on the same socket. */
  private startTls(context: SecureContext): void {
    const raw = this.client;
    raw.removeAllListeners('data');
    raw.removeAllListeners('end');
    raw.removeAllListeners('close');
    raw.on('error', () => this.abort());
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.clientLeg.from = secure;
    this.serverLeg.to = secure;
    this.watchClient(secure);
  }

  private connectUpstream(): void {
    const { host, port } = this.opts.upstream;
    // In the clear, the upstream's reads land in the shared buffer (no Buffer and no stream events per
    // read); a TLS upstream is read by its TLSSocket, which needs the socket's own reads.
    const onread = this.opts.upstreamTls === null ? { buffer: upstreamReads(), callback: (n: number, buf: Uint8Array) => this.fromUpstreamRead(buf, n) } : undefined;
    const s = connect({ host, port, noDelay: true, onread });
    this.open++;
    this.clientLeg.to = s;
    this.serverLeg.from = s;
    this.watch(s, (chunk) => this.fromServer(chunk), () => this.client);
  }

  // ---- server → client ----

  /** An upstream read into the shared buffer (onread): its `n` bytes, whose view is used before this returns. Reading goes on unless a leg paused it. */
  private fromUpstreamRead(buf: Uint8Array, n: number): boolean {
    this.fromServer(buf.subarray(0, n));
    return true;
  }

  /** What one read from the upstream brought (a view of the shared read buffer: used before this returns). */
  private fromServer(chunk: Uint8Array): void {
    const stats = this.stats;
    const at = stats.serverBytes;
    stats.serverBytes += chunk.length;
    const s = this.toServer;
    const c = this.toClient;
    const parts: Uint8Array[] = [];
    try {
      if (s.phase === P.SSL_NEGOTIATION) {
        // The one-byte answer to our SSLRequest (or an ErrorResponse from a server that predates SSL).
        for (const m of s.receive(chunk)) this.upstreamAnswer(m instanceof SSLResponse && m.accepted);
        return;
      }
      s.feed(chunk);
      for (;;) {
        const b = s.readFrames();
        if (b === null) break;
        this.account('server', b);
        if (this.hookServer) this.serverHooks(b, parts);
        else parts.push(c.sendFrames(b));
        if (s.buffered === 0) break;
      }
    } catch (e) {
      this.fail(e, 'server', parts, chunk, at);
      return;
    }
    this.serverLeg.write(parts, parts.length > 0);
  }

  /** Counts a batch's frames (type bytes only), keeps them for an error record, records cancel keys, logs. */
  private account(from: 'client' | 'server', b: FrameBatch): void {
    const stats = this.stats;
    const onFrame = this.opts.onFrame;
    const n = b.count;
    if (from === 'client') stats.clientMessages += n;
    else stats.serverMessages += n;
    for (let i = 0; i < n; i++) {
      const t = b.type(i);
      this.recent.add(from, t);
      if (from === 'client') stats.fromClient(t);
      else {
        stats.fromServer(t);
        if (t === KEY_DATA) this.keyData(b.decode(i) as BackendKeyData);
      }
      if (onFrame !== null) onFrame(this, from, b, i);
    }
  }

  /** The server's cancel key for this session: cancels naming it go to this upstream. */
  private keyData(k: BackendKeyData): void {
    this.keys.push(this.opts.registry.add(k.processId, k.secretKey, this.opts.upstream));
  }

  // ---- ending ----

  /**
   * A protocol error or state violation: what was valid before it is
   * forwarded, the client is told (FATAL, protocol_violation, as PostgreSQL
   * answers bad bytes), and both sockets close. `read` is the read the
   * error came in (from stream offset `readAt`), for the bytes around it.
   */
  private fail(e: unknown, side: 'client' | 'server', parts: Uint8Array[], read: Uint8Array, readAt: number): void {
    this.error = errorRecord(e, side, this, this.recent, readAt, read);
    const leg = side === 'client' ? this.clientLeg : this.serverLeg;
    const to = leg.to;
    const protocol = e instanceof ProtocolError;
    // Copied: the window goes back as the session ends, and the socket may not have taken the bytes yet.
    if (protocol && to !== null && !to.destroyed && parts.length > 0) to.write(Buffer.concat(parts));
    const client = this.client;
    if (!client.destroyed) {
      const who = side === 'client' ? 'the client' : 'the server';
      // Anything else (a hook that threw, a replacement an encoder refused) ends this session only, as an internal error.
      const [code, text] = protocol ? ['08P01', `${who} broke the protocol`] : ['XX000', `internal error on a message from ${who}`];
      const message = e instanceof Error ? e.message : String(e);
      client.end(new ErrorResponse({ fields: { S: 'FATAL', V: 'FATAL', C: code, M: `pgcodec-proxy: ${text}: ${message}`.replaceAll('\0', '') } }).toWire());
    }
    this.server?.end();
    // Whatever the peers do now, nothing more is read.
    this.client.pause();
    this.server?.pause();
    setTimeout(() => this.abort(), 2_000).unref();
  }


  /** One side sent FIN: pass it on once what is queued is written. */
  private halfClose(other: Socket | null): void {
    if (other !== null && !other.destroyed) other.end();
    else this.abort();
  }

  /** One side closed: the other closes too, after what is queued for it. */
  private closed(other: Socket | null): void {
    this.open--;
    if (other !== null && !other.destroyed) other.end();
    if (this.open <= 0) this.finish();
  }

  /** Closes both sockets now. */
  abort(): void {
    this.client.destroy();
    const s = this.server;
    if (s !== null) s.destroy();
    if (this.server === null) this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const k of this.keys) this.opts.registry.delete(k);
    this.toClient.release();
    this.toServer.release();
    this.opts.onEnd(this);
  }

  /** Whether reading is paused for back-pressure: the client's socket (its upstream cannot take more), the server's (the client cannot). */
  get readingPaused(): { client: boolean; server: boolean } {
    return { client: this.clientLeg.paused, server: this.serverLeg.paused };
  }

  /** Views written without a copy, and copies made because the socket still had bytes queued, both directions. */
  get writes(): { views: number; copies: number } {
    return { views: this.clientLeg.viewsWritten + this.serverLeg.viewsWritten, copies: this.clientLeg.viewsCopied + this.serverLeg.viewsCopied };
  }

  /** True once both sockets have closed. */
  get finished(): boolean {
    return this.ended;
  }
}

