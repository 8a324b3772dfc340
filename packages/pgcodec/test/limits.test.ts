/**
 * Limits by phase and message type, PostgreSQL's and libpq's own, checked
 * from the 5-byte header before the body is buffered: a peer cannot make a
 * decoder hold more than the largest frame allowed plus one read.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { byte, cat, frame, i32 } from './support/bytes.js';

const P = pg.ConnectionPhase;
const E = pg.ErrorCode;

/** A header claiming a `len`-byte message of `type`, and `body` bytes of it. */
const header = (type: string, len: number, body = 0) => cat(byte(type), i32(len), new Uint8Array(body));

function frontendAt(phase: pg.ConnectionPhase, opts: pg.DecoderOptions = {}) {
  return new pg.FrontendMessageDecoder({ phase, ...opts });
}

describe('server side (what a client sends)', () => {
  it('the constants are PostgreSQL’s', () => {
    expect(pg.PQ_SMALL_MESSAGE_LIMIT).toBe(10000);
    expect(pg.PG_MAX_AUTH_TOKEN_LENGTH).toBe(65535);
    expect(pg.PG_MAX_SASL_MESSAGE_LENGTH).toBe(1024);
    expect(pg.PQ_LARGE_MESSAGE_LIMIT).toBe(0x3ffffffe);
    expect(pg.DEFAULT_LIMITS).toEqual({ smallMessage: 10000, authToken: 65535, saslMessage: 1024, shortMessage: 30000, authRequest: 2000 });
  });

  for (const [phase, limit] of [
    [P.AUTHENTICATING, 65535],
    [P.AUTHENTICATING_SASL_INITIAL, 1024],
    [P.AUTHENTICATING_SASL_CONTINUE, 1024],
  ] as const) {
    it(`'p' in ${phase}: up to ${limit} bytes, refused from the header above`, () => {
      const ok = frontendAt(phase);
      ok.feed(header('p', limit, 10));
      expect(ok.read()).toBeNull(); // waiting for the body: allowed
      const bad = frontendAt(phase);
      bad.feed(header('p', limit + 1));
      expect(() => bad.read()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: 'p', offset: 1 }));
    });
  }

  it('during authentication any other type is held to PQ_SMALL_MESSAGE_LIMIT: a 1 GiB Query header fails at once', () => {
    const d = frontendAt(P.AUTHENTICATING);
    d.feed(header('Q', 0x3ffffffe, 100));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: 'Q' }));
  });

  it('after authentication, postgres.c SocketBackend’s table: small types 10000, the rest up to maxMessageSize', () => {
    for (const t of 'CDEHSXcf') {
      const d = frontendAt(P.READY);
      d.feed(header(t, 10001));
      expect(() => d.read(), t).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: t }));
      const ok = frontendAt(P.READY);
      ok.feed(header(t, 10000));
      expect(ok.read(), t).toBeNull();
    }
    for (const t of 'QFBPd') {
      const d = frontendAt(P.READY);
      d.feed(header(t, 0x3ffffffe));
      expect(d.read(), t).toBeNull();
    }
    // a complete small-type frame over its limit is refused too, not only a partial one
    const d = frontendAt(P.READY);
    d.feed(frame('D', byte('S'), new Uint8Array(10000)));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: 'D', offset: 1 }));
  });

  it('the frame APIs stop before a frame over its limit and raise it next', () => {
    const d = frontendAt(P.READY);
    const sync = new pg.Sync().toWire();
    d.feed(cat(sync, sync, frame('S', new Uint8Array(10000))));
    const batch = d.readFrames()!;
    expect(batch.count).toBe(2);
    expect(() => d.readFrames()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, offset: 11 }));
  });

  it('an unauthenticated client cannot make a BackendConnection buffer a claimed 1 GiB', () => {
    const server = new pg.BackendConnection();
    server.receive(new pg.StartupMessage({ params: { user: 'u' } }).toWire());
    server.send(new pg.AuthenticationSASL({ mechanisms: ['SCRAM-SHA-256'] }));
    expect(server.phase).toBe(P.AUTHENTICATING_SASL_INITIAL);
    // A 'p' header claiming 0x3FFFFFFE bytes, then 64 KiB reads of it.
    const chunk = new Uint8Array(64 * 1024);
    const startupLength = new pg.StartupMessage({ params: { user: 'u' } }).toWire().length;
    expect(() => server.receive(cat(header('p', 0x3ffffffe), chunk))).toThrow(
      expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: 'p', offset: startupLength + 1 }),
    );
    for (let i = 0; i < 100; i++) expect(() => server.receive(chunk)).toThrow(pg.ProtocolError);
    expect(server.buffered).toBeLessThanOrEqual(5 + chunk.length);
  });

  it('a decoder fed without pulls does not grow for a frame it must refuse', () => {
    const d = frontendAt(P.AUTHENTICATING_SASL_CONTINUE);
    d.feed(header('p', 0x3ffffffe));
    const chunk = new Uint8Array(64 * 1024);
    for (let i = 0; i < 64; i++) d.feed(chunk); // 4 MiB offered
    // What it holds is what it had before it had to grow: the WebAssembly window, or one heap buffer.
    expect(d.bufferCapacity).toBeLessThanOrEqual(256 * 1024);
    expect(d.buffered).toBeLessThanOrEqual(d.bufferCapacity);
    expect(() => d.read()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE }));
  });

  it('limits are configurable, and maxMessageSize caps them all', () => {
    const d = frontendAt(P.AUTHENTICATING_SASL_INITIAL, { limits: { saslMessage: 4096 } });
    expect(d.limits.saslMessage).toBe(4096);
    d.feed(header('p', 4096));
    expect(d.read()).toBeNull();
    const capped = frontendAt(P.READY, { maxMessageSize: 5000 });
    capped.feed(header('S', 6000));
    expect(() => capped.read()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE }));
  });
});

