/**
 * Replays a recorded session through pgcodec's two stream decoders and
 * re-encodes every message: the bytes out must be the bytes in, in each
 * direction, with nothing left over.
 *
 * The decoders need the phase; until the state machines exist this follows
 * the few transitions that change framing, driven by the messages
 * themselves (a test helper, not the library's state machine).
 */
import * as pg from 'pgcodec';
import type { RecordedSession } from '../harness/recorder.js';

export interface ReplayResult {
  /** Message type names in order, per direction. */
  frontend: string[];
  backend: string[];
  /** Bytes checked per direction. */
  frontendBytes: number;
  backendBytes: number;
}

const P = pg.ConnectionPhase;

export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Index of the first differing byte, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Feeds each recorded chunk as it was delivered (or re-chunked by `rechunk`)
 * and checks the round trip. Throws on any mismatch.
 */
export function replaySession(
  session: RecordedSession,
  rechunk: (b: Uint8Array) => Uint8Array[] = (b) => [b],
  opts: pg.DecoderOptions = {},
): ReplayResult {
  const fe = new pg.FrontendMessageDecoder(opts);
  const be = new pg.BackendMessageDecoder(opts);
  const result: ReplayResult = { frontend: [], backend: [], frontendBytes: 0, backendBytes: 0 };
  const inF: Uint8Array[] = [];
  const inB: Uint8Array[] = [];
  const outF: Uint8Array[] = [];
  const outB: Uint8Array[] = [];

  const onFrontend = (m: pg.FrontendMessage): void => {
    result.frontend.push(m.type);
    outF.push(m.toWire());
    if (m instanceof pg.SSLRequest) be.phase = P.SSL_NEGOTIATION;
    else if (m instanceof pg.GSSEncRequest) be.phase = P.GSS_NEGOTIATION;
    else if (m instanceof pg.StartupMessage) fe.phase = P.AUTHENTICATING;
    else if (m instanceof pg.SASLInitialResponse) fe.phase = P.AUTHENTICATING_SASL_CONTINUE;
  };
  const onBackend = (m: pg.BackendMessage): void => {
    result.backend.push(m.type);
    outB.push(m.toWire());
    if (m instanceof pg.SSLResponse || m instanceof pg.GSSResponse) be.phase = P.STARTUP;
    else if (m instanceof pg.AuthenticationSASL) fe.phase = P.AUTHENTICATING_SASL_INITIAL;
    else if (m instanceof pg.AuthenticationGSS || m instanceof pg.AuthenticationSSPI) fe.gssAuthentication = true;
    else if (m instanceof pg.AuthenticationOk) fe.phase = P.INITIALIZATION;
    else if (m instanceof pg.ReadyForQuery) fe.phase = P.READY;
  };

  for (const ev of session.events) {
    if (ev.dir === 'F') {
      inF.push(ev.bytes);
      for (const c of rechunk(ev.bytes)) {
        fe.feed(c);
        for (const m of fe) onFrontend(m);
      }
    } else {
      inB.push(ev.bytes);
      for (const c of rechunk(ev.bytes)) {
        be.feed(c);
        for (const m of be) onBackend(m);
      }
    }
  }

  for (const [side, input, output, dec] of [
    ['frontend', inF, outF, fe],
    ['backend', inB, outB, be],
  ] as const) {
    const a = concat(input);
    const b = concat(output);
    const at = firstDifference(a, b);
    if (at >= 0) throw new Error(`${side} stream differs after re-encoding at byte ${at} of ${a.length} (${b.length} re-encoded)`);
    if (dec.buffered !== 0) throw new Error(`${side} decoder has ${dec.buffered} bytes left over`);
    if (side === 'frontend') result.frontendBytes = a.length;
    else result.backendBytes = a.length;
  }
  return result;
}
