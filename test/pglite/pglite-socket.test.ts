/**
 * pgcodec's FrontendConnection, strict, against PGlite (PostgreSQL 18 in
 * WASM, in-process) served over TCP by @electric-sql/pglite-socket.
 *
 * These tests document what PGlite 0.5.14 + pglite-socket 0.2.17 actually do,
 * so that they fail if it changes:
 *  - protocol 3.0: trust login (AuthenticationOk), ParameterStatus,
 *    BackendKeyData with process ID 42 and a 4-byte key, ReadyForQuery; simple
 *    and extended queries work.
 *  - protocol 3.2: the socket layer recognises a StartupMessage only when its
 *    version is exactly 196608 (3.0). A 3.2 StartupMessage is framed as if it
 *    were a typed message (its "length" read from bytes 1..4), so the server
 *    waits for more bytes forever: no answer, no NegotiateProtocolVersion, no
 *    error, the connection stays open. The PGlite engine behind it, handed the
 *    same bytes directly, accepts 3.2 silently but still sends a 4-byte key.
 *  - CancelRequest: the socket layer swallows a 16-byte CancelRequest without
 *    acting on it or answering, and leaves the connection open (PostgreSQL
 *    closes it); a running query is not cancelled. A 3.2-sized CancelRequest
 *    (32-byte key) is not even recognised: it is buffered as an incomplete
 *    message, no answer, connection open.
 *  - connections: the server accepts one at a time by default (net.Server
 *    maxConnections = 1): a second one is closed at once, without a byte.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import * as pg from 'pgcodec';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HOST, SocketClient, probe, rows, types, within } from './socket-client.js';

/** How long we watch for an answer that should not come. */
const SILENCE_MS = 600;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function portOf(server: PGLiteSocketServer): number {
  const conn = server.getServerConn();
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in ${conn}`);
  return port;
}

/** Starts a socket server for `db` on a free loopback port (bind to port 0). */
async function startServer(db: PGlite, maxConnections?: number): Promise<{ server: PGLiteSocketServer; port: number }> {
  const server = new PGLiteSocketServer({ db, host: HOST, port: 0, maxConnections });
  await within(server.start(), 10_000, 'PGLiteSocketServer.start');
  return { server, port: portOf(server) };
}

async function stopServer(server: PGLiteSocketServer | undefined): Promise<void> {
  if (server === undefined) return;
  await within(server.stop(), 5_000, 'PGLiteSocketServer.stop').catch(() => {});
}

/** True if the socket is still open after `ms`. */
async function staysOpen(c: SocketClient, ms: number): Promise<boolean> {
  return (await Promise.race([c.closed.then(() => 'closed'), sleep(ms).then(() => 'open')])) === 'open';
}

/** Checks the shape of PGlite's startup answer and returns its BackendKeyData. */
function checkStartup(msgs: readonly pg.BackendMessage[]): pg.BackendKeyData {
  const t = types(msgs);
  expect(t[0]).toBe('AuthenticationOk');
  expect(t.slice(-2)).toEqual(['BackendKeyData', 'ReadyForQuery']);
  expect(new Set(t.slice(1, -2))).toEqual(new Set(['ParameterStatus']));
  expect(t).not.toContain('NegotiateProtocolVersion');
  const params = new Map(msgs.filter((m) => m instanceof pg.ParameterStatus).map((m) => [m.name, m.value]));
  expect(params.get('server_version')).toMatch(/^18\./);
  expect(params.get('client_encoding')).toBe('UTF8');
  expect((msgs.at(-1) as pg.ReadyForQuery).status).toBe(pg.TransactionStatus.IDLE);
  return msgs.at(-2) as pg.BackendKeyData;
}

let db: PGlite | undefined;
/** The default server: one connection at a time. */
let server: PGLiteSocketServer | undefined;
let port = 0;
/** Connections to close if a test fails half-way. */
const open = new Set<SocketClient>();

async function client(p = port): Promise<SocketClient> {
  const c = await SocketClient.open(p);
  open.add(c);
  return c;
}

async function closeAll(): Promise<void> {
  await Promise.all([...open].map((c) => c.close(1_000)));
  open.clear();
}

beforeAll(async () => {
  db = await within(PGlite.create(), 25_000, 'PGlite.create');
  ({ server, port } = await startServer(db));
}, 30_000);

afterAll(async () => {
  await closeAll();
  await stopServer(server);
  if (db !== undefined) await within(db.close(), 5_000, 'PGlite.close').catch(() => {});
}, 15_000);

describe('PGlite over pglite-socket, protocol 3.0', { timeout: 10_000 }, () => {
  test('startup: AuthenticationOk, ParameterStatus, BackendKeyData (pid 42, 4-byte key), ReadyForQuery', async () => {
    const c = await client();
    const key = checkStartup(await c.startup(pg.StartupRequestCode.V3_0));
    expect(key.processId).toBe(42);
    expect(key.secretKey.length).toBe(4);
    expect(c.isReady).toBe(true);
    // The one PGlite backend: pg_backend_pid() is the BackendKeyData's process ID.
    const r = await c.query('SELECT pg_backend_pid(), current_user, current_setting($$server_version_num$$)::int >= 180000');
    expect(rows(r)).toEqual([['42', 'postgres', 't']]);
    await c.close();
    open.delete(c);
  });

  test('simple query: several statements, rows and tags, then an error, strictly', async () => {
    const c = await client();
    await c.startup();
    const r = await c.query("SELECT g, g * g AS sq FROM generate_series(1, 3) g; SELECT NULL::text AS n, 'a''b' AS s");
    expect(types(r)).toEqual([
      'RowDescription', 'DataRow', 'DataRow', 'DataRow', 'CommandComplete',
      'RowDescription', 'DataRow', 'CommandComplete',
      'ReadyForQuery',
    ]);
    const [rd1, rd2] = r.filter((m): m is pg.RowDescription => m instanceof pg.RowDescription);
    expect(rd1!.fields.map((f) => [f.name, f.typeOid])).toEqual([['g', 23], ['sq', 23]]);
    expect(rd2!.fields.map((f) => [f.name, f.typeOid])).toEqual([['n', 25], ['s', 25]]);
    expect(rows(r)).toEqual([['1', '1'], ['2', '4'], ['3', '9'], [null, "a'b"]]);
    expect(r.filter((m) => m instanceof pg.CommandComplete).map((m) => m.tag)).toEqual(['SELECT 3', 'SELECT 1']);

    const e = await c.query('SELECT 1 / 0');
    expect(types(e)).toEqual(['ErrorResponse', 'ReadyForQuery']);
    expect((e[0] as pg.ErrorResponse).code).toBe('22012');
    expect(c.isReady).toBe(true);
    expect(c.error).toBeNull();
    await c.close();
    open.delete(c);
  });

  test('extended query: Parse/Describe S/Bind/Describe P/Execute/Sync, strictly', async () => {
    const c = await client();
    await c.startup();
    c.send(new pg.Parse({ statement: 's1', query: 'SELECT $1::int + 1 AS n, upper($2::text) AS t' }));
    c.send(new pg.Describe({ kind: 'S', name: 's1' }));
    c.send(new pg.Bind({ statement: 's1', paramValues: ['41', 'hi'] }));
    c.send(new pg.Describe({ kind: 'P' }));
    c.send(new pg.Execute());
    c.send(new pg.Sync());
    expect(c.pendingSyncs).toBe(1);
    const r = await c.untilReady();
    expect(types(r)).toEqual([
      'ParseComplete',
      'ParameterDescription',
      'RowDescription',
      'BindComplete',
      'RowDescription',
      'DataRow',
      'CommandComplete',
      'ReadyForQuery',
    ]);
    expect((r[1] as pg.ParameterDescription).typeOids).toEqual([23, 25]);
    expect((r[4] as pg.RowDescription).fields.map((f) => [f.name, f.typeOid])).toEqual([['n', 23], ['t', 25]]);
    expect(rows(r)).toEqual([['42', 'HI']]);
    expect((r[6] as pg.CommandComplete).tag).toBe('SELECT 1');

    // The named statement again, with a row limit: PortalSuspended, then the rest.
    c.send(new pg.Parse({ statement: 's2', query: 'SELECT g FROM generate_series(1, $1::int) g' }));
    c.send(new pg.Bind({ statement: 's2', portal: 'p', paramValues: ['3'] }));
    c.send(new pg.Execute({ portal: 'p', maxRows: 2 }));
    c.send(new pg.Execute({ portal: 'p' }));
    c.send(new pg.Close({ kind: 'S', name: 's2' }));
    c.send(new pg.Sync());
    const r2 = await c.untilReady();
    expect(types(r2)).toEqual([
      'ParseComplete',
      'BindComplete',
      'DataRow',
      'DataRow',
      'PortalSuspended',
      'DataRow',
      'CommandComplete',
      'CloseComplete',
      'ReadyForQuery',
    ]);
    expect(rows(r2)).toEqual([['1'], ['2'], ['3']]);
    expect(c.isReady).toBe(true);
    expect(c.error).toBeNull();
    await c.close();
    open.delete(c);
  });

  test('one connection at a time: a second one is closed at once, without a byte', async () => {
    const c = await client();
    await c.startup();
    const second = await probe(port, null, 2_000);
    expect(second).toEqual({ data: Buffer.alloc(0), closedByServer: true });
    // The first one is unaffected.
    expect(rows(await c.query('SELECT 1'))).toEqual([['1']]);
    await c.close();
    open.delete(c);
  });

  test('each new connection runs startup again on the same backend: same process ID and key', async () => {
    const keys: pg.BackendKeyData[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await client();
      keys.push(checkStartup(await c.startup()));
      await c.close();
      open.delete(c);
    }
    expect(keys[1]!.processId).toBe(keys[0]!.processId);
    expect(Buffer.from(keys[1]!.secretKey)).toEqual(Buffer.from(keys[0]!.secretKey));
  });
});

describe('PGlite over pglite-socket, protocol 3.2', { timeout: 10_000 }, () => {
  test('a 3.2 StartupMessage is not recognised by the socket layer: no answer at all, connection left open', async () => {
    const c = await client();
    const startup = new pg.StartupMessage({
      protocolVersion: pg.StartupRequestCode.V3_2,
      params: { user: 'postgres', database: 'postgres' },
    });
    const bytes = c.send(startup);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4)).toBe(196610);
    // Not AuthenticationOk, not NegotiateProtocolVersion, not an ErrorResponse, not a close.
    expect(await staysOpen(c, SILENCE_MS)).toBe(true);
    expect(c.raw).toEqual([]);
    expect(c.log).toEqual([]);
    expect(c.phase).toBe(pg.ConnectionPhase.AUTHENTICATING);
    expect(c.error).toBeNull();
    await c.close();
    open.delete(c);

    // The server got over it: a 3.0 connection works afterwards.
    const d = await client();
    checkStartup(await d.startup(pg.StartupRequestCode.V3_0));
    expect(rows(await d.query('SELECT 32'))).toEqual([['32']]);
    await d.close();
    open.delete(d);
  });

  test('the PGlite engine itself, given the 3.2 StartupMessage directly, accepts it silently with a 4-byte key', async () => {
    // Bypass the socket layer: the bytes our FrontendConnection sends go
    // straight to PGlite's protocol entry point, its answer straight back.
    const c = new pg.FrontendConnection({ strict: true });
    const roundTrip = async (msgs: pg.FrontendMessage[]): Promise<pg.BackendMessage[]> => {
      const out: Uint8Array[] = [];
      const input = Buffer.concat(msgs.map((m) => c.send(m)));
      await db!.runExclusive(() => db!.execProtocolRawStream(input, { onRawData: (d) => void out.push(d.slice()) }));
      return [...c.receive(Buffer.concat(out))];
    };
    const startup = await roundTrip([
      new pg.StartupMessage({ protocolVersion: pg.StartupRequestCode.V3_2, params: { user: 'postgres', database: 'postgres' } }),
    ]);
    const key = checkStartup(startup); // no NegotiateProtocolVersion: 3.2 accepted
    expect(key.processId).toBe(42);
    // PostgreSQL 18 sends a 32-byte key to a 3.2 client; PGlite keeps its 4-byte one.
    expect(key.secretKey.length).toBe(4);
    expect(c.isReady).toBe(true);

    const r = await roundTrip([new pg.Query({ queryString: 'SELECT 3.2::text AS v' })]);
    expect(types(r)).toEqual(['RowDescription', 'DataRow', 'CommandComplete', 'ReadyForQuery']);
    expect(rows(r)).toEqual([['3.2']]);
    expect(c.error).toBeNull();
  });
});

describe('PGlite over pglite-socket, CancelRequest', { timeout: 10_000 }, () => {
  // A second server on the same PGlite that allows two connections, so the
  // CancelRequest can come on its own connection while the first is open.
  let server2: PGLiteSocketServer | undefined;
  let port2 = 0;

  beforeAll(async () => {
    await closeAll();
    ({ server: server2, port: port2 } = await startServer(db!, 2));
  });

  afterAll(async () => {
    await closeAll();
    await stopServer(server2);
  });

  test('a CancelRequest with the BackendKeyData is swallowed: no effect, no answer, connection left open', async () => {
    const c = await client(port2);
    const key = checkStartup(await c.startup());
    expect(key.secretKey.length).toBe(4);

    // The cancel connection is up before the query starts (PGlite runs the
    // query synchronously, blocking the event loop while it sleeps).
    const cancel = await client(port2);
    c.send(new pg.Query({ queryString: 'SELECT pg_sleep(0.3) AS slept, 1 AS one' }));
    const bytes = cancel.send(new pg.CancelRequest({ processId: key.processId, secretKey: key.secretKey }));
    expect(bytes.length).toBe(16);
    expect(cancel.phase).toBe(pg.ConnectionPhase.TERMINATED);

    // PostgreSQL would answer ErrorResponse 57014 (query_canceled) here.
    const r = await c.untilReady();
    expect(types(r)).toEqual(['RowDescription', 'DataRow', 'CommandComplete', 'ReadyForQuery']);
    expect(rows(r)).toEqual([['', '1']]);

    // PostgreSQL closes the cancel connection; pglite-socket keeps it open and says nothing.
    expect(await staysOpen(cancel, SILENCE_MS)).toBe(true);
    expect(cancel.raw).toEqual([]);
    expect(cancel.error).toBeNull();

    // The session is unaffected.
    expect(rows(await c.query('SELECT 2'))).toEqual([['2']]);
    expect(c.error).toBeNull();
    await cancel.close();
    await c.close();
    open.clear();
  });

  test('a 3.2-sized CancelRequest (32-byte key) is not recognised either: no answer, connection left open', async () => {
    const cancel = new pg.CancelRequest({ processId: 42, secretKey: new Uint8Array(32).fill(7) });
    expect(cancel.toWire().length).toBe(44);
    const p = await probe(port2, cancel.toWire(), SILENCE_MS);
    expect(p).toEqual({ data: Buffer.alloc(0), closedByServer: false });
  });
});