describe('client side (what a server sends): libpq’s rules', () => {
  function backendAt(phase: pg.ConnectionPhase, opts: pg.DecoderOptions = {}) {
    return new pg.BackendMessageDecoder({ phase, ...opts });
  }

  it('over 30000 bytes only for RowDescription, DataRow, CopyData, FunctionCallResponse, ErrorResponse, NoticeResponse, NotificationResponse (fe-protocol3.c)', () => {
    for (const t of 'TDdVENA') {
      const d = backendAt(P.READY);
      d.feed(header(t, 0x3ffffffe));
      expect(d.read(), t).toBeNull();
    }
    for (const t of 'SZKCtGHW123nsIcv') {
      const d = backendAt(P.READY);
      d.feed(header(t, 30001));
      expect(() => d.read(), t).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: t }));
      const ok = backendAt(P.READY);
      ok.feed(header(t, 30000));
      expect(ok.read(), t).toBeNull();
    }
  });

  it('during authentication: Authentication and NegotiateProtocolVersion up to 2000, the rest 30000 (fe-connect.c)', () => {
    for (const t of 'Rv') {
      const d = backendAt(P.AUTHENTICATING);
      d.feed(header(t, 2001));
      expect(() => d.read(), t).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: t }));
    }
    const e = backendAt(P.AUTHENTICATING_SASL_CONTINUE);
    e.feed(header('E', 30001));
    expect(() => e.read()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: 'E' }));
    const big = backendAt(P.AUTHENTICATING, { limits: { authRequest: 65535 } });
    big.feed(header('R', 8000));
    expect(big.read()).toBeNull();
  });

  it('a real startup fits: SCRAM messages, a 3.2 BackendKeyData with a 256-byte key, parameter statuses', () => {
    const c = new pg.FrontendConnection();
    c.send(new pg.StartupMessage({ params: { user: 'u' } }));
    c.receive(new pg.AuthenticationSASL({ mechanisms: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'] }).toWire());
    c.send(new pg.SASLInitialResponse({ mechanism: 'SCRAM-SHA-256', data: 'n,,n=,r=' + 'x'.repeat(24) }));
    const serverFirst = 'r=' + 'x'.repeat(48) + ',s=' + 'y'.repeat(24) + ',i=4096';
    c.receive(new pg.AuthenticationSASLContinue({ data: serverFirst }).toWire());
    c.send(new pg.SASLResponse({ data: 'c=biws,r=' + 'x'.repeat(48) + ',p=' + 'z'.repeat(44) }));
    const rest = [
      new pg.AuthenticationSASLFinal({ data: 'v=' + 'w'.repeat(44) }),
      new pg.AuthenticationOk(),
      new pg.ParameterStatus({ name: 'server_version', value: '18.4' }),
      new pg.BackendKeyData({ processId: 1, secretKey: new Uint8Array(256) }),
      new pg.ReadyForQuery({ status: 'I' }),
    ];
    expect([...c.receive(cat(...rest.map((m) => m.toWire())))].map((m) => m.type)).toEqual(rest.map((m) => m.type));
    expect(c.phase).toBe(P.READY);
  });
});

describe('startup packets', () => {
  it('8..10000 bytes (MAX_STARTUP_PACKET_LENGTH), refused from the length before the body', () => {
    const d = new pg.FrontendMessageDecoder();
    d.feed(cat(i32(10001), i32(196608)));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE, messageType: 'StartupMessage', offset: 0 }));
    const fed = new pg.FrontendMessageDecoder();
    fed.feed(Uint8Array.from(i32(0x7fffffff)));
    for (let i = 0; i < 32; i++) fed.feed(new Uint8Array(64 * 1024));
    expect(fed.bufferCapacity).toBeLessThanOrEqual(256 * 1024);
    expect(() => fed.read()).toThrow(expect.objectContaining({ code: E.LENGTH_TOO_LARGE }));
  });
});

describe('buffer growth for frames that are allowed', () => {
  it('a 3 MiB CopyData fed in 64 KiB reads: the buffer grows to about the frame plus one read, not a doubling', () => {
    const read = 64 * 1024;
    const big = new pg.CopyData({ data: new Uint8Array(3 * 1024 * 1024 + 123) }).toWire();
    const stream = cat(big, new pg.CopyDone().toWire(), big);
    // Both directions, pulling after every read as a connection does.
    for (const d of [new pg.BackendMessageDecoder({ phase: P.READY }), new pg.FrontendMessageDecoder({ phase: P.READY })]) {
      let peak = 0;
      const got: string[] = [];
      for (let i = 0; i < stream.length; i += read) {
        d.feed(stream.subarray(i, i + read));
        peak = Math.max(peak, d.bufferCapacity);
        for (const m of d) got.push(m.type);
      }
      expect(got).toEqual(['CopyData', 'CopyDone', 'CopyData']);
      expect(peak).toBeLessThanOrEqual(big.length + 2 * read);
    }
  });
});
