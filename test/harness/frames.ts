/**
 * Minimal message *framing* for recorded sessions: splits each direction's byte stream into
 * PostgreSQL protocol messages (type byte + int32 length, or the untyped startup-phase packets)
 * and names them. It does not decode message bodies beyond the few bytes needed for a name
 * (the auth request code in 'R', the request code of untyped packets).
 *
 * Used by record.ts for summaries / coverage and by the fixture self-test as an independent
 * sanity check that every fixture is a well-formed message stream. It is not the codec.
 */
import type { Direction, RecordedSession } from './recorder.ts';

export interface FramedMessage {
  dir: Direction;
  /** Human-readable message name, e.g. 'Query', 'DataRow', 'AuthenticationSASL', 'SSLRequest', 'SSLResponse(N)'. */
  name: string;
  /** Type byte as a character, '' for untyped packets (startup phase) and single-byte SSL/GSS responses. */
  type: string;
  /** Total size on the wire including type byte and length. */
  size: number;
  /** Index of the event in which the message started. */
  event: number;
}

export interface FramingResult {
  messages: FramedMessage[];
  /** Bytes left over at the end of each direction (0 for a cleanly closed session; after an accepted SSL/GSSENC request: the encrypted bytes). */
  leftover: { F: number; B: number };
  /** True if the server accepted SSLRequest/GSSENCRequest ('S'/'G'); bytes after that are not framed. */
  encrypted: boolean;
  /** Set if the stream switched to TLS or hit garbage; framing stops there. */
  problem?: string;
}

const FRONTEND: Record<string, string> = {
  B: 'Bind', C: 'Close', d: 'CopyData', c: 'CopyDone', f: 'CopyFail', D: 'Describe', E: 'Execute',
  H: 'Flush', F: 'FunctionCall', p: 'PasswordMessage', P: 'Parse', Q: 'Query', S: 'Sync', X: 'Terminate',
};
const P_NAMES = ['PasswordMessage', 'SASLInitialResponse', 'SASLResponse', 'GSSResponse'];
const BACKEND: Record<string, string> = {
  R: 'Authentication', K: 'BackendKeyData', '2': 'BindComplete', '3': 'CloseComplete', C: 'CommandComplete',
  d: 'CopyData', c: 'CopyDone', G: 'CopyInResponse', H: 'CopyOutResponse', W: 'CopyBothResponse', D: 'DataRow',
  I: 'EmptyQueryResponse', E: 'ErrorResponse', V: 'FunctionCallResponse', v: 'NegotiateProtocolVersion',
  n: 'NoData', N: 'NoticeResponse', A: 'NotificationResponse', t: 'ParameterDescription', S: 'ParameterStatus',
  '1': 'ParseComplete', s: 'PortalSuspended', Z: 'ReadyForQuery', T: 'RowDescription',
};
const AUTH: Record<number, string> = {
  0: 'AuthenticationOk', 2: 'AuthenticationKerberosV5', 3: 'AuthenticationCleartextPassword',
  5: 'AuthenticationMD5Password', 7: 'AuthenticationGSS', 8: 'AuthenticationGSSContinue', 9: 'AuthenticationSSPI',
  10: 'AuthenticationSASL', 11: 'AuthenticationSASLContinue', 12: 'AuthenticationSASLFinal',
};
const REQUEST_CODES: Record<number, string> = {
  80877102: 'CancelRequest', 80877103: 'SSLRequest', 80877104: 'GSSENCRequest',
};

class Stream {
  private chunks: Uint8Array[] = [];
  private len = 0;
  push(b: Uint8Array) { this.chunks.push(b); this.len += b.length; }
  get length() { return this.len; }
  peek(n: number): Uint8Array | undefined {
    if (this.len < n) return undefined;
    if (this.chunks[0].length < n) {
      const all = new Uint8Array(this.len);
      let o = 0;
      for (const c of this.chunks) { all.set(c, o); o += c.length; }
      this.chunks = [all];
    }
    return this.chunks[0].subarray(0, n);
  }
  skip(n: number) {
    this.len -= n;
    while (n > 0) {
      const c = this.chunks[0];
      if (c.length <= n) { this.chunks.shift(); n -= c.length; } else { this.chunks[0] = c.subarray(n); n = 0; }
    }
  }
}

const u32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

