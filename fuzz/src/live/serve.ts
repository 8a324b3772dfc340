/**
 * pgcodec-fuzz --serve: a hostile PostgreSQL server, to fuzz clients. Each
 * connection gets one scenario (scenarios.ts): named by the client's
 * database parameter, or drawn from the seed. It answers startup, simple
 * and extended queries as a server would, bent the scenario's way, and
 * records every byte each side sent, in order, so a client's crash can be
 * replayed (`--replay FILE --serve PORT`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import {
  AuthenticationOk,
  BackendKeyData,
  Bind,
  BindComplete,
  Close,
  CloseComplete,
  CommandComplete,
  ConnectionPhase,
  DataRow,
  Describe,
  Execute,
  FrontendMessageDecoder,
  NoData,
  ParameterDescription,
  ParameterStatus,
  Parse,
  ParseComplete,
  PasswordMessage,
  ProtocolError,
  Query,
  ReadyForQuery,
  RowDescription,
  SSLRequest,
  GSSEncRequest,
  CancelRequest,
  StartupMessage,
  StartupRequestCode,
  Sync,
  Terminate,
  type AnyFrontendMessage,
  type PgMessage,
} from 'pgcodec';
import { concat, mutate } from '../arbitraries/streams.js';
import { ONE, SCENARIOS, scenarioNamed, type Result, type Scenario } from './scenarios.js';

/** One connection's record: the scenario, and every chunk each side sent, in order. */
export interface ServeRecord {
  tool: 'pgcodec-fuzz --serve';
  connection: number;
  scenario: string;
  /** What the client asked for. */
  user: string | null;
  database: string | null;
  events: { from: 'client' | 'server'; hex: string }[];
  /** How the connection ended, from the server's side. */
  end: string;
}

export interface ServeOptions {
  port: number;
  seed: number;
  /** Where connection records go (none: not written). */
  out?: string;
  /** Only these scenarios when the database names none (default: all). */
  scenarios?: readonly string[];
  log?: (line: string) => void;
}

export interface HostileServer {
  readonly port: number;
  readonly records: ServeRecord[];
  close(): Promise<void>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const wire = (ms: readonly PgMessage[]) => concat(ms.map((m) => m.toWire()));
const STATUS = { server_version: '18.0', server_encoding: 'UTF8', client_encoding: 'UTF8', DateStyle: 'ISO, MDY', integer_datetimes: 'on', standard_conforming_strings: 'on', TimeZone: 'UTC' };

/** A client connection's bytes, pulled message by message. */
class Inbox {
  readonly decoder = new FrontendMessageDecoder({ phase: ConnectionPhase.STARTUP });
  private wake: (() => void) | null = null;
  closed = false;
  constructor(
    sock: net.Socket,
    private readonly record: ServeRecord,
  ) {
    sock.on('data', (b: Buffer) => {
      record.events.push({ from: 'client', hex: b.toString('hex') });
      try {
        this.decoder.feed(new Uint8Array(b.buffer, b.byteOffset, b.length));
      } catch {
        // A protocol error is raised by the next read.
      }
      this.wake?.();
    });
    sock.on('close', () => ((this.closed = true), this.wake?.()));
    sock.on('error', () => undefined);
  }

  /** The next message, or null once the client is gone or `ms` passed. */
  async next(ms = 30_000): Promise<AnyFrontendMessage | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.decoder.read();
      if (m !== null) return m;
      if (this.closed || Date.now() >= deadline) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, deadline - Date.now());
        this.wake = () => (clearTimeout(t), (this.wake = null), r());
      });
    }
  }
}

