/**
 * Protocol 3.2 end to end against the server that defines it: a strict
 * FrontendConnection over TCP to a throwaway PostgreSQL 18. What the server
 * answers is asserted as seen (key lengths are whatever it sends, within the
 * protocol's 4..256), and printed for the record.
 */
import * as pg from 'pgcodec';
import { describe, expect, it } from 'vitest';
import { frameSession, listFixtures, readFixtureIndex, readSessionFile } from '../harness/index.ts';
import { proxySession, proxySessionFrames } from '../replay/proxy.ts';
import { unforced } from '../support/engine-env.ts';
import { PG18, useServer } from '../support/servers.ts';
import { rows, types, untilSleeping } from './wire-client.ts';

const s = useServer(PG18);
const connect = s.connect;

/** Sends a CancelRequest on a new connection and waits until the server has closed it (the request was processed). */
async function cancel(processId: number, secretKey: Uint8Array): Promise<number> {
  const c = await s.open();
  const sent = c.send(new pg.CancelRequest({ processId, secretKey }));
  expect(c.phase).toBe(pg.ConnectionPhase.TERMINATED);
  if (!c.socket.closed) await new Promise((r) => c.socket.once('close', r));
  return sent.length;
}

const V3_2 = pg.StartupRequestCode.V3_2;

describe('protocol 3.2 against PostgreSQL 18', () => {
  it('is a real PostgreSQL 18', () => {
    expect(s.cluster.major).toBe(18);
  });

  it('a 3.2 StartupMessage: no negotiation, a BackendKeyData with a long key, then queries', async () => {
    for (const auth of [{}, s.cluster.users.md5, s.cluster.users.scram]) {
      const c = await connect({ protocolVersion: V3_2, ...auth });
      expect(c.negotiated).toBeNull();
      const key = c.backendKey!.secretKey;
      console.log(`PostgreSQL ${s.cluster.version}, 3.2 (${'user' in auth ? auth.user : 'trust'}): BackendKeyData ${9 + key.length} bytes, key ${key.length} bytes`);
      expect(key.length).toBeGreaterThanOrEqual(4);
      expect(key.length).toBeLessThanOrEqual(pg.MAX_CANCEL_KEY_LENGTH);
      expect(key.length).toBe(32); // what PostgreSQL 18 sends; the codec assumes no size
      expect(rows(await c.query('SELECT 1'))).toEqual([['1']]);
      await c.close();
    }
  });

  it('3.0 against PostgreSQL 18 gives the 4-byte key as before', async () => {
    const c = await connect({ protocolVersion: pg.StartupRequestCode.V3_0 });
    expect(c.negotiated).toBeNull();
    expect(c.backendKey!.secretKey.length).toBe(4);
    await c.close();
  });

  it('a CancelRequest carrying the 32-byte key cancels a running pg_sleep', async () => {
    const c = await connect({ protocolVersion: V3_2 });
    const watcher = await connect();
    c.send(new pg.Query({ queryString: 'SELECT pg_sleep(300)' }));
    await untilSleeping(watcher, c.backendKey!.processId);
    const sent = await cancel(c.backendKey!.processId, c.backendKey!.secretKey);
    console.log(`CancelRequest with the 3.2 key: ${sent} bytes`);
    expect(sent).toBe(12 + 32);
    const r = await c.untilReady();
    expect(r.find((m): m is pg.ErrorResponse => m instanceof pg.ErrorResponse)?.code).toBe('57014');
    await watcher.close();
    await c.close();
  });

  it('a wrong key cancels nothing: one bit off, or only the first 4 bytes', async () => {
    const c = await connect({ protocolVersion: V3_2 });
    const watcher = await connect();
    const { processId, secretKey } = c.backendKey!;
    c.send(new pg.Query({ queryString: 'SELECT pg_sleep(300)' }));
    await untilSleeping(watcher, processId);
    const flipped = secretKey.slice();
    flipped[31]! ^= 1;
    for (const wrong of [flipped, secretKey.slice(0, 4)]) {
      await cancel(processId, wrong);
      // The cancel was processed (its connection closed); the query still sleeps.
      await watcher.query('SELECT 1');
      expect(rows(await watcher.query(`SELECT wait_event FROM pg_stat_activity WHERE pid = ${processId}`))).toEqual([['PgSleep']]);
    }
    await cancel(processId, secretKey);
    expect(types(await c.untilReady())).toContain('ErrorResponse');
    await watcher.close();
    await c.close();
  });

  for (const minor of [3, 9]) {
    it(`asking for 3.${minor}: NegotiateProtocolVersion names 3.2 and the connection proceeds on 3.2`, async () => {
      const c = await connect({ protocolVersion: pg.protocolVersion(3, minor) });
      const npv = c.negotiated!;
      expect(npv).toBeInstanceOf(pg.NegotiateProtocolVersion);
      console.log(`asked for 3.${minor}: NegotiateProtocolVersion newest ${npv.rawNewestMinor >>> 16}.${npv.newestMinor}, ${npv.toWire().length} bytes`);
      expect(npv.rawNewestMinor).toBe(V3_2); // the whole version, as PostgreSQL sends it
      expect(npv.newestMinor).toBe(2);
      expect(npv.unrecognized).toEqual([]);
      expect(c.backendKey!.secretKey.length).toBe(32);
      expect(rows(await c.query('SELECT 2'))).toEqual([['2']]);
      await c.close();
    });
  }

  it('unknown _pq_ options are listed back in NegotiateProtocolVersion and the connection proceeds', async () => {
    const c = await connect({ protocolVersion: V3_2, params: { '_pq_.pgcodec_a': '1', '_pq_.pgcodec_b': 'on' } });
    const npv = c.negotiated!;
    expect(npv.rawNewestMinor).toBe(V3_2);
    expect(npv.unrecognized).toEqual(['_pq_.pgcodec_a', '_pq_.pgcodec_b']);
    expect(rows(await c.query('SELECT 3'))).toEqual([['3']]);
    await c.close();
  });

  it('the message log of a 3.2 connection passes the strict state machine from startup to Terminate', async () => {
    const c = await connect({ protocolVersion: V3_2, ...s.cluster.users.scram });
    expect(types(c.log)).toEqual(
      expect.arrayContaining(['AuthenticationSASL', 'AuthenticationSASLContinue', 'AuthenticationSASLFinal', 'AuthenticationOk', 'BackendKeyData', 'ReadyForQuery']),
    );
    await c.close();
    expect(c.phase).toBe(pg.ConnectionPhase.TERMINATED);
    expect(c.error).toBeNull();
  });
});

