/**
 * No plaintext is carried across a TLS or GSS negotiation (the class of
 * CVE-2021-23214 and CVE-2021-23222): bytes buffered behind an SSLRequest /
 * GSSENCRequest (server side), or behind the server's 'S' / 'G' (client
 * side), are ERR_UNENCRYPTED_DATA; after an 'N' the conversation goes on in
 * the clear. What came before the bad bytes is delivered.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { cat } from './support/bytes.js';

const P = pg.ConnectionPhase;
const startup = () => new pg.StartupMessage({ params: { user: 'alice', database: 'db' } });

/** Drains `it`, returning what it yielded and what it threw. */
function drain<T>(it: Iterable<T>): { got: T[]; error: unknown } {
  const got: T[] = [];
  try {
    for (const x of it) got.push(x);
  } catch (e) {
    return { got, error: e };
  }
  return { got, error: null };
}

describe('server side: nothing may follow an encryption request before the answer', () => {
  for (const [request, phase, type] of [
    [() => new pg.SSLRequest(), P.SSL_NEGOTIATION, 'SSLRequest'],
    [() => new pg.GSSEncRequest(), P.GSS_NEGOTIATION, 'GSSEncRequest'],
  ] as const) {
    it(`${type} plus 4 bytes of a StartupMessage in one chunk: the request, then ERR_UNENCRYPTED_DATA`, () => {
      const server = new pg.BackendConnection();
      const wire = request().toWire();
      const { got, error } = drain(server.receive(cat(wire, startup().toWire().subarray(0, 4))));
      expect(got.map((m) => m.type)).toEqual([type]);
      expect(error).toBeInstanceOf(pg.FramingError);
      expect(error).toMatchObject({ code: pg.ErrorCode.UNENCRYPTED_DATA, messageType: type, offset: wire.length });
      expect(server.phase).toBe(P.FAILED);
      // The rest of the packet, "from inside TLS", never completes a StartupMessage.
      expect(() => server.receive(startup().toWire().subarray(4))).toThrow(pg.ProtocolError);
    });

    it(`${type}: bytes arriving before the server answered are refused too`, () => {
      const server = new pg.BackendConnection();
      expect([...server.receive(request().toWire())].map((m) => m.type)).toEqual([type]);
      expect(server.phase).toBe(phase);
      expect(server.buffered).toBe(0);
      expect(() => server.receive(startup().toWire())).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNENCRYPTED_DATA, offset: 8 }));
    });

    it(`${type} answered, then the StartupMessage arrives (decrypted, or in the clear after 'N')`, () => {
      for (const accepted of [true, false]) {
        const server = new pg.BackendConnection();
        server.receive(request().toWire());
        expect(server.buffered).toBe(0);
        server.send(type === 'SSLRequest' ? new pg.SSLResponse({ accepted }) : new pg.GSSResponse({ accepted }));
        expect([...server.receive(startup().toWire())].map((m) => m.type)).toEqual(['StartupMessage']);
        expect(server.phase).toBe(P.AUTHENTICATING);
      }
    });
  }

  it('a standalone decoder refuses bytes behind the request the same way', () => {
    const d = new pg.FrontendMessageDecoder();
    d.feed(cat(new pg.SSLRequest().toWire(), startup().toWire()));
    expect(d.read()).toBeInstanceOf(pg.SSLRequest);
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNENCRYPTED_DATA, offset: 8 }));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.DECODER_FAILED }));
  });
});

describe("client side: nothing may follow the server's 'S' or 'G' in the clear", () => {
  const err = new pg.ErrorResponse({ fields: { S: 'FATAL', C: '28000', M: 'injected' } }).toWire();

  for (const [request, answer, type] of [
    [() => new pg.SSLRequest(), (accepted: boolean) => new pg.SSLResponse({ accepted }), 'SSLResponse'],
    [() => new pg.GSSEncRequest(), (accepted: boolean) => new pg.GSSResponse({ accepted }), 'GSSResponse'],
  ] as const) {
    it(`'${type}' accepted with bytes behind it: the answer, then ERR_UNENCRYPTED_DATA`, () => {
      const client = new pg.FrontendConnection();
      client.send(request());
      const { got, error } = drain(client.receive(cat(answer(true).toWire(), err)));
      expect(got.map((m) => m.type)).toEqual([type]);
      expect(error).toMatchObject({ code: pg.ErrorCode.UNENCRYPTED_DATA, messageType: type, offset: 1 });
      expect(client.phase).toBe(P.FAILED);
    });

    it(`'${type}' accepted alone: what follows comes from the encrypted channel`, () => {
      const client = new pg.FrontendConnection();
      client.send(request());
      expect([...client.receive(answer(true).toWire())].map((m) => m.type)).toEqual([type]);
      expect(client.buffered).toBe(0);
      client.send(startup());
      expect([...client.receive(new pg.AuthenticationOk().toWire())].map((m) => m.type)).toEqual(['AuthenticationOk']);
    });

    it(`'${type}' refused ('N'): the conversation continues in the clear, bytes behind it included`, () => {
      const client = new pg.FrontendConnection();
      client.send(request());
      expect([...client.receive(answer(false).toWire())].map((m) => m.type)).toEqual([type]);
      client.send(startup());
      expect(client.phase).toBe(P.AUTHENTICATING);
    });
  }

  it('a standalone decoder refuses bytes behind an accepted answer', () => {
    const d = new pg.BackendMessageDecoder({ phase: P.SSL_NEGOTIATION });
    d.feed(Uint8Array.of(0x53, 0x52, 0, 0, 0, 8, 0, 0, 0, 0)); // 'S' then an AuthenticationOk in the clear
    expect(d.read()).toMatchObject({ accepted: true });
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNENCRYPTED_DATA, offset: 1 }));
    const n = new pg.BackendMessageDecoder({ phase: P.SSL_NEGOTIATION });
    n.feed(Uint8Array.of(0x4e, 0x52, 0, 0, 0, 8, 0, 0, 0, 0)); // 'N' then the same: fine
    expect(n.read()).toMatchObject({ accepted: false });
    n.phase = P.AUTHENTICATING;
    expect(n.read()).toBeInstanceOf(pg.AuthenticationOk);
  });
});