/** Starts the hostile server on 127.0.0.1:`port` (0: any free port). */
export async function serve(opts: ServeOptions): Promise<HostileServer> {
  const records: ServeRecord[] = [];
  const pool = opts.scenarios === undefined ? SCENARIOS : SCENARIOS.filter((s) => opts.scenarios!.includes(s.name));
  let next = 0;
  const written = new Map<string, number>();
  const server = net.createServer((sock) => {
    const i = next++;
    const record: ServeRecord = { tool: 'pgcodec-fuzz --serve', connection: i, scenario: '', user: null, database: null, events: [], end: '' };
    records.push(record);
    void converse(sock, record, pool[(opts.seed + i) % pool.length]!, opts.seed)
      .catch((e) => (record.end = `server error: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        sock.destroy();
        // A client that reconnects in a loop would write thousands: the first five of a scenario are kept.
        const n = (written.get(record.scenario) ?? 0) + 1;
        written.set(record.scenario, n);
        if (opts.out !== undefined && n <= 5) {
          mkdirSync(opts.out, { recursive: true });
          writeFileSync(join(opts.out, `serve-${opts.seed}-${i}-${record.scenario || 'none'}.json`), JSON.stringify(record, null, 2) + '\n');
        }
        opts.log?.(`connection ${i}: ${record.scenario} (database ${record.database}): ${record.end}`);
      });
  });
  await new Promise<void>((r) => server.listen(opts.port, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    records,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** One connection, start to end, as `drawn` unless the client's database names a scenario; `seed` picks the mutations (the same for every client). */
async function converse(sock: net.Socket, record: ServeRecord, drawn: Scenario, seed: number): Promise<void> {
  const inbox = new Inbox(sock, record);
  let split = false;
  const send = (bytes: Uint8Array) => {
    if (sock.destroyed || bytes.length === 0) return;
    record.events.push({ from: 'server', hex: hex(bytes) });
    if (!split) sock.write(bytes);
    else for (let k = 0; k < bytes.length; k++) sock.write(bytes.subarray(k, k + 1));
  };
  // Startup packets: negotiation refused ('N'), a cancel ends it, the StartupMessage starts the session.
  let startup: StartupMessage | null = null;
  while (startup === null) {
    const m = await inbox.next();
    if (m === null) return void (record.end = 'the client left before its StartupMessage');
    if (m instanceof SSLRequest || m instanceof GSSEncRequest) send(Uint8Array.of(0x4e));
    else if (m instanceof CancelRequest) return void (record.end = 'a CancelRequest');
    else if (m instanceof StartupMessage) startup = m;
  }
  record.user = startup.params.user ?? null;
  record.database = startup.params.database ?? null;
  const sc = scenarioNamed(record.database ?? '') ?? drawn;
  record.scenario = sc.name;
  split = sc.bytes === 'split';
  const v32 = startup.protocolVersion === StartupRequestCode.V3_2;
  inbox.decoder.phase = ConnectionPhase.AUTHENTICATING;

  send(wire(sc.beforeAuth?.() ?? []));
  const requests = sc.auth?.() ?? [];
  for (const [k, req] of requests.entries()) {
    send(req.toWire());
    if (k === requests.length - 1 && sc.authSucceeds === false) {
      // Nothing the client can answer ends well: wait for it to give up.
      const m = await inbox.next(5_000);
      return void (record.end = m === null ? 'the client gave up on the authentication request' : `the client answered ${m.type}`);
    }
    const answer = await inbox.next(10_000);
    if (!(answer instanceof PasswordMessage)) return void (record.end = `the client answered ${answer?.type ?? 'nothing'} to ${req.type}`);
  }
  send(new AuthenticationOk().toWire());
  inbox.decoder.phase = ConnectionPhase.READY;
  const key = new Uint8Array(sc.keyLength ?? (v32 ? 32 : 4)).fill(7);
  send(wire([...(sc.afterAuth?.() ?? []), ...Object.entries(STATUS).map(([name, value]) => new ParameterStatus({ name, value })), new BackendKeyData({ processId: 4242, secretKey: key })]));
  const ready = () => [...(sc.beforeReady?.() ?? []), new ReadyForQuery({ status: 'I' })];
  send(wire(ready()));

  const result: Result = sc.result?.() ?? ONE;
  const rowDescription = () => new RowDescription({ fields: result.fields });
  const rows = (): PgMessage[] => [...result.rows.map((columns) => new DataRow({ columns })), new CommandComplete({ tag: `SELECT ${result.rows.length}` })];
  const pending: PgMessage[] = [];
  let failed = false;
  let queries = 0;
  const answer = (ms: PgMessage[]) => send(shape(sc, ms.flatMap((m) => sc.around?.(m) ?? [m]), seed + queries++));
  // (Each answer is shaped on its own: a client's first and second answers may be bent differently.)
  for (;;) {
    let m: AnyFrontendMessage | null;
    try {
      m = await inbox.next();
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      return void (record.end = `the client sent bytes pgcodec rejects: ${e.message}`);
    }
    if (m === null) return void (record.end = inbox.closed ? 'the client closed the connection' : 'the client went quiet');
    if (m instanceof Terminate) return void (record.end = 'Terminate');
    if (m instanceof Query) {
      answer([...(sc.error !== undefined ? [sc.error()] : [rowDescription(), ...rows()]), ...ready()]);
      if (sc.bytes === 'truncated' || sc.bytes === 'mutated') return void (record.end = `${sc.bytes} the answer and closed`);
      continue;
    }
    if (m instanceof Sync) {
      answer([...pending, ...ready()]);
      pending.length = 0;
      failed = false;
      // After a bent answer the connection closes: a client waiting for bytes that never come must then give up, not hang.
      if (sc.bytes === 'truncated' || sc.bytes === 'mutated') return void (record.end = `${sc.bytes} the answer and closed`);
      continue;
    }
    if (failed) continue; // after an error, everything up to Sync is skipped
    if (m instanceof Parse) pending.push(new ParseComplete());
    else if (m instanceof Bind) pending.push(new BindComplete());
    else if (m instanceof Close) pending.push(new CloseComplete());
    else if (m instanceof Describe) {
      if (m.kind === 'S') pending.push(new ParameterDescription({ typeOids: [] }));
      pending.push(sc.error !== undefined ? new NoData() : rowDescription());
    } else if (m instanceof Execute) {
      if (sc.error !== undefined) {
        pending.push(sc.error());
        failed = true;
      } else pending.push(...rows());
    }
  }
}

/** A query's answer as bytes, bent the scenario's way. */
function shape(sc: Scenario, ms: PgMessage[], seed: number): Uint8Array {
  const parts = ms.map((m) => m.toWire());
  const frames: number[] = [];
  parts.reduce((at, p) => (frames.push(at), at + p.length), 0);
  const bytes = concat(parts);
  const rng = (n: number) => Array.from({ length: n }, (_, i) => (Math.imul(seed + 1, 2654435761) ^ Math.imul(i + 1, 40503)) >>> 0);
  switch (sc.bytes) {
    case 'mutated':
      return mutate({ bytes, frames }, [rng(1)[0]! % 7, rng(2)[1]! % 7], rng(32)).bytes;
    case 'truncated':
      return bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
    case 'extra-rfq':
      return concat([bytes, new ReadyForQuery({ status: 'I' }).toWire()]);
    case 'wide-datarow': {
      // Before the CommandComplete: a row of the result with two columns more than described.
      const at = ms.findIndex((m) => m instanceof CommandComplete);
      if (at < 0) return bytes;
      return concat([bytes.subarray(0, frames[at]), new DataRow({ columns: ['1', '2', '3'] }).toWire(), bytes.subarray(frames[at])]);
    }
    case 'unknown-message':
      return concat([Uint8Array.of(0x7e, 0, 0, 0, 8, 1, 2, 3, 4), bytes]);
    default:
      return bytes;
  }
}

/**
 * Serves one recorded connection again to the next client that connects:
 * each server chunk in turn, waiting for the client to send something
 * wherever the client spoke in the record.
 */
export async function replayServe(record: ServeRecord, port: number, log?: (line: string) => void): Promise<HostileServer> {
  const records: ServeRecord[] = [];
  const server = net.createServer(async (sock) => {
    const again: ServeRecord = { ...record, events: [], end: '' };
    records.push(again);
    let heard = 0;
    let wake: (() => void) | null = null;
    sock.on('data', (b: Buffer) => (again.events.push({ from: 'client', hex: b.toString('hex') }), heard++, wake?.()));
    sock.on('error', () => undefined);
    let expected = 0;
    for (const e of record.events) {
      if (e.from === 'client') {
        expected++;
        const deadline = Date.now() + 10_000;
        while (heard < 1 && Date.now() < deadline && !sock.destroyed) await new Promise<void>((r) => ((wake = r), setTimeout(r, 100)));
        heard = 0;
      } else if (!sock.destroyed) {
        again.events.push(e);
        sock.write(Buffer.from(e.hex, 'hex'));
      }
    }
    again.end = `replayed ${record.events.length} events (${expected} client turns)`;
    log?.(`replayed connection ${record.connection} (${record.scenario})`);
    sock.end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, records, close: () => new Promise<void>((r) => server.close(() => r())) };
}
