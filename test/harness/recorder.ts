/**
 * Recording TCP proxy + the `.pgrec` fixture format.
 *
 * Every accepted client connection gets its own upstream connection to the target; bytes are
 * piped both ways unchanged, and every chunk is appended to that connection's event list in the
 * order the proxy observes it ('F' = frontend->backend, i.e. client->server; 'B' = backend->frontend).
 * Chunks are kept exactly as delivered by the socket (never merged or split), so fixtures contain
 * realistic message splits across TCP reads.
 *
 * Causality is preserved: a chunk is recorded before it is forwarded, so any response the other
 * side sends to it is necessarily recorded after it.
 *
 * File format (`<name>.pgrec.gz`): gzip of
 *   "PGREC1\n"  then, per event:  1 byte dir ('F' | 'B'), uint32 big-endian length, <length> bytes.
 *
 * node: builtins only.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Direction = 'F' | 'B';

export interface SessionEvent {
  /** 'F' = frontend->backend (client to server), 'B' = backend->frontend (server to client). */
  dir: Direction;
  bytes: Uint8Array;
}

/** What a fixture file holds: the events of one TCP connection. */
export interface RecordedSession {
  events: SessionEvent[];
}

/** A session as seen live by the recorder. */
export interface LiveSession extends RecordedSession {
  /** 0-based, in accept order. */
  index: number;
  /** True once both sockets (client side and upstream side) have closed. */
  closed: boolean;
  /** Resolves when both sockets have closed (never rejects). */
  done: Promise<void>;
  /** First socket error seen on either side, if any (e.g. ECONNRESET). */
  error?: Error;
}

export interface Recorder {
  host: string;
  port: number;
  target: { host: string; port: number };
  /** All sessions accepted so far, in accept order (live objects: events keep growing while open). */
  sessions(): LiveSession[];
  /** Number of sessions not yet closed. */
  openCount(): number;
  /**
   * Wait until every accepted connection has closed and no new one arrived during a short quiet
   * period. Rejects after timeoutMs (default 15 s) listing the sessions still open.
   */
  waitForAllClosed(opts?: { timeoutMs?: number; quietMs?: number; minSessions?: number }): Promise<LiveSession[]>;
  /** Stop accepting, destroy any still-open sockets, close the listener. Idempotent. */
  close(): Promise<void>;
}

export interface StartRecorderOptions {
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Listen port. Default 0 (kernel-chosen). */
  port?: number;
}

