/**
 * A proxy made of two pgcodec connections: a BackendConnection facing the
 * client and a FrontendConnection facing the server. Every message one
 * receives is passed to the other's `send`; the bytes that come out must be
 * the bytes that went in. Strict by default, so any state-machine violation
 * on real traffic fails the replay.
 */
import * as pg from 'pgcodec';
import type { RecordedSession } from '../harness/recorder.ts';
import { concat } from './replay.ts';

export interface ProxyResult {
  /** Phases of the client-facing side after each event. */
  finalPhase: pg.ConnectionPhase;
  messages: number;
}

export function proxySession(
  session: RecordedSession,
  opts: { rechunk?: (b: Uint8Array) => Uint8Array[]; strict?: boolean; engine?: pg.EngineName } = {},
): ProxyResult {
  const rechunk = opts.rechunk ?? ((b: Uint8Array) => [b]);
  const toClient = new pg.BackendConnection({ strict: opts.strict ?? true, engine: opts.engine });
  const toServer = new pg.FrontendConnection({ strict: opts.strict ?? true, engine: opts.engine });
  const inF: Uint8Array[] = [];
  const inB: Uint8Array[] = [];
  const outF: Uint8Array[] = [];
  const outB: Uint8Array[] = [];
  let messages = 0;
  for (const ev of session.events) {
    for (const c of rechunk(ev.bytes)) {
      if (ev.dir === 'F') {
        for (const m of toClient.receive(c)) outF.push(toServer.send(m)), messages++;
      } else {
        for (const m of toServer.receive(c)) outB.push(toClient.send(m)), messages++;
      }
    }
    (ev.dir === 'F' ? inF : inB).push(ev.bytes);
  }
  for (const [side, a, b] of [
    ['client→server', concat(inF), concat(outF)],
    ['server→client', concat(inB), concat(outB)],
  ] as const) {
    if (!Buffer.from(a).equals(Buffer.from(b))) throw new Error(`${side}: ${b.length} bytes forwarded differ from the ${a.length} received`);
  }
  if (toClient.phase !== toServer.phase) throw new Error(`the two sides disagree: ${toClient.phase} vs ${toServer.phase}`);
  return { finalPhase: toClient.phase, messages };
}

/**
 * The same proxy on the frame path: after startup, frames and row batches
 * are forwarded with `sendFrame`/`sendRowBatch` (their own bytes, checked by
 * both state machines, decoded only where a machine needs more than the
 * type); startup and authentication go through receive/send. With
 * `batches`, every frame of a read goes as one batch (readFrames/sendFrames,
 * each frame decoded at most once for both state machines).
 */
export function proxySessionFrames(session: RecordedSession, opts: { engine?: pg.EngineName; batches?: boolean } = {}): ProxyResult {
  const toClient = new pg.BackendConnection({ strict: true, engine: opts.engine });
  const toServer = new pg.FrontendConnection({ strict: true, engine: opts.engine });
  const EMPTY = new Uint8Array(0);
  const P = pg.ConnectionPhase;
  const inF: Uint8Array[] = [];
  const inB: Uint8Array[] = [];
  const outF: Uint8Array[] = [];
  const outB: Uint8Array[] = [];
  let messages = 0;
  for (const ev of session.events) {
    if (ev.dir === 'F') {
      inF.push(ev.bytes);
      toClient.feed(ev.bytes);
      for (;;) {
        const ph = toClient.phase;
        if (ph === P.STARTUP || ph === P.SSL_NEGOTIATION || ph === P.GSS_NEGOTIATION) {
          const got = [...toClient.receive(EMPTY)];
          for (const m of got) outF.push(toServer.send(m)), messages++;
          if (got.length === 0) break;
          continue;
        }
        if (opts.batches) {
          const fb = toClient.readFrames();
          if (fb === null) break;
          outF.push(toServer.sendFrames(fb).slice());
          messages += fb.count;
          continue;
        }
        const f = toClient.readFrame();
        if (f === null) break;
        // Views are valid until the next feed: keep a copy (a socket.write may hold on to them too).
        outF.push(toServer.sendFrame(f).slice());
        messages++;
      }
    } else {
      inB.push(ev.bytes);
      toServer.feed(ev.bytes);
      for (;;) {
        const ph = toServer.phase;
        if (ph === P.SSL_NEGOTIATION || ph === P.GSS_NEGOTIATION) {
          const got = [...toServer.receive(EMPTY)];
          for (const m of got) outB.push(toClient.send(m)), messages++;
          if (got.length === 0) break;
          continue;
        }
        if (opts.batches) {
          const fb = toServer.readFrames();
          if (fb === null) break;
          outB.push(toClient.sendFrames(fb).slice());
          messages += fb.count;
          continue;
        }
        const b = toServer.readRowBatch();
        if (b !== null) {
          outB.push(toClient.sendRowBatch(b).slice());
          messages += b.rowCount;
          continue;
        }
        const f = toServer.readFrame();
        if (f === null) break;
        outB.push(toClient.sendFrame(f).slice());
        messages++;
      }
    }
  }
  for (const [side, a, b] of [
    ['client→server', concat(inF), concat(outF)],
    ['server→client', concat(inB), concat(outB)],
  ] as const) {
    if (!Buffer.from(a).equals(Buffer.from(b))) throw new Error(`${side}: ${b.length} bytes forwarded differ from the ${a.length} received`);
  }
  if (toClient.phase !== toServer.phase) throw new Error(`the two sides disagree: ${toClient.phase} vs ${toServer.phase}`);
  return { finalPhase: toClient.phase, messages };
}
