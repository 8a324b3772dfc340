/**
 * Bad input: every malformed variant of every fixture either decodes (and
 * then re-encodes to exactly the bytes consumed) or raises one of our
 * ProtocolErrors with an offset inside the bad frame, never a RangeError or
 * TypeError, never a read into the next message.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { byte, cat, frame, i16, i32, packet, raw, str } from './support/bytes.js';
import { decoderFor, fixtures, type Fixture } from './support/fixtures.js';

const P = pg.ConnectionPhase;

/**
 * A message decoded from `wire` must re-encode to `wire` and leave the
 * sentinel after it to be read next; anything thrown must be a
 * ProtocolError with an offset in [lo, hi].
 */
function expectDecodesOrRejects(f: Pick<Fixture, 'side' | 'phase'>, wire: Uint8Array, lo = 0, hi = wire.length): 'ok' | 'error' {
  const d = decoderFor(f);
  // a sentinel after the frame: a decoder that over-reads would swallow or misframe it
  const sentinel = f.side === 'backend' ? new pg.NoData().toWire() : new pg.Flush().toWire();
  d.feed(wire);
  try {
    const m = d.read();
    if (m === null) return 'ok'; // a frame longer than its bytes waits for more, which is right
    expect(Buffer.from(m.toWire()).equals(Buffer.from(wire))).toBe(true);
    if (f.phase !== P.SSL_NEGOTIATION && f.phase !== P.GSS_NEGOTIATION && f.phase !== P.STARTUP) {
      d.feed(sentinel);
      expect(d.read()?.type).toBe(f.side === 'backend' ? 'NoData' : 'Flush');
    }
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(pg.ProtocolError);
    const pe = e as pg.ProtocolError;
    expect(pe.offset).toBeGreaterThanOrEqual(lo);
    expect(pe.offset).toBeLessThanOrEqual(hi);
    expect(typeof pe.code).toBe('string');
    return 'error';
  }
}

const framed = fixtures.filter((f) => f.message.typeCode !== null);
const startupPackets = fixtures.filter((f) => f.message.typeCode === null && f.side === 'frontend');

describe.each(framed)('malformed $name', (f) => {
  const body = f.wire.subarray(5);
  const type = String.fromCharCode(f.wire[0]!);

  it('every truncation (length field adjusted) decodes or is a DecodingError in the frame', () => {
    for (let k = 0; k < body.length; k++) {
      const wire = frame(type, body.subarray(0, k));
      const r = expectDecodesOrRejects(f, wire, 5, wire.length);
      if (r === 'error') {
        const d = decoderFor(f);
        d.feed(wire);
        expect(() => d.read()).toThrow(pg.DecodingError);
      }
    }
  });

  it('a trailing byte is refused, or belongs to an open-ended field', () => {
    const wire = frame(type, body, [0x41]);
    expectDecodesOrRejects(f, wire, 5, wire.length);
  });

  it('every single-byte corruption of the payload decodes or is rejected inside the frame', () => {
    for (let i = 0; i < body.length; i++) {
      for (const v of [0x00, 0xff, 0x80, 0x7f]) {
        const b = body.slice();
        b[i] = v;
        expectDecodesOrRejects(f, frame(type, b), 5, body.length + 5);
      }
    }
  });

  it('a length below 4 is a FramingError at the length field', () => {
    for (const len of [0, 3, -1, -2147483648]) {
      const d = decoderFor(f);
      d.feed(cat(f.wire.subarray(0, 1), i32(len), body));
      expect(() => d.read()).toThrow(expect.objectContaining({ name: 'FramingError', offset: 1 }));
    }
  });

  it('a frame never reads into the next message', () => {
    // a frame claiming less than it holds: the rest must be framed as the next message, not read as fields
    if (body.length === 0) return;
    const short = cat(f.wire.subarray(0, 1), i32(4 + body.length - 1), body.subarray(0, body.length - 1));
    expectDecodesOrRejects(f, short, 5, short.length);
  });
});

