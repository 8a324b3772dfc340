import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { byte, cat, frame, i32, packet, str } from './support/bytes.js';

const P = pg.ConnectionPhase;

describe('FrontendMessageDecoder phases', () => {
  it('reads the quick start: startup, then standard framing once the phase moves on', () => {
    const d = new pg.FrontendMessageDecoder();
    expect(d.phase).toBe(P.STARTUP);
    d.feed(new pg.StartupMessage({ params: { user: 'postgres', database: 'mydb' } }).toWire());
    const [m] = [...d];
    expect(m).toBeInstanceOf(pg.StartupMessage);
    expect((m as pg.StartupMessage).params.user).toBe('postgres');
    d.phase = P.AUTHENTICATING;
    d.phase = P.READY;
    d.feed(new pg.Query({ queryString: 'SELECT 1' }).toWire());
    const [q] = [...d];
    expect((q as pg.Query).queryString).toBe('SELECT 1');
  });

  it('SSLRequest, then StartupMessage after the answer, both startup-framed', () => {
    const d = new pg.FrontendMessageDecoder();
    d.feed(new pg.SSLRequest().toWire());
    expect(d.read()).toBeInstanceOf(pg.SSLRequest);
    d.phase = P.SSL_NEGOTIATION;
    expect(d.read()).toBeNull();
    d.phase = P.STARTUP; // the server answered 'N'
    d.feed(new pg.StartupMessage({ params: { user: 'u' } }).toWire());
    expect(d.read()).toBeInstanceOf(pg.StartupMessage);
    expect(d.read()).toBeNull();
  });

  it("decodes 'p' by the authentication phase, one message per pull", () => {
    const d = new pg.FrontendMessageDecoder({ phase: P.AUTHENTICATING_SASL_INITIAL });
    d.feed(
      cat(
        new pg.SASLInitialResponse({ mechanism: 'SCRAM-SHA-256', data: 'n,,n=,r=abc' }).toWire(),
        new pg.SASLResponse({ data: 'c=biws,r=abc,p=xyz' }).toWire(),
        new pg.PasswordMessage({ password: 'secret' }).toWire(),
      ),
    );
    expect(d.read()).toBeInstanceOf(pg.SASLInitialResponse);
    d.phase = P.AUTHENTICATING_SASL_CONTINUE;
    expect(d.read()).toBeInstanceOf(pg.SASLResponse);
    d.phase = P.AUTHENTICATING;
    const pw = d.read() as pg.PasswordMessage;
    expect(pw).toBeInstanceOf(pg.PasswordMessage);
    expect(pw.password).toBe('secret');
  });

  it('CancelRequest with a 3.2 key up to 256 bytes, and not beyond', () => {
    const d = new pg.FrontendMessageDecoder();
    const key = new Uint8Array(256).fill(7);
    d.feed(new pg.CancelRequest({ processId: 1, secretKey: key }).toWire());
    expect((d.read() as pg.CancelRequest).secretKey.length).toBe(256);
    const bad = new pg.FrontendMessageDecoder();
    bad.feed(packet(i32(80877102), i32(1), new Uint8Array(257)));
    expect(() => bad.read()).toThrow(pg.DecodingError);
  });
});

describe('BackendMessageDecoder phases', () => {
  it("reads single-byte SSL and GSS answers, and an 'E' as an ErrorResponse", () => {
    const d = new pg.BackendMessageDecoder({ phase: P.SSL_NEGOTIATION });
    d.feed(Uint8Array.of(0x4e));
    expect((d.read() as pg.SSLResponse).accepted).toBe(false);
    d.phase = P.GSS_NEGOTIATION;
    d.feed(Uint8Array.of(0x47));
    expect((d.read() as pg.GSSResponse).accepted).toBe(true);
    d.feed(new pg.ErrorResponse({ fields: { S: 'FATAL', M: 'unsupported frontend protocol' } }).toWire());
    expect(d.read()).toBeInstanceOf(pg.ErrorResponse);
  });

  it('rejects any other byte as a negotiation answer', () => {
    const d = new pg.BackendMessageDecoder({ phase: P.SSL_NEGOTIATION });
    d.feed(Uint8Array.of(0x47));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.BAD_NEGOTIATION_RESPONSE, offset: 0 }));
  });

  it('decodes a server session as in the quick start', () => {
    const d = new pg.BackendMessageDecoder();
    d.feed(new pg.AuthenticationOk().toWire());
    d.feed(new pg.ParameterStatus({ name: 'server_version', value: '15.0' }).toWire());
    d.feed(new pg.BackendKeyData({ processId: 1234, secretKey: Uint8Array.of(0, 0, 0, 1) }).toWire());
    d.feed(new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE }).toWire());
    expect([...d].map((m) => m.type)).toEqual(['AuthenticationOk', 'ParameterStatus', 'BackendKeyData', 'ReadyForQuery']);
  });
});

