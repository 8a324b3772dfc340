/**
 * The frame path of connections: a client's view of every recorded server
 * stream taken as row batches and raw frames (decoded only where the state
 * machine must see more than the type), strictly, ends where the message
 * path ends, on both engines.
 */
import * as pg from 'pgcodec';
import { describe, expect, it } from 'vitest';
import { listFixtures, readSessionFile } from './harness/index.ts';
import { unforced } from './support/engine-env.ts';

const P = pg.ConnectionPhase;
const EMPTY = new Uint8Array(0);


/** Replays a session as a client: what the client sent goes through send(), what the server sent through frames. */
function asClient(path: string, engine: pg.EngineName, frames: boolean): { phase: pg.ConnectionPhase; rows: number; types: string[] } {
  const session = readSessionFile(path);
  const conn = unforced(() => new pg.FrontendConnection({ engine }));
  const sent = unforced(() => new pg.FrontendMessageDecoder({ engine }));
  let rows = 0;
  const types: string[] = [];
  for (const ev of session.events) {
    if (ev.dir === 'F') {
      sent.feed(ev.bytes);
      for (;;) {
        sent.phase = conn.phase === P.SSL_NEGOTIATION || conn.phase === P.GSS_NEGOTIATION ? P.STARTUP : conn.phase;
        sent.gssAuthentication = types.includes('AuthenticationGSS');
        const m = sent.read();
        if (m === null) break;
        conn.send(m);
      }
      continue;
    }
    if (!frames) {
      for (const m of conn.receive(ev.bytes)) {
        types.push(m.type);
        if (m instanceof pg.DataRow) rows++;
      }
      continue;
    }
    conn.feed(ev.bytes);
    for (;;) {
      const ph = conn.phase;
      if (ph === P.SSL_NEGOTIATION || ph === P.GSS_NEGOTIATION || ph === P.AUTHENTICATING || ph === P.STARTUP) {
        // startup framing and authentication: the message path
        const got = [...conn.receive(EMPTY)];
        for (const m of got) types.push(m.type);
        if (got.length === 0) break;
        continue;
      }
      const b = conn.readRowBatch();
      if (b !== null) {
        rows += b.rowCount;
        for (let r = 0; r < b.rowCount; r++) types.push('DataRow');
        continue;
      }
      const f = conn.readFrame();
      if (f === null) break;
      types.push(f.decode().type);
    }
  }
  return { phase: conn.phase, rows, types };
}

describe.each(['wasm', 'js'] as const)('FrontendConnection frame path (%s engine)', (engine) => {
  it.each(listFixtures().map((p) => [p.split('/').at(-1)!.replace('.pgrec.gz', ''), p] as const))('%s: same end as the message path', (_n, path) => {
    const viaMessages = asClient(path, engine, false);
    const viaFrames = asClient(path, engine, true);
    expect(viaFrames).toEqual(viaMessages);
  });

  it('a row the state machine does not expect is refused on the frame path too', () => {
    const c = unforced(() => new pg.FrontendConnection({ engine, initialPhase: P.READY }));
    c.feed(new pg.DataRow({ columns: ['x'] }).toWire());
    expect(() => c.readRowBatch()).toThrow(pg.StateMachineError);
    expect(c.phase).toBe(P.FAILED);
  });
});