describe.each(startupPackets)('malformed $name', (f) => {
  const body = f.wire.subarray(4);
  it('every truncation decodes or is rejected', () => {
    for (let k = 4; k < body.length; k++) expectDecodesOrRejects(f, packet(body.subarray(0, k)), 0, 4 + k);
  });
  it('every single-byte corruption decodes or is rejected', () => {
    for (let i = 0; i < body.length; i++) {
      for (const v of [0x00, 0xff, 0x03]) {
        const b = body.slice();
        b[i] = v;
        expectDecodesOrRejects(f, packet(b), 0, 4 + body.length);
      }
    }
  });
  it('a trailing byte is refused', () => {
    if (f.message instanceof pg.CancelRequest) return; // the key is open-ended
    const d = decoderFor(f);
    d.feed(packet(body, [0x41]));
    expect(() => d.read()).toThrow(expect.objectContaining({ code: pg.ErrorCode.TRAILING_BYTES }));
  });
});

/** The cases the layout rules name, each with its code and offset. */
const READY = { side: 'backend', phase: P.READY } as const;
const FRONT = { side: 'frontend', phase: P.READY } as const;
const cases: { name: string; at: Pick<Fixture, 'side' | 'phase'>; wire: Uint8Array; code: string; offset: number }[] = [
  { name: 'DataRow count larger than what remains', at: READY, wire: frame('D', i16(3), i32(-1), i32(-1)), code: 'ERR_TRUNCATED', offset: 5 },
  { name: 'DataRow value length past the frame', at: READY, wire: frame('D', i16(1), i32(10), raw('abc')), code: 'ERR_TRUNCATED', offset: 7 },
  { name: 'DataRow negative length other than -1', at: READY, wire: frame('D', i16(1), i32(-2)), code: 'ERR_NEGATIVE_LENGTH', offset: 7 },
  { name: 'DataRow trailing bytes', at: READY, wire: frame('D', i16(1), i32(-1), [0]), code: 'ERR_TRAILING_BYTES', offset: 11 },
  { name: 'RowDescription count larger than what remains', at: READY, wire: frame('T', i16(2), str('a'), new Uint8Array(18)), code: 'ERR_TRUNCATED', offset: 5 },
  { name: 'RowDescription name without NUL', at: READY, wire: frame('T', i16(1), raw('abcdefghijklmnopqrstuvwxyz')), code: 'ERR_MISSING_NUL', offset: 7 },
  { name: 'CommandComplete without NUL', at: READY, wire: frame('C', raw('SELECT 1')), code: 'ERR_MISSING_NUL', offset: 5 },
  { name: 'ErrorResponse without final zero', at: READY, wire: frame('E', byte('S'), str('ERROR')), code: 'ERR_TRUNCATED', offset: 12 },
  { name: 'unknown authentication code', at: READY, wire: frame('R', i32(6)), code: 'ERR_UNKNOWN_AUTH_CODE', offset: 5 },
  { name: 'MD5 request with short salt', at: READY, wire: frame('R', i32(5), [1, 2]), code: 'ERR_TRUNCATED', offset: 9 },
  { name: 'ReadyForQuery unknown status', at: READY, wire: frame('Z', byte('X')), code: 'ERR_INVALID_VALUE', offset: 5 },
  { name: 'BackendKeyData short key', at: READY, wire: frame('K', i32(1), [1, 2]), code: 'ERR_INVALID_VALUE', offset: 9 },
  { name: 'NegotiateProtocolVersion negative count', at: READY, wire: frame('v', i32(0), i32(-1)), code: 'ERR_NEGATIVE_LENGTH', offset: 9 },
  { name: 'FunctionCallResponse negative length', at: READY, wire: frame('V', i32(-7)), code: 'ERR_NEGATIVE_LENGTH', offset: 5 },
  { name: 'CopyOutResponse count larger than what remains', at: READY, wire: frame('H', byte(0), i16(100), i16(0)), code: 'ERR_TRUNCATED', offset: 6 },
  { name: 'Bind parameter count larger than what remains', at: FRONT, wire: frame('B', str(''), str(''), i16(0), i16(65535)), code: 'ERR_TRUNCATED', offset: 9 },
  { name: 'Bind parameter length past the frame', at: FRONT, wire: frame('B', str(''), str(''), i16(0), i16(1), i32(1000), i16(0)), code: 'ERR_TRUNCATED', offset: 11 },
  { name: 'Bind NULL -1 is fine but -3 is not', at: FRONT, wire: frame('B', str(''), str(''), i16(0), i16(1), i32(-3), i16(0)), code: 'ERR_NEGATIVE_LENGTH', offset: 11 },
  { name: 'Describe unknown kind', at: FRONT, wire: frame('D', byte('X'), str('')), code: 'ERR_INVALID_VALUE', offset: 5 },
  { name: 'Parse without query NUL', at: FRONT, wire: frame('P', str('s'), raw('SELECT')), code: 'ERR_MISSING_NUL', offset: 7 },
  { name: 'Execute missing row limit', at: FRONT, wire: frame('E', str('')), code: 'ERR_TRUNCATED', offset: 6 },
  { name: 'unknown frontend type', at: FRONT, wire: frame('z'), code: 'ERR_UNKNOWN_MESSAGE_TYPE', offset: 0 },
  { name: 'backend-only type sent by a client', at: FRONT, wire: frame('Z', byte('I')), code: 'ERR_UNKNOWN_MESSAGE_TYPE', offset: 0 },
  { name: 'SASLInitialResponse data length past the frame', at: { side: 'frontend', phase: P.AUTHENTICATING_SASL_INITIAL }, wire: frame('p', str('M'), i32(5), [1]), code: 'ERR_TRUNCATED', offset: 7 },
  { name: 'StartupMessage without final NUL', at: { side: 'frontend', phase: P.STARTUP }, wire: packet(i32(196608), str('user'), str('x')), code: 'ERR_TRUNCATED', offset: 15 },
  { name: 'SSLRequest with a body', at: { side: 'frontend', phase: P.STARTUP }, wire: packet(i32(80877103), [0]), code: 'ERR_TRAILING_BYTES', offset: 8 },
];