export function frameSession(session: RecordedSession): FramingResult {
  const messages: FramedMessage[] = [];
  const f = new Stream();
  const b = new Stream();
  let startupPhase = true; // frontend: untyped packets until StartupMessage (or CancelRequest)
  const pendingSingleByte: string[] = []; // SSLRequest / GSSENCRequest awaiting their 1-byte answer
  let problem: string | undefined;
  let fStart = -1;
  let bStart = -1;
  let lastAuth = -1; // last backend authentication request code, to name 'p' messages
  let encrypted = false; // after 'S'/'G': raw TLS / GSSAPI bytes, counted as leftover

  session.events.forEach((ev, idx) => {
    if (problem) return;
    if (encrypted) {
      (ev.dir === 'F' ? f : b).push(ev.bytes);
      return;
    }
    if (ev.dir === 'F') {
      if (f.length === 0) fStart = idx;
      f.push(ev.bytes);
      for (;;) {
        if (startupPhase) {
          const h = f.peek(8);
          if (!h) break;
          const len = u32(h, 0);
          if (len < 8 || len > 10_000) { problem = `bad startup packet length ${len}`; return; }
          if (f.length < len) break;
          const code = u32(h, 4);
          let name = REQUEST_CODES[code];
          if (name) {
            if (name !== 'CancelRequest') pendingSingleByte.push(name);
            else startupPhase = false;
          } else {
            name = `StartupMessage(${code >>> 16}.${code & 0xffff})`;
            startupPhase = false;
          }
          messages.push({ dir: 'F', name, type: '', size: len, event: fStart });
          f.skip(len);
        } else {
          const h = f.peek(5);
          if (!h) break;
          const len = u32(h, 1);
          if (f.length < len + 1) break;
          const t = String.fromCharCode(h[0]);
          if (len < 4 || !FRONTEND[t]) { problem = `unknown frontend message type ${JSON.stringify(t)} (len ${len})`; return; }
          let name = FRONTEND[t];
          if (t === 'p') {
            name = lastAuth === 10 ? 'SASLInitialResponse' : lastAuth === 11 ? 'SASLResponse' : lastAuth === 7 || lastAuth === 8 ? 'GSSResponse' : 'PasswordMessage';
          }
          messages.push({ dir: 'F', name, type: t, size: len + 1, event: fStart });
          f.skip(len + 1);
        }
        fStart = idx;
      }
    } else {
      if (b.length === 0) bStart = idx;
      b.push(ev.bytes);
      for (;;) {
        if (pendingSingleByte.length) {
          const h = b.peek(1);
          if (!h) break;
          const req = pendingSingleByte.shift()!;
          const ch = String.fromCharCode(h[0]);
          if (ch === 'N') {
            messages.push({ dir: 'B', name: `${req === 'SSLRequest' ? 'SSLResponse' : 'GSSENCResponse'}(N)`, type: '', size: 1, event: bStart });
            b.skip(1);
            bStart = idx;
            continue;
          }
          if (ch === 'S' || ch === 'G') {
            // accepted: TLS / GSSAPI handshake follows; the rest of both streams is not framed
            messages.push({ dir: 'B', name: `${req === 'SSLRequest' ? 'SSLResponse' : 'GSSENCResponse'}(${ch})`, type: '', size: 1, event: bStart });
            b.skip(1);
            encrypted = true;
            return;
          }
          // 'E' (old servers) etc.: fall through and frame it as a typed message
        }
        const h = b.peek(5);
        if (!h) break;
        const len = u32(h, 1);
        if (b.length < len + 1) break;
        const t = String.fromCharCode(h[0]);
        if (len < 4 || !BACKEND[t]) { problem = `unknown backend message type ${JSON.stringify(t)} (len ${len})`; return; }
        let name = BACKEND[t];
        if (t === 'R') {
          const body = b.peek(9);
          const code = body && len >= 8 ? u32(body, 5) : -1;
          name = AUTH[code] ?? `Authentication(${code})`;
          lastAuth = code;
        }
        messages.push({ dir: 'B', name, type: t, size: len + 1, event: bStart });
        b.skip(len + 1);
        bStart = idx;
      }
    }
  });
  return { messages, leftover: { F: f.length, B: b.length }, encrypted, problem };
}

/** Count message names per direction, e.g. { 'F:Query': 3, 'B:DataRow': 10 }. */
export function messageCounts(session: RecordedSession): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of frameSession(session).messages) {
    const k = `${m.dir}:${m.name.replace(/\(.*\)$/, '')}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** Every message name of protocol 3.0 (for coverage reports). */
export const ALL_FRONTEND_MESSAGES = [
  'StartupMessage', 'SSLRequest', 'GSSENCRequest', 'CancelRequest', ...Object.values(FRONTEND), ...P_NAMES.slice(1),
];
export const ALL_BACKEND_MESSAGES = [
  'SSLResponse', 'GSSENCResponse',
  ...Object.values(BACKEND).filter((n) => n !== 'Authentication'),
  ...Object.values(AUTH),
];
