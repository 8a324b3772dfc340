/**
 * Lossless on real traffic: every recorded session (psql, pgbench,
 * node-postgres, postgres.js, pg_recvlogical and hand-made probes against
 * PostgreSQL 15) replayed through pgcodec's decoders and re-encoded gives
 * back the identical bytes, however the stream is chunked.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listFixtures,
  readFixtureIndex,
  readSessionFile,
  runProcess,
  startRecorder,
  type Cluster,
  type RecordedSession,
  type Recorder,
} from './harness/index.ts';
import { proxySession, proxySessionFrames } from './replay/proxy.ts';
import { unforced } from './support/engine-env.ts';
import { SERVERS } from './support/servers.ts';
import { replaySession } from './replay/replay.ts';

const index = readFixtureIndex();
const paths = listFixtures();
const cases = index.map((entry, i) => ({ name: entry.file.replace('.pgrec.gz', ''), entry, path: paths[i]! }));

/** xorshift32: the same chunking on every run. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** The session with consecutive reads of one direction merged up to 64 KiB (as a busy socket delivers them). */
function mergeReads(session: RecordedSession): RecordedSession {
  const events: RecordedSession['events'] = [];
  for (const ev of session.events) {
    const last = events.at(-1);
    if (last && last.dir === ev.dir && last.bytes.length + ev.bytes.length <= 65536) {
      const b = new Uint8Array(last.bytes.length + ev.bytes.length);
      b.set(last.bytes);
      b.set(ev.bytes, last.bytes.length);
      last.bytes = b;
    } else events.push({ dir: ev.dir, bytes: ev.bytes });
  }
  return { ...session, events };
}

const byteByByte = (b: Uint8Array) => Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1));

describe.each(cases)('recorded session $name', ({ entry, path }) => {
  const session = readSessionFile(path);

  it('round-trips as delivered, every message type as the independent framer saw it', () => {
    const r = replaySession(session);
    const counts: Record<string, number> = {};
    for (const t of r.frontend) counts[`F:${t}`] = (counts[`F:${t}`] ?? 0) + 1;
    for (const t of r.backend) counts[`B:${t}`] = (counts[`B:${t}`] ?? 0) + 1;
    // the recorder uses PostgreSQL's doc names where pgcodec's API differs
    const rename: Record<string, string> = { 'F:GSSResponse': 'F:GSSAuthResponse', 'F:GSSENCRequest': 'F:GSSEncRequest', 'B:GSSENCResponse': 'B:GSSResponse' };
    const expected = Object.fromEntries(Object.entries(entry.messages ?? {}).map(([k, v]) => [rename[k] ?? k, v]));
    expect(counts).toEqual(expected);
  });

  it('round-trips fed byte by byte', () => {
    const r = replaySession(session, byteByByte);
    expect(r.frontend.length + r.backend.length).toBeGreaterThan(0);
  });

  it('round-trips in random chunks', () => {
    const rand = rng(entry.file.length * 7919);
    replaySession(session, (b) => {
      const out: Uint8Array[] = [];
      for (let i = 0; i < b.length; ) {
        const n = 1 + Math.floor(rand() * 700);
        out.push(b.subarray(i, i + n));
        i += n;
      }
      return out;
    });
  });

  it('passes losslessly through a strict proxy (BackendConnection → FrontendConnection and back), both engines', () => {
    const r = proxySession(session);
    expect(r.messages).toBeGreaterThan(0);
    for (const engine of ['wasm', 'js'] as const) expect(unforced(() => proxySession(session, { engine }))).toEqual(r);
    const b = proxySession(session, { rechunk: byteByByte });
    expect(b).toEqual(r);
  });

  it('passes losslessly through a strict proxy on the frame path (sendFrame, sendRowBatch), both engines', () => {
    const r = proxySession(session);
    for (const engine of ['wasm', 'js'] as const) {
      const f = unforced(() => proxySessionFrames(session, { engine }));
      expect(f.finalPhase).toBe(r.finalPhase);
      expect(f.messages).toBe(r.messages);
      // Whole reads as batches, as the proxy package forwards them; and with each direction's reads merged into 64 KiB, so batches span phase changes.
      expect(unforced(() => proxySessionFrames(session, { engine, batches: true }))).toEqual(f);
      expect(unforced(() => proxySessionFrames(mergeReads(session), { engine, batches: true }))).toEqual(f);
    }
  });

  it('round-trips with consecutive chunks of one direction merged into 64 KiB reads', () => {
    const merged = mergeReads(session).events;
    replaySession({ events: merged });
  });
});