describe('named malformed cases', () => {
  it.each(cases)('$name → $code at $offset', ({ at, wire, code, offset }) => {
    const d = decoderFor(at);
    d.feed(wire);
    let err: unknown;
    try {
      d.read();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(pg.ProtocolError);
    expect((err as pg.ProtocolError).code).toBe(code);
    expect((err as pg.ProtocolError).offset).toBe(offset);
    expect((err as pg.ProtocolError).messageType).not.toBeNull();
  });
});

/** xorshift32: the same "random" bytes on every run. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

describe('random streams', () => {
  const phases = Object.values(P);
  // ~3 s on an idle 2-core machine: a budget for a loaded one.
  it('random bytes in every phase: messages re-encode to what they consumed, errors are ProtocolErrors', { timeout: 60_000 }, () => {
    const rand = rng(20261127);
    const types = [...'RKS23CdcGHWDIEVvnNAtZ1sTBfFpPQX'].map((c) => c.charCodeAt(0));
    for (let round = 0; round < 3000; round++) {
      const side = round % 2 === 0 ? 'frontend' : 'backend';
      const phase = phases[Math.floor(rand() * phases.length)]!;
      // mostly plausible frames: a known type, a small length, random body
      const parts: number[] = [];
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        const len = Math.floor(rand() * 24);
        parts.push(types[Math.floor(rand() * types.length)]!, ...i32(rand() < 0.9 ? len + 4 : Math.floor(rand() * 2 ** 32) | 0));
        for (let j = 0; j < len; j++) parts.push(rand() < 0.3 ? 0 : Math.floor(rand() * 256));
      }
      const stream = Uint8Array.from(parts);
      const d = decoderFor({ side, phase });
      d.feed(stream);
      let at = 0;
      try {
        for (const m of d) {
          const w = m.toWire();
          expect(Buffer.from(w).equals(Buffer.from(stream.subarray(at, at + w.length)))).toBe(true);
          at += w.length;
        }
      } catch (e) {
        if (!(e instanceof pg.ProtocolError)) throw e;
        expect(e.offset).toBeGreaterThanOrEqual(at);
      }
    }
  });
});
