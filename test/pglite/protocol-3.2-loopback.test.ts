/**
 * Protocol 3.2 end to end between our own two roles, over real loopback TCP:
 * a strict FrontendConnection (SocketClient) talking to a node:net server
 * whose every connection is a strict BackendConnection.
 *
 * PGlite's socket layer does not pass 3.2 through (see pglite-socket.test.ts),
 * so this is where a 32-byte BackendKeyData and a 44-byte CancelRequest
 * travel over a socket: the server issues a random 32-byte key, the client
 * decodes it, and a CancelRequest built from it on a second connection must
 * reach the server byte for byte and cancel the running query.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import * as pg from 'pgcodec';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { HOST, SocketClient, rows, types, within } from './socket-client.js';

/** The key length PostgreSQL 18 sends to a 3.2 client (the protocol allows 4..256). */
const KEY_LENGTH_3_2 = 32;

interface Session {
  processId: number;
  protocolVersion: number;
  secretKey: Uint8Array;
  /** Set while a `SELECT pg_sleep(n)` runs: ends it, cancelled or not. */
  finishQuery: ((cancelled: boolean) => void) | null;
}

interface ReceivedCancel {
  processId: number;
  secretKey: Uint8Array;
  /** The process ID exists and the key matches it byte for byte. */
  matched: boolean;
}

/** A tiny PostgreSQL-ish server: trust auth, one query shape, cancellable sleeps. */
class MiniServer {
  readonly server: net.Server;
  readonly sessions = new Map<number, Session>();
  readonly cancels: ReceivedCancel[] = [];
  readonly startups: pg.StartupMessage[] = [];
  /** Protocol errors the server side hit (must stay empty). */
  readonly errors: unknown[] = [];
  private readonly sockets = new Set<net.Socket>();
  private nextPid = 1000;
  private queryStarted: (() => void) | null = null;

  constructor() {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, HOST, resolve);
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await within(new Promise<void>((r) => this.server.close(() => r())), 3_000, 'server close').catch(() => {});
  }

  /** Resolves when the next cancellable query has started. */
  nextQueryStarted(): Promise<void> {
    return new Promise((resolve) => (this.queryStarted = resolve));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true);
    const be = new (class extends pg.BackendConnection {
      override onSend(bytes: Uint8Array): void {
        socket.write(bytes);
      }
    })({ strict: true });
    const session: { current: Session | null } = { current: null };
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const m of be.receive(chunk)) this.handle(be, socket, session, m);
      } catch (e) {
        this.errors.push(e);
        socket.destroy();
      }
    });
  }

  private handle(be: pg.BackendConnection, socket: net.Socket, session: { current: Session | null }, m: pg.FrontendMessage): void {
    if (m instanceof pg.StartupMessage) {
      this.startups.push(m);
      let minor = m.minorVersion;
      if (minor > 2) {
        // What PostgreSQL 18 does for a newer minor version: offer 3.2 and go on in 3.2.
        be.send(new pg.NegotiateProtocolVersion({ newestMinor: 2 }));
        minor = 2;
      }
      const s: Session = {
        processId: this.nextPid++,
        protocolVersion: pg.protocolVersion(3, minor),
        secretKey: new Uint8Array(randomBytes(minor >= 2 ? KEY_LENGTH_3_2 : 4)),
        finishQuery: null,
      };
      this.sessions.set(s.processId, s);
      session.current = s;
      be.send(new pg.AuthenticationOk());
      be.send(new pg.ParameterStatus({ name: 'server_version', value: '18.0' }));
      be.send(new pg.ParameterStatus({ name: 'client_encoding', value: 'UTF8' }));
      be.send(new pg.BackendKeyData({ processId: s.processId, secretKey: s.secretKey }));
      be.send(new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE }));
    } else if (m instanceof pg.Query) {
      const s = session.current!;
      const sleep = /^SELECT pg_sleep\(([\d.]+)\)$/.exec(m.queryString);
      if (sleep === null) {
        be.send(new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'answer', typeOid: 23, typeSize: 4 })] }));
        be.send(new pg.DataRow({ columns: ['42'] }));
        be.send(new pg.CommandComplete({ tag: 'SELECT 1' }));
        be.send(new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE }));
        return;
      }
      const timer = setTimeout(() => s.finishQuery?.(false), Number(sleep[1]) * 1000);
      s.finishQuery = (cancelled) => {
        clearTimeout(timer);
        s.finishQuery = null;
        if (cancelled) {
          be.send(
            new pg.ErrorResponse({
              fields: { S: 'ERROR', V: 'ERROR', C: '57014', M: 'canceling statement due to user request' },
            }),
          );
        } else {
          be.send(new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'pg_sleep', typeOid: 2278, typeSize: 4 })] }));
          be.send(new pg.DataRow({ columns: [''] }));
          be.send(new pg.CommandComplete({ tag: 'SELECT 1' }));
        }
        be.send(new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE }));
      };
      const started = this.queryStarted;
      this.queryStarted = null;
      started?.();
    } else if (m instanceof pg.CancelRequest) {
      const s = this.sessions.get(m.processId);
      const matched =
        s !== undefined && s.secretKey.length === m.secretKey.length && timingSafeEqual(s.secretKey, m.secretKey);
      this.cancels.push({ processId: m.processId, secretKey: new Uint8Array(m.secretKey), matched });
      if (matched) s!.finishQuery?.(true);
      // Like PostgreSQL: no answer, whatever the outcome; the connection just ends.
      socket.end();
    } else if (m instanceof pg.Terminate) {
      socket.end();
    } else {
      throw new Error(`MiniServer does not handle ${m.type}`);
    }
  }
}

