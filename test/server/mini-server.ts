/**
 * A tiny PostgreSQL server made of pgcodec's BackendConnection over
 * node:net, strict: it authenticates with SCRAM-SHA-256 (pgcodec/auth's
 * ScramServer against a stored verifier) and answers every query, simple or
 * extended, with one fixed result set. Real clients (psql, node-postgres)
 * connect to it in the tests.
 */
import net from 'node:net';
import * as pg from 'pgcodec';
import { ScramServer, scramVerifier } from 'pgcodec/auth';

export interface MiniServer {
  port: number;
  /** Errors that ended connections (protocol violations would land here). */
  errors: Error[];
  /** Connections that completed authentication. */
  authenticated: number;
  close(): Promise<void>;
}

/** The fixed result set. */
export const RESULT = {
  fields: [
    new pg.FieldDescription({ name: 'id', typeOid: 23, typeSize: 4 }),
    new pg.FieldDescription({ name: 'name', typeOid: 25 }),
  ],
  rows: [
    ['1', 'alpha'],
    ['2', null],
    ['3', 'gämma'],
  ] as (string | null)[][],
};

const PARAMETERS: [string, string][] = [
  ['server_version', '15.0 (pgcodec mini-server)'],
  ['server_encoding', 'UTF8'],
  ['client_encoding', 'UTF8'],
  ['DateStyle', 'ISO, MDY'],
  ['integer_datetimes', 'on'],
  ['standard_conforming_strings', 'on'],
  ['TimeZone', 'UTC'],
];

export async function startMiniServer(users: Record<string, string>): Promise<MiniServer> {
  const verifiers = new Map<string, string>();
  for (const [user, password] of Object.entries(users)) verifiers.set(user, await scramVerifier(password));
  const sockets = new Set<net.Socket>();
  const state: MiniServer = { port: 0, errors: [], authenticated: 0, close: async () => {} };
  let nextPid = 1000;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const conn = new (class extends pg.BackendConnection {
      override onSend(bytes: Uint8Array): void {
        socket.write(bytes);
      }
    })();
    let user = '';
    let scram: ScramServer | null = null;
    /** Serialises async steps (SCRAM proof checking) so messages are answered in order. */
    let chain = Promise.resolve();

    const fail = (e: unknown) => {
      state.errors.push(e as Error);
      socket.destroy();
    };
    const rowDescription = () => new pg.RowDescription({ fields: RESULT.fields });
    const dataRows = () => RESULT.rows.forEach((r) => conn.send(new pg.DataRow({ columns: r })));

    const handle = async (msg: pg.FrontendMessage): Promise<void> => {
      if (msg instanceof pg.SSLRequest) conn.send(new pg.SSLResponse({ accepted: false }));
      else if (msg instanceof pg.GSSEncRequest) conn.send(new pg.GSSResponse({ accepted: false }));
      else if (msg instanceof pg.StartupMessage) {
        user = msg.params.user ?? '';
        if (!verifiers.has(user)) {
          conn.send(new pg.ErrorResponse({ fields: { S: 'FATAL', V: 'FATAL', C: '28000', M: `role "${user}" does not exist` } }));
          socket.end();
          return;
        }
        conn.send(new pg.AuthenticationSASL({ mechanisms: ['SCRAM-SHA-256'] }));
      } else if (msg instanceof pg.SASLInitialResponse) {
        scram = new ScramServer({ verifier: verifiers.get(user)!, mechanism: msg.mechanism });
        conn.send(new pg.AuthenticationSASLContinue({ data: scram.serverFirstMessage(msg.data ?? new Uint8Array(0)) }));
      } else if (msg instanceof pg.SASLResponse) {
        let final: string;
        try {
          final = await scram!.serverFinalMessage(msg.data);
        } catch {
          conn.send(new pg.ErrorResponse({ fields: { S: 'FATAL', V: 'FATAL', C: '28P01', M: `password authentication failed for user "${user}"` } }));
          socket.end();
          return;
        }
        conn.send(new pg.AuthenticationSASLFinal({ data: final }));
        conn.send(new pg.AuthenticationOk());
        for (const [name, value] of PARAMETERS) conn.send(new pg.ParameterStatus({ name, value }));
        conn.send(new pg.BackendKeyData({ processId: nextPid++, secretKey: crypto.getRandomValues(new Uint8Array(4)) }));
        conn.send(new pg.ReadyForQuery({ status: 'I' }));
        state.authenticated++;
      } else if (msg instanceof pg.Query) {
        if (msg.queryString.trim() === '' || msg.queryString.trim() === ';') conn.send(new pg.EmptyQueryResponse());
        else {
          conn.send(rowDescription());
          dataRows();
          conn.send(new pg.CommandComplete({ tag: `SELECT ${RESULT.rows.length}` }));
        }
        conn.send(new pg.ReadyForQuery({ status: 'I' }));
      } else if (msg instanceof pg.Parse) conn.send(new pg.ParseComplete());
      else if (msg instanceof pg.Bind) conn.send(new pg.BindComplete());
      else if (msg instanceof pg.Describe) {
        if (msg.kind === 'S') conn.send(new pg.ParameterDescription({ typeOids: [] }));
        conn.send(rowDescription());
      } else if (msg instanceof pg.Execute) {
        dataRows();
        conn.send(new pg.CommandComplete({ tag: `SELECT ${RESULT.rows.length}` }));
      } else if (msg instanceof pg.Close) conn.send(new pg.CloseComplete());
      else if (msg instanceof pg.Sync) conn.send(new pg.ReadyForQuery({ status: 'I' }));
      else if (msg instanceof pg.Terminate) socket.end();
      // Flush needs nothing: every answer is written at once.
    };

    socket.on('data', (chunk) => {
      try {
        for (const msg of conn.receive(chunk)) chain = chain.then(() => handle(msg)).catch(fail);
      } catch (e) {
        fail(e);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