export async function startRecorder(
  target: { host: string; port: number },
  opts: StartRecorderOptions = {},
): Promise<Recorder> {
  const listenHost = opts.host ?? '127.0.0.1';
  const all: LiveSession[] = [];
  const sockets = new Set<Socket>();
  let closing = false;

  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    if (closing) {
      client.destroy();
      return;
    }
    let markDone!: () => void;
    const session: LiveSession = {
      index: all.length,
      events: [],
      closed: false,
      done: new Promise<void>((r) => (markDone = r)),
    };
    all.push(session);

    const upstream = createConnection({ host: target.host, port: target.port, allowHalfOpen: true });
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);

    const pipe = (from: Socket, to: Socket, dir: Direction) => {
      from.on('data', (chunk: Buffer) => {
        // copy: never keep a reference into a buffer node may reuse
        session.events.push({ dir, bytes: new Uint8Array(chunk) });
        if (!to.destroyed && !to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      // half-close propagation (client sends Terminate + FIN, server closes, ...)
      from.on('end', () => {
        if (!to.destroyed) to.end();
      });
    };
    pipe(client, upstream, 'F');
    pipe(upstream, client, 'B');

    const onError = (other: Socket) => (err: Error) => {
      session.error ??= err;
      other.destroy();
    };
    client.on('error', onError(upstream));
    upstream.on('error', onError(client));

    let closedSockets = 0;
    const onClose = (s: Socket, other: Socket) => () => {
      sockets.delete(s);
      // if one side is fully gone and the other has nothing left to flush, make sure it goes too
      if (!other.destroyed && other.writableEnded && other.readableEnded) other.destroy();
      if (++closedSockets === 2) {
        session.closed = true;
        markDone();
      }
    };
    client.on('close', onClose(client, upstream));
    upstream.on('close', onClose(upstream, client));

    // Start reading from the client only once upstream is connected (keeps F/B order natural).
    upstream.once('connect', () => client.resume());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: listenHost, port: opts.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('recorder: could not determine listen port');

  const openCount = () => all.filter((s) => !s.closed).length;

  const recorder: Recorder = {
    host: listenHost,
    port: addr.port,
    target: { host: target.host, port: target.port },
    sessions: () => all.slice(),
    openCount,
    async waitForAllClosed(o = {}) {
      const timeoutMs = o.timeoutMs ?? 15_000;
      const quietMs = o.quietMs ?? 100;
      const minSessions = o.minSessions ?? 0;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const open = all.filter((s) => !s.closed);
        if (open.length === 0 && all.length >= minSessions) {
          // quiet period: a tool may still be about to open another connection
          const seen = all.length;
          await sleep(quietMs);
          if (all.length === seen && openCount() === 0) return all.slice();
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          const desc = open.map((s) => `#${s.index} (${s.events.length} events)`).join(', ');
          throw new Error(
            `recorder: timed out after ${timeoutMs} ms waiting for connections to close; ` +
              `open: ${desc || 'none'}; sessions: ${all.length} (wanted at least ${minSessions})`,
          );
        }
        await Promise.race([
          open.length ? Promise.all(open.map((s) => s.done)) : sleep(Math.min(left, 50)),
          sleep(Math.min(left, 1000)),
        ]);
      }
    },
    async close() {
      if (!closing) closing = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return recorder;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// fixture format

export const MAGIC = 'PGREC1\n';
const MAGIC_BYTES = new TextEncoder().encode(MAGIC);

/** Serialize a session to the uncompressed PGREC1 byte format. */
export function encodeSession(session: RecordedSession): Uint8Array {
  let total = MAGIC_BYTES.length;
  for (const e of session.events) total += 5 + e.bytes.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  let off = MAGIC_BYTES.length;
  for (const e of session.events) {
    if (e.dir !== 'F' && e.dir !== 'B') throw new Error(`encodeSession: bad direction ${String(e.dir)}`);
    out[off] = e.dir.charCodeAt(0);
    view.setUint32(off + 1, e.bytes.length, false);
    out.set(e.bytes, off + 5);
    off += 5 + e.bytes.length;
  }
  return out;
}

/** Parse PGREC1 bytes (gzipped input is detected and inflated automatically). */
export function decodeSession(data: Uint8Array): RecordedSession {
  let buf = data;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = new Uint8Array(gunzipSync(buf));
  for (let i = 0; i < MAGIC_BYTES.length; i++) {
    if (buf[i] !== MAGIC_BYTES[i]) throw new Error('decodeSession: missing PGREC1 magic');
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const events: SessionEvent[] = [];
  let off = MAGIC_BYTES.length;
  while (off < buf.length) {
    if (off + 5 > buf.length) throw new Error(`decodeSession: truncated event header at offset ${off}`);
    const d = String.fromCharCode(buf[off]);
    if (d !== 'F' && d !== 'B') throw new Error(`decodeSession: bad direction byte 0x${buf[off].toString(16)} at offset ${off}`);
    const len = view.getUint32(off + 1, false);
    if (off + 5 + len > buf.length) throw new Error(`decodeSession: truncated event body at offset ${off}`);
    events.push({ dir: d, bytes: buf.slice(off + 5, off + 5 + len) });
    off += 5 + len;
  }
  return { events };
}

/** Write `<path>` (conventionally `<name>.pgrec.gz`) as gzip(PGREC1). Creates the directory. */
export function writeSessionFile(path: string, session: RecordedSession): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(encodeSession(session), { level: 9 }));
}

export function readSessionFile(path: string): RecordedSession {
  return decodeSession(new Uint8Array(readFileSync(path)));
}