describe('buffering', () => {
  it('reports buffered bytes of a partial message and completes it later', () => {
    const d = new pg.BackendMessageDecoder();
    const w = new pg.CommandComplete({ tag: 'SELECT 1' }).toWire();
    d.feed(w.subarray(0, 3));
    expect([...d]).toEqual([]);
    expect(d.buffered).toBe(3);
    d.feed(w.subarray(3));
    expect(d.read()).toBeInstanceOf(pg.CommandComplete);
    expect(d.buffered).toBe(0);
    expect(d.offset).toBe(w.length);
  });

  it('clear() drops what is buffered', () => {
    const d = new pg.BackendMessageDecoder();
    d.feed(Uint8Array.of(0x5a, 0, 0));
    d.clear();
    expect(d.buffered).toBe(0);
    d.feed(new pg.NoData().toWire());
    expect(d.read()).toBeInstanceOf(pg.NoData);
  });

  it('copies each byte once when messages are read as they arrive (consumed bytes are compacted away)', () => {
    const d = new pg.BackendMessageDecoder();
    const w = new pg.DataRow({ columns: ['12345', null, 'abc'] }).toWire();
    let fed = 0;
    for (let i = 0; i < 20000; i++) {
      d.feed(w);
      fed += w.length;
      expect(d.read()).toBeInstanceOf(pg.DataRow);
    }
    expect(d.bytesCopied).toBe(fed);
    expect(d.buffered).toBe(0);
  });

  it('a DataRow read with { views: true } and kept across a feed is detected, not misread; owned rows stay valid', () => {
    const d = new pg.BackendMessageDecoder({ views: true });
    d.feed(new pg.DataRow({ columns: ['first'] }).toWire());
    const row = d.read() as pg.DataRow;
    expect(row.text(0)).toBe('first');
    d.feed(new pg.DataRow({ columns: ['second'] }).toWire());
    expect(() => row.text(0)).toThrow(pg.StaleViewError);
    expect(() => row.bytes(0)).toThrow(expect.objectContaining({ code: pg.ErrorCode.STALE_VIEW }));
    const owned = new pg.BackendMessageDecoder({ owned: true });
    const rows: pg.DataRow[] = [];
    for (let i = 0; i < 5000; i++) {
      owned.feed(new pg.DataRow({ columns: [String(i)] }).toWire());
      rows.push(owned.read() as pg.DataRow);
    }
    rows.forEach((r, i) => expect(r.text(0)).toBe(String(i)));
  });

  it('other messages own their bytes: CopyData kept across feeds keeps its data', () => {
    const d = new pg.BackendMessageDecoder();
    const kept: pg.CopyData[] = [];
    for (let i = 0; i < 3000; i++) {
      d.feed(new pg.CopyData({ data: `line ${i}` }).toWire());
      kept.push(d.read() as pg.CopyData);
    }
    kept.forEach((m, i) => expect(new TextDecoder().decode(m.data)).toBe(`line ${i}`));
  });

  it('columns of a row taken before the next feed are copies that stay', () => {
    const d = new pg.BackendMessageDecoder();
    d.feed(new pg.DataRow({ columns: ['x', null] }).toWire());
    const row = d.read() as pg.DataRow;
    const cols = row.columns;
    d.feed(new pg.DataRow({ columns: ['yy'] }).toWire());
    expect(cols.map((c) => (c ? new TextDecoder().decode(c) : c))).toEqual(['x', null]);
    expect(row.text(0)).toBe('x'); // built from the copies once `columns` was read
  });

  // Moves 256 MiB (~1.3 s idle): a budget for a loaded 2-core machine.
  it('a 256 MiB message fed in 64 KiB chunks is copied a bounded number of times', { timeout: 60_000 }, () => {
    const size = 256 * 1024 * 1024;
    const d = new pg.BackendMessageDecoder();
    d.feed(cat(byte('d'), i32(size + 4)));
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    for (let sent = 0; sent < size; sent += chunk.length) {
      expect(d.read()).toBeNull();
      d.feed(chunk);
    }
    const m = d.read() as pg.CopyData;
    expect(m.data.length).toBe(size);
    expect(m.data[size - 1]).toBe(0x61);
    // once in, plus at most about twice in moves while the buffer doubles
    expect(d.bytesCopied).toBeLessThanOrEqual(3 * (size + 5));
    expect(d.bytesCopied).toBeGreaterThanOrEqual(size + 5);
  });
});