describe('recorded 3.2 sessions with PostgreSQL 18 (test/fixtures/sessions/pg18-pgcodec-*)', () => {
  const paths = listFixtures();
  const recorded = readFixtureIndex()
    .map((e, i) => ({ e, path: paths[i]! }))
    .filter(({ e }) => e.file.startsWith('pg18-pgcodec-'));

  it('there are 3.2 startups, long keys and negotiation among them', () => {
    const names = recorded.map(({ path }) => frameSession(readSessionFile(path)).messages.map((m) => `${m.dir}:${m.name}`));
    expect(names.some((n) => n.includes('F:StartupMessage(3.2)') && n.includes('B:BackendKeyData'))).toBe(true);
    expect(names.some((n) => n.includes('F:StartupMessage(3.9)') && n.includes('B:NegotiateProtocolVersion'))).toBe(true);
    expect(names.some((n) => n.includes('F:CancelRequest'))).toBe(true);
    expect(recorded.every(({ e }) => e.server?.startsWith('PostgreSQL 18'))).toBe(true);
  });

  it.each(recorded.map(({ e, path }) => [e.file, path] as const))('%s replays byte-exact through a strict proxy pair, message and frame paths, both engines', (_file, path) => {
    const session = readSessionFile(path);
    const r = proxySession(session);
    for (const engine of ['wasm', 'js'] as const) {
      expect(unforced(() => proxySession(session, { engine }))).toEqual(r);
      const f = unforced(() => proxySessionFrames(session, { engine }));
      expect([f.finalPhase, f.messages]).toEqual([r.finalPhase, r.messages]);
    }
    // The key the server sent is the key decoded, as long as it came; a 3.2 CancelRequest carries it whole.
    const backend = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.AUTHENTICATING });
    for (const ev of session.events.filter((e) => e.dir === 'B')) {
      backend.feed(ev.bytes);
      for (const m of backend) if (m instanceof pg.BackendKeyData) expect(m.secretKey.length).toBe(32);
    }
    const first = new pg.FrontendMessageDecoder();
    first.feed(session.events.find((e) => e.dir === 'F')!.bytes);
    const packet = first.read();
    if (packet instanceof pg.CancelRequest) expect(packet.secretKey.length).toBe(32);
    else expect(packet).toBeInstanceOf(pg.StartupMessage);
  });
});
