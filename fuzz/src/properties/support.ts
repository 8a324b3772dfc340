/**
 * What the properties share: decoders for a side and phase, a message's
 * fields as comparable data, and a transcript of everything a decoder
 * yields from a stream (messages, frames, row batches, and the error that
 * ends it), comparable across engines, read paths and chunkings.
 */
import type { ConnectionPhase, PgMessage } from 'pgcodec';
import type { Pg } from '../pg.js';
import type { Side } from '../arbitraries/messages.js';
import type { Chunking } from '../arbitraries/streams.js';
import { observed, sawError } from '../observed.js';

/** Limits of the wire format only: PostgreSQL's per-type limits are a server's policy, not the encoding. */
export const WIRE_LIMITS = { smallMessage: 2 ** 31 - 1, authToken: 2 ** 31 - 1, saslMessage: 2 ** 31 - 1, shortMessage: 2 ** 31 - 1, authRequest: 2 ** 31 - 1 };

export type Decoder = InstanceType<Pg['FrontendMessageDecoder']> | InstanceType<Pg['BackendMessageDecoder']>;

export interface DecoderSpec {
  side: Side;
  phase: ConnectionPhase;
  gss?: boolean;
  engine?: 'wasm' | 'js';
  /** Only the wire format's limits (default false: PostgreSQL's). */
  wireLimits?: boolean;
  /** Frames own copies of their bytes (the `owned` option). */
  owned?: boolean;
  /** DataRows from read() view the buffer (the `views` option). */
  views?: boolean;
}

/** A stream to check: who sends it, where the decoder starts, the bytes, and how they arrive. */
export interface StreamCase extends DecoderSpec {
  bytes: Uint8Array;
  cut: Chunking;
}

/** Whether the decoder for `c` frames by type byte and length (not startup packets, not one-byte answers). */
export function standardFraming(pg: Pg, c: DecoderSpec): boolean {
  const P = pg.ConnectionPhase;
  if (c.phase === P.SSL_NEGOTIATION || c.phase === P.GSS_NEGOTIATION) return false;
  return !(c.side === 'frontend' && c.phase === P.STARTUP);
}

/** The decoder that reads what `side` sends. */
export function decoderFor(pg: Pg, spec: DecoderSpec): Decoder {
  const opts = { phase: spec.phase, engine: spec.engine, owned: spec.owned, views: spec.views, limits: spec.wireLimits ? WIRE_LIMITS : undefined };
  return spec.side === 'frontend' ? new pg.FrontendMessageDecoder({ ...opts, gssAuthentication: spec.gss ?? false }) : new pg.BackendMessageDecoder(opts);
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** A message's fields as plain data (bytes as hex; -0 as 0). */
export function shape(m: PgMessage): unknown {
  const data = (x: unknown): unknown => {
    if (x instanceof Uint8Array) return hex(x);
    if (Array.isArray(x)) return x.map(data);
    if (typeof x === 'number') return x === 0 ? 0 : x;
    if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, data(v)]));
    return x;
  };
  // DataRow's values and Bind's parameter values are getters (built on demand), not own fields.
  const own = m.type === 'DataRow' ? { columns: (m as unknown as { columns: unknown }).columns } : m.type === 'Bind' ? { ...m, paramValues: (m as unknown as { paramValues: unknown }).paramValues } : { ...m };
  return { type: m.type, ...(data(own) as object) };
}

/** One thing a decoder yielded. */
export type Event =
  | { message: string; wire: string }
  | { frame: number; offset: number; bytes: string; decoded: string | ErrorEvent }
  | { rows: (string | null)[][]; bytes: string }
  | ErrorEvent;

/** The ProtocolError that ended a stream (or a frame's decode()). */
export interface ErrorEvent {
  error: string;
  code: string;
  offset: number;
  messageType: string | null;
}

/** How a transcript pulls: every message, every frame (each decoded too), batches of frames, or row batches then messages. */
export type ReadPath = 'read' | 'frames' | 'readFrames' | 'readRowBatch';

