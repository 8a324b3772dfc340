/**
 * The listening side: accepts clients, gives each a ProxySession to the
 * upstream, keeps the cancel keys of live sessions, and sums counters.
 *
 *   listen ──accept──▶ ProxySession ──connect──▶ upstream
 *                        (one per client; cancels routed by key)
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';
import { BackendConnection, type EngineName, type FrameBatch } from 'pgcodec';
import { CancelRegistry, type Upstream } from './cancel.js';
import type { ProxyHooks } from './hooks.js';
import type { ErrorRecord } from './error-record.js';
import { ProxySession } from './session.js';
import type { StatsSnapshot } from './stats.js';

/** How `startProxy` is set up. */
export interface ProxyOptions {
  /** The PostgreSQL server every client is proxied to. */
  upstream: Upstream;
  /** Where to listen: host (default 127.0.0.1) and port (default 0: any free port). */
  listen?: { host?: string; port?: number };
  /** Check both directions strictly against the protocol's state machines (default true). */
  strict?: boolean;
  /** Terminate TLS from clients that ask (PEM certificate chain and key); without it SSLRequest gets 'N'. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** TLS to the upstream: 'require' (a session ends if the server will not), 'prefer', or TLS options (`node:tls` connect; required). Default: none. */
  upstreamTls?: 'require' | 'prefer' | ConnectionOptions;
  /** Which pgcodec engine decodes ('wasm' or 'js'; default: pgcodec's choice). */
  engine?: EngineName;
  /** Hooks on decoded messages: rewrite or refuse statements, mask rows, log queries (see hooks.ts; `combineHooks` joins several). */
  hooks?: ProxyHooks;
  /** Called for every frame forwarded (it may decode it: `batch.decode(i)`); slows forwarding, for logging and tests. */
  onFrame?: (session: ProxySession, from: 'client' | 'server', batch: FrameBatch, i: number) => void;
  /** Called when a session ends, with its counters and error record, if any. */
  onSessionEnd?: (session: ProxySession) => void;
}

/** Counters over every session, ended or live. */
export interface ProxyStats extends Omit<StatsSnapshot, 'latencyP50Ms' | 'latencyP99Ms'> {
  /** Sessions open now, and since the start. */
  open: number;
  total: number;
  /** Sessions ended by a protocol error or state violation. */
  errors: number;
  /** CancelRequests forwarded to an upstream, and dropped for an unknown key. */
  cancelsForwarded: number;
  cancelsDropped: number;
}

/** A running proxy. */
export class PgProxy {
  /** Live sessions. */
  readonly sessions = new Set<ProxySession>();
  /** The last error records (up to 100), oldest first. */
  readonly errors: ErrorRecord[] = [];
  readonly registry = new CancelRegistry();
  /** Counters of the sessions that have ended. */
  private readonly ended: Totals = emptyTotals();
  private cancelsForwarded = 0;
  private cancelsDropped = 0;
  private total = 0;
  private errorCount = 0;
  private readonly tls: SecureContext | null;
  /** The hooks, or null when none is set (frames then go through undecoded). */
  private readonly hooks: ProxyHooks | null;

  private constructor(
    private readonly server: Server,
    private readonly opts: ProxyOptions,
  ) {
    this.tls = opts.tls ? createSecureContext({ cert: opts.tls.cert, key: opts.tls.key }) : null;
    const h = opts.hooks;
    this.hooks = h !== undefined && (h.startup || h.statement || h.dataRow || h.queryDone) ? h : null;
    server.on('connection', (s) => this.accept(s));
  }