/** The startup answer: [AuthenticationOk, ParameterStatus×2, BackendKeyData, ReadyForQuery], optionally after NegotiateProtocolVersion. */
function keyOf(msgs: readonly pg.BackendMessage[]): pg.BackendKeyData {
  expect(types(msgs).slice(-5)).toEqual(['AuthenticationOk', 'ParameterStatus', 'ParameterStatus', 'BackendKeyData', 'ReadyForQuery']);
  return msgs.at(-2) as pg.BackendKeyData;
}

let mini: MiniServer;
let port = 0;
const clients = new Set<SocketClient>();

async function client(): Promise<SocketClient> {
  const c = await SocketClient.open(port);
  clients.add(c);
  return c;
}

beforeAll(async () => {
  mini = new MiniServer();
  port = await mini.listen();
});

afterEach(async () => {
  await Promise.all([...clients].map((c) => c.close(1_000)));
  clients.clear();
  expect(mini.errors).toEqual([]);
});

afterAll(async () => {
  await mini?.close();
});

describe('protocol 3.2 between FrontendConnection and BackendConnection over loopback TCP', { timeout: 10_000 }, () => {
  test('3.2 startup: BackendKeyData carries a 32-byte key, byte for byte; a simple query works', async () => {
    const c = await client();
    const key = keyOf(await c.startup(pg.StartupRequestCode.V3_2));
    expect(mini.startups.at(-1)!.protocolVersion).toBe(196610);
    expect(mini.startups.at(-1)!.minorVersion).toBe(2);

    const issued = mini.sessions.get(key.processId)!;
    expect(issued.protocolVersion).toBe(pg.StartupRequestCode.V3_2);
    expect(key.secretKey.length).toBe(KEY_LENGTH_3_2);
    expect(Buffer.from(key.secretKey).equals(Buffer.from(issued.secretKey))).toBe(true);
    // 'K' | Int32 len | Int32 pid | 32 key bytes
    expect(key.toWire().length).toBe(1 + 4 + 4 + KEY_LENGTH_3_2);
    expect(c.log.some((m) => m instanceof pg.NegotiateProtocolVersion)).toBe(false);

    const r = await c.query('SELECT 42');
    expect(types(r)).toEqual(['RowDescription', 'DataRow', 'CommandComplete', 'ReadyForQuery']);
    expect(rows(r)).toEqual([['42']]);
    expect(c.error).toBeNull();
  });

  test('CancelRequest with the 32-byte key on a second connection cancels the running query', async () => {
    const c = await client();
    const key = keyOf(await c.startup(pg.StartupRequestCode.V3_2));
    expect(key.secretKey.length).toBe(KEY_LENGTH_3_2);

    const started = mini.nextQueryStarted();
    c.send(new pg.Query({ queryString: 'SELECT pg_sleep(5)' }));
    await within(started, 2_000, 'query start');

    const cancel = await client();
    const wire = cancel.send(new pg.CancelRequest({ processId: key.processId, secretKey: key.secretKey }));
    // Int32 len | Int32 80877102 | Int32 pid | 32 key bytes
    expect(wire.length).toBe(4 + 4 + 4 + KEY_LENGTH_3_2);
    expect(new DataView(wire.buffer, wire.byteOffset).getInt32(0)).toBe(44);
    expect(cancel.phase).toBe(pg.ConnectionPhase.TERMINATED);

    // The server ends the cancel connection without a word.
    await within(cancel.closed, 2_000, 'cancel connection close');
    expect(cancel.raw).toEqual([]);

    const r = await c.untilReady(2_000);
    expect(types(r)).toEqual(['ErrorResponse', 'ReadyForQuery']);
    expect((r[0] as pg.ErrorResponse).code).toBe('57014');

    expect(mini.cancels).toHaveLength(1);
    const got = mini.cancels[0]!;
    expect(got.matched).toBe(true);
    expect(got.processId).toBe(key.processId);
    expect(got.secretKey.length).toBe(KEY_LENGTH_3_2);
    expect(Buffer.from(got.secretKey)).toEqual(Buffer.from(mini.sessions.get(key.processId)!.secretKey));

    // The session goes on.
    expect(rows(await c.query('SELECT 42'))).toEqual([['42']]);
    expect(c.error).toBeNull();
    mini.cancels.length = 0;
  });

  test('a CancelRequest whose key differs (one bit, or only the first 4 bytes) cancels nothing', async () => {
    const c = await client();
    const key = keyOf(await c.startup(pg.StartupRequestCode.V3_2));
    const started = mini.nextQueryStarted();
    c.send(new pg.Query({ queryString: 'SELECT pg_sleep(0.4)' }));
    await within(started, 2_000, 'query start');

    const flipped = new Uint8Array(key.secretKey);
    flipped[KEY_LENGTH_3_2 - 1]! ^= 1;
    for (const secretKey of [flipped, key.secretKey.slice(0, 4)]) {
      const cancel = await client();
      cancel.send(new pg.CancelRequest({ processId: key.processId, secretKey }));
      await within(cancel.closed, 2_000, 'cancel connection close');
      expect(cancel.raw).toEqual([]);
    }

    const r = await c.untilReady(2_000);
    expect(types(r)).toEqual(['RowDescription', 'DataRow', 'CommandComplete', 'ReadyForQuery']);
    expect(mini.cancels.map((x) => [x.secretKey.length, x.matched])).toEqual([
      [32, false],
      [4, false],
    ]);
    mini.cancels.length = 0;
  });

  test('the key length follows the version: 3.0 gets 4 bytes, 3.3 gets NegotiateProtocolVersion(3.2) and 32 bytes', async () => {
    const c30 = await client();
    const k30 = keyOf(await c30.startup(pg.StartupRequestCode.V3_0));
    expect(k30.secretKey.length).toBe(4);
    expect(c30.log.some((m) => m instanceof pg.NegotiateProtocolVersion)).toBe(false);

    const c33 = await client();
    const msgs = await c33.startup(pg.protocolVersion(3, 3));
    expect(msgs[0]).toBeInstanceOf(pg.NegotiateProtocolVersion);
    expect((msgs[0] as pg.NegotiateProtocolVersion).newestMinor).toBe(2);
    const k33 = keyOf(msgs);
    expect(k33.secretKey.length).toBe(KEY_LENGTH_3_2);
    expect(Buffer.from(k33.secretKey).equals(Buffer.from(mini.sessions.get(k33.processId)!.secretKey))).toBe(true);
    expect(rows(await c33.query('SELECT 42'))).toEqual([['42']]);
  });
});