/** Feeds `chunks` to `d` and records what comes out by `path`, ending with the error if one came. Anything but a ProtocolError is thrown. */
export function transcript(pg: Pg, d: Decoder, chunks: readonly Uint8Array[], path: ReadPath): Event[] {
  const out: Event[] = [];
  try {
    for (const c of chunks) {
      d.feed(c);
      pull(pg, d, path, out);
    }
  } catch (e) {
    out.push(errorEvent(pg, e));
  }
  return out;
}

/** A ProtocolError as an event; anything else is rethrown. */
function errorEvent(pg: Pg, e: unknown): ErrorEvent {
  if (!(e instanceof pg.ProtocolError)) throw e;
  sawError(pg, e);
  return { error: e.constructor.name, code: e.code, offset: e.offset, messageType: e.messageType };
}

/** A frame's message, re-encoded, or the error decoding it gave. */
function decoded(pg: Pg, decode: () => PgMessage): string | ErrorEvent {
  try {
    return hex(decode().toWire());
  } catch (e) {
    return errorEvent(pg, e);
  }
}

function pull(pg: Pg, d: Decoder, path: ReadPath, out: Event[]): void {
  for (;;) {
    if (path === 'frames' || path === 'readFrames') {
      if (path === 'readFrames') {
        const b = d.readFrames();
        if (b === null) return;
        for (let i = 0; i < b.count; i++) out.push({ frame: b.type(i), offset: -1, bytes: hex(b.bytes(i)), decoded: decoded(pg, () => b.decode(i)) });
        continue;
      }
      const f = d.readFrame();
      if (f === null) return;
      out.push({ frame: f.type, offset: f.offset, bytes: hex(f.bytes), decoded: decoded(pg, () => f.decode()) });
      continue;
    }
    if (path === 'readRowBatch' && 'readRowBatch' in d) {
      const b = d.readRowBatch();
      if (b !== null) {
        // One event per row: how many rows a batch holds depends on what one feed brought.
        const all = b.frameBytes;
        const strings = b.strings();
        for (let r = 0, at = 0; r < b.rowCount; r++) {
          const end = at + 1 + new DataView(all.buffer, all.byteOffset + at + 1, 4).getInt32(0);
          out.push({ rows: [strings[r]!], bytes: hex(all.subarray(at, end)) });
          at = end;
        }
        continue;
      }
    }
    const m = d.read();
    if (m === null) return;
    observed.decoded.add(m.type);
    out.push({ message: m.type, wire: hex(m.toWire()) });
  }
}

/**
 * What every read path and chunking must agree on: the bytes of the frames
 * delivered, in order (a message re-encodes to its frame: lossless; a row
 * batch is its frames), and the error that ended the stream.
 */
export function projection(events: readonly Event[]): Projection {
  let bytes = '';
  let error: Projection['error'] = null;
  for (const e of events) {
    if ('wire' in e) bytes += e.wire;
    else if ('bytes' in e) bytes += e.bytes;
    else error = { name: e.error, code: e.code, offset: e.offset, messageType: e.messageType };
  }
  return { bytes, error };
}

/**
 * What the frames of a framing path decode to: each frame's message
 * re-encoded, up to the first frame that does not decode (its error ends
 * it) or the framing error. This is what `read()` must have delivered.
 */
export function decodedProjection(events: readonly Event[]): Projection {
  let bytes = '';
  for (const e of events) {
    if (!('frame' in e)) return { bytes, error: 'error' in e ? { name: e.error, code: e.code, offset: e.offset, messageType: e.messageType } : null };
    if (typeof e.decoded !== 'string') return { bytes, error: { name: e.decoded.error, code: e.decoded.code, offset: e.decoded.offset, messageType: e.decoded.messageType } };
    bytes += e.decoded;
  }
  return { bytes, error: null };
}

/** A transcript reduced to what every read path must agree on. */
export interface Projection {
  /** The delivered frames' bytes, as hex. */
  bytes: string;
  error: { name: string; code: string; offset: number; messageType: string | null } | null;
}

/** First difference between two JSON-able values, for a short counterexample message. */
export function differ(a: unknown, b: unknown): string | null {
  const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
  if (x === y) return null;
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  const from = Math.max(0, i - 80);
  return `first difference at character ${i}:\n  ${x.slice(from, i + 160)}\n  ${y.slice(from, i + 160)}`;
}