  /** Starts listening; resolves once the port is bound. */
  static start(opts: ProxyOptions): Promise<PgProxy> {
    if (typeof opts?.upstream?.port !== 'number') return Promise.reject(new TypeError('startProxy needs upstream: { host, port }'));
    // Options a session would refuse are refused here, before anyone connects (a session's constructor must not throw).
    try {
      new BackendConnection({ strict: opts.strict, engine: opts.engine }).release();
    } catch (e) {
      return Promise.reject(e);
    }
    const server = createServer({ noDelay: true, allowHalfOpen: true });
    const proxy = new PgProxy(server, opts);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.listen?.port ?? 0, opts.listen?.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve(proxy);
      });
    });
  }

  /** Where it listens. */
  get address(): { host: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('the proxy is not listening');
    return { host: a.address, port: a.port };
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.total++;
    const session = new ProxySession(socket, {
      upstream: this.opts.upstream,
      strict: this.opts.strict ?? true,
      registry: this.registry,
      tls: this.tls,
      engine: this.opts.engine,
      hooks: this.hooks,
      upstreamTls: upstreamTls(this.opts.upstreamTls),
      onFrame: this.opts.onFrame ?? null,
      onEnd: (s) => this.sessionEnded(s),
    });
    this.sessions.add(session);
  }

  private sessionEnded(s: ProxySession): void {
    this.sessions.delete(s);
    addTo(this.ended, s.stats.snapshot());
    if (s.cancel === 'forwarded') this.cancelsForwarded++;
    if (s.cancel === 'unknown key') this.cancelsDropped++;
    if (s.error !== null) {
      this.errorCount++;
      this.errors.push(s.error);
      if (this.errors.length > 100) this.errors.shift();
    }
    this.opts.onSessionEnd?.(s);
    const w = this.waiters.get(s);
    if (w !== undefined) {
      this.waiters.delete(s);
      for (const f of w) f();
    }
  }

  /** Counters over every session so far, live ones included. */
  stats(): ProxyStats {
    const t: Totals = { ...this.ended };
    for (const s of this.sessions) addTo(t, s.stats.snapshot());
    return {
      open: this.sessions.size,
      total: this.total,
      errors: this.errorCount,
      clientMessages: t.clientMessages,
      clientBytes: t.clientBytes,
      serverMessages: t.serverMessages,
      serverBytes: t.serverBytes,
      rows: t.rows,
      queries: t.queries,
      cancelsForwarded: this.cancelsForwarded,
      cancelsDropped: this.cancelsDropped,
      latencyMeanMs: t.queries === 0 ? 0 : t.latencySumMs / t.queries,
      latencyMaxMs: t.latencyMaxMs,
    };
  }

  /**
   * Stops accepting; live sessions are closed now, or (with `drain`) left
   * to end by themselves. Resolves once the listener and every session are closed.
   */
  close(opts: { drain?: boolean } = {}): Promise<void> {
    return new Promise((resolve) => {
      let pending = 1 + this.sessions.size;
      const one = () => {
        if (--pending === 0) resolve();
      };
      this.server.close(() => one());
      for (const s of [...this.sessions]) {
        if (s.finished) one();
        else {
          this.waitEnd(s, one);
          if (!opts.drain) s.abort();
        }
      }
    });
  }

  private readonly waiters = new Map<ProxySession, (() => void)[]>();

  private waitEnd(s: ProxySession, fn: () => void): void {
    const list = this.waiters.get(s) ?? [];
    list.push(fn);
    this.waiters.set(s, list);
  }
}

/** The session's form of the upstreamTls option: a mode and connect options (certificates unchecked unless options say otherwise). */
function upstreamTls(o: ProxyOptions['upstreamTls']): { mode: 'require' | 'prefer'; options: ConnectionOptions } | null {
  if (o === undefined) return null;
  if (o === 'require' || o === 'prefer') return { mode: o, options: { rejectUnauthorized: false } };
  return { mode: 'require', options: o };
}

/** Sessions' counters summed. */
type Totals = Pick<StatsSnapshot, 'clientMessages' | 'clientBytes' | 'serverMessages' | 'serverBytes' | 'rows' | 'queries' | 'latencyMaxMs'> & { latencySumMs: number };

function emptyTotals(): Totals {
  return { clientMessages: 0, clientBytes: 0, serverMessages: 0, serverBytes: 0, rows: 0, queries: 0, latencySumMs: 0, latencyMaxMs: 0 };
}

function addTo(t: Totals, s: StatsSnapshot): void {
  t.clientMessages += s.clientMessages;
  t.clientBytes += s.clientBytes;
  t.serverMessages += s.serverMessages;
  t.serverBytes += s.serverBytes;
  t.rows += s.rows;
  t.queries += s.queries;
  t.latencySumMs += s.latencyMeanMs * s.queries;
  t.latencyMaxMs = Math.max(t.latencyMaxMs, s.latencyMaxMs);
}

/** Starts a proxy (see `ProxyOptions`). */
export function startProxy(opts: ProxyOptions): Promise<PgProxy> {
  return PgProxy.start(opts);
}