describe('what the recordings cover', () => {
  it('every message the real clients and servers exchanged, in both directions', () => {
    const seen = new Set<string>();
    for (const { path } of cases) {
      const r = replaySession(readSessionFile(path));
      r.frontend.forEach((t) => seen.add(`F:${t}`));
      r.backend.forEach((t) => seen.add(`B:${t}`));
    }
    const required = [
      'F:StartupMessage', 'F:SSLRequest', 'F:GSSEncRequest', 'F:CancelRequest', 'F:PasswordMessage',
      'F:SASLInitialResponse', 'F:SASLResponse', 'F:GSSAuthResponse', 'F:Query', 'F:Parse', 'F:Bind',
      'F:Describe', 'F:Execute', 'F:Close', 'F:Sync', 'F:Flush', 'F:CopyData', 'F:CopyDone', 'F:CopyFail',
      'F:FunctionCall', 'F:Terminate',
      'B:SSLResponse', 'B:GSSResponse', 'B:AuthenticationOk', 'B:AuthenticationCleartextPassword',
      'B:AuthenticationMD5Password', 'B:AuthenticationGSS', 'B:AuthenticationSASL', 'B:AuthenticationSASLContinue',
      'B:AuthenticationSASLFinal', 'B:BackendKeyData', 'B:ParameterStatus', 'B:NegotiateProtocolVersion',
      'B:ReadyForQuery', 'B:ErrorResponse', 'B:NoticeResponse', 'B:NotificationResponse', 'B:RowDescription',
      'B:DataRow', 'B:CommandComplete', 'B:EmptyQueryResponse', 'B:ParseComplete', 'B:BindComplete',
      'B:CloseComplete', 'B:ParameterDescription', 'B:NoData', 'B:PortalSuspended', 'B:CopyInResponse',
      'B:CopyOutResponse', 'B:CopyBothResponse', 'B:CopyData', 'B:CopyDone', 'B:FunctionCallResponse',
    ];
    expect(required.filter((t) => !seen.has(t))).toEqual([]);
  });
});

describe.each(SERVERS)('live: sessions recorded now against a throwaway $name', (server) => {
  let cluster: Cluster;
  let recorder: Recorder;

  beforeAll(async () => {
    cluster = await server.start();
    recorder = await startRecorder({ host: cluster.host, port: cluster.port });
  }, 120_000);

  afterAll(async () => {
    await recorder?.close();
    await cluster?.stop();
  }, 30_000);

  it('psql (SSLRequest, COPY both ways, errors, notices, LISTEN/NOTIFY) and node-postgres (SCRAM, extended query) round-trip', async () => {
    const script = [
      'CREATE TEMP TABLE t (a int, b text);',
      'COPY t FROM STDIN;',
      '1\tone',
      '2\t\\N',
      '\\.',
      'COPY t TO STDOUT (FORMAT binary);',
      'SELECT 1/0;',
      "DO $$ BEGIN RAISE NOTICE 'hi'; END $$;",
      'LISTEN ch; NOTIFY ch, $$payload$$;',
      'SELECT * FROM t;',
    ].join('\n');
    const psql = await runProcess(
      join(cluster.clientBinDir, 'psql'),
      ['-X', '-d', `host=127.0.0.1 port=${recorder.port} user=postgres dbname=postgres sslmode=prefer gssencmode=disable`],
      { env: cluster.clientEnv(), timeoutMs: 20_000, input: script },
    );
    expect(psql.stdout).toContain('one');
    expect(psql.stderr).toContain('division by zero');

    const client = new pg.Client({
      host: '127.0.0.1',
      port: recorder.port,
      user: cluster.users.scram.user,
      password: cluster.users.scram.password,
      database: 'postgres',
    });
    await client.connect();
    const r = await client.query({ text: 'SELECT $1::int + 1 AS n, $2::text AS s', values: [41, null], rowMode: 'array' });
    expect(r.rows).toEqual([[42, null]]);
    await client.end();

    const sessions = await recorder.waitForAllClosed({ timeoutMs: 10_000, minSessions: 2 });
    const seen = sessions.map((s) => replaySession(s));
    expect(seen[0]!.frontend).toEqual(expect.arrayContaining(['SSLRequest', 'StartupMessage', 'CopyData', 'CopyDone', 'Query']));
    expect(seen[0]!.backend).toEqual(
      expect.arrayContaining(['SSLResponse', 'CopyInResponse', 'CopyOutResponse', 'ErrorResponse', 'NoticeResponse', 'NotificationResponse']),
    );
    expect(seen[1]!.frontend).toEqual(expect.arrayContaining(['SASLInitialResponse', 'SASLResponse', 'Parse', 'Bind', 'Execute', 'Sync']));
    expect(seen[1]!.backend).toEqual(expect.arrayContaining(['AuthenticationSASLFinal', 'ParseComplete', 'BindComplete', 'DataRow']));
  });
});
