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

export function proxySession(session: RecordedSession, opts: { rechunk?: (b: Uint8Array) => Uint8Array[]; strict?: boolean } = {}): ProxyResult {
  const rechunk = opts.rechunk ?? ((b: Uint8Array) => [b]);
  const toClient = new pg.BackendConnection({ strict: opts.strict ?? true });
  const toServer = new pg.FrontendConnection({ strict: opts.strict ?? true });
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