describe('limits', () => {
  it('rejects a length below 4 as soon as the header is in', () => {
    const d = new pg.BackendMessageDecoder();
    d.feed(cat(byte('Z'), i32(3)));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.LENGTH_TOO_SMALL, offset: 1, messageType: 'Z' }));
  });

  it('rejects a negative length', () => {
    const d = new pg.FrontendMessageDecoder({ phase: P.READY });
    d.feed(cat(byte('Q'), i32(-5)));
    expect(() => d.read()).toThrow(pg.FramingError);
  });

  it('checks maxMessageSize from the 5-byte header, before the body arrives', () => {
    const d = new pg.BackendMessageDecoder();
    d.feed(cat(byte('D'), i32(0x3fffffff)));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.LENGTH_TOO_LARGE }));
    const small = new pg.BackendMessageDecoder({ maxMessageSize: 1000 });
    small.feed(cat(byte('d'), i32(1001)));
    expect(() => small.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.LENGTH_TOO_LARGE, offset: 1 }));
    const ok = new pg.BackendMessageDecoder({ maxMessageSize: 1000 });
    ok.feed(frame('d', new Uint8Array(996)));
    expect(ok.read()).toBeInstanceOf(pg.CopyData);
    expect(new pg.BackendMessageDecoder().maxMessageSize).toBe(pg.PQ_LARGE_MESSAGE_LIMIT);
  });

  it('checks the type byte before anything else arrives', () => {
    const d = new pg.BackendMessageDecoder();
    d.feed(Uint8Array.of(0x21));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNKNOWN_MESSAGE_TYPE, offset: 0, messageType: '!' }));
  });

  it('startup packets must be 8..10000 bytes', () => {
    for (const [len, code] of [
      [7, pg.ErrorCode.LENGTH_TOO_SMALL],
      [4, pg.ErrorCode.LENGTH_TOO_SMALL],
      [-1, pg.ErrorCode.LENGTH_TOO_SMALL],
      [10001, pg.ErrorCode.LENGTH_TOO_LARGE],
    ] as const) {
      const d = new pg.FrontendMessageDecoder();
      d.feed(Uint8Array.from(i32(len)));
      expect(() => d.read()).toThrow(expect.objectContaining({ code, offset: 0 }));
    }
    const max = new pg.FrontendMessageDecoder();
    const big = 'x'.repeat(10000 - 4 - 4 - 2 - 1 - 1);
    const wire = new pg.StartupMessage({ params: { a: big } }).toWire();
    expect(wire.length).toBe(10000);
    max.feed(wire);
    expect(max.read()).toBeInstanceOf(pg.StartupMessage);
  });

  it('rejects protocol versions other than 3.x and unknown request codes', () => {
    const d = new pg.FrontendMessageDecoder();
    d.feed(packet(i32(2 << 16), byte(0)));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNKNOWN_REQUEST_CODE, offset: 4 }));
    const e = new pg.FrontendMessageDecoder();
    e.feed(packet(i32(80877199), str('')));
    expect(() => e.read()).toThrow(pg.DecodingError);
  });
});

describe('error state', () => {
  it('delivers what was valid before the error, then refuses further use until clear()', () => {
    const d = new pg.BackendMessageDecoder();
    const good = new pg.CommandComplete({ tag: 'SELECT 1' }).toWire();
    // DataRow claiming 2 columns but holding one
    const bad = frame('D', [0, 2], i32(1), [0x41]);
    d.feed(cat(good, bad));
    const it = d[Symbol.iterator]();
    expect(it.next().value).toBeInstanceOf(pg.CommandComplete);
    let err: unknown;
    try {
      it.next();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(pg.DecodingError);
    expect(err).toBeInstanceOf(pg.ProtocolError);
    expect(err).toBeInstanceOf(pg.PgcodecError);
    const e = err as pg.DecodingError;
    // the column count (2 columns need at least 8 bytes, 5 remain) is the lie: offset of the count field
    expect(e.offset).toBe(good.length + 5);
    expect(e.messageType).toBe('D');
    expect(e.code).toBe(pg.ErrorCode.TRUNCATED);
    expect(d.error).toBe(e);
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.DECODER_FAILED, cause: e }));
    expect(() => d.feed(good)).toThrow(pg.FramingError);
    d.clear();
    expect(d.error).toBeNull();
    d.feed(good);
    expect(d.read()).toBeInstanceOf(pg.CommandComplete);
  });
});
