/**
 * A client and a server wired together (as h11's ConnectionPair): what one
 * sends, the other receives. Every step checks both agree on the phase, so
 * each test exercises both state machines and both decoders.
 */
import { expect } from 'vitest';
import * as pg from '../../src/index.js';

export class Pair {
  readonly client: pg.FrontendConnection;
  readonly server: pg.BackendConnection;

  constructor(opts: pg.ConnectionOptions = {}) {
    this.client = new pg.FrontendConnection(opts);
    this.server = new pg.BackendConnection(opts);
  }

  /** The client sends; the server must receive exactly that message. */
  c(...msgs: pg.FrontendMessage[]): this {
    for (const m of msgs) {
      const got = [...this.server.receive(this.client.send(m))];
      expect(got.map((x) => x.type)).toEqual([m.type]);
      this.agree();
    }
    return this;
  }

  /** The server sends; the client must receive exactly that message. */
  s(...msgs: pg.BackendMessage[]): this {
    for (const m of msgs) {
      const got = [...this.client.receive(this.server.send(m))];
      expect(got.map((x) => x.type)).toEqual([m.type]);
      this.agree();
    }
    return this;
  }

  get phase(): pg.ConnectionPhase {
    return this.client.phase;
  }

  private agree(): void {
    expect(this.server.phase).toBe(this.client.phase);
    expect(this.server.pendingSyncs).toBe(this.client.pendingSyncs);
  }

  /** Startup through ReadyForQuery with trust authentication. */
  static ready(opts: pg.ConnectionOptions = {}): Pair {
    return new Pair(opts)
      .c(new pg.StartupMessage({ params: { user: 'u', database: 'd' } }))
      .s(
        new pg.AuthenticationOk(),
        new pg.ParameterStatus({ name: 'server_version', value: '18.0' }),
        new pg.BackendKeyData({ processId: 1, secretKey: Uint8Array.of(1, 2, 3, 4) }),
        new pg.ReadyForQuery({ status: 'I' }),
      );
  }
}

export const rfq = (status: pg.TransactionStatus = 'I') => new pg.ReadyForQuery({ status });
export const err = (severity = 'ERROR', code = '42601') => new pg.ErrorResponse({ fields: { S: severity, V: severity, C: code, M: 'boom' } });
export const cc = (tag: string) => new pg.CommandComplete({ tag });
export const rowDesc = (...names: string[]) => new pg.RowDescription({ fields: names.map((name) => new pg.FieldDescription({ name, typeOid: 25 })) });
export const row = (...v: (string | null)[]) => new pg.DataRow({ columns: v });
