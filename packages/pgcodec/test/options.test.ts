/**
 * Options and I/O callbacks are validated where they are given: a wrong
 * type is a TypeError, a number outside its documented range a RangeError,
 * at construction; never a decoder that later misbehaves (NaN made the two
 * engines disagree) or a buffer left corrupt by a lying `nread`.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { ENGINES, unforced } from './support/engines.js';

const makers = {
  FrontendMessageDecoder: (o: object) => new pg.FrontendMessageDecoder(o),
  BackendMessageDecoder: (o: object) => new pg.BackendMessageDecoder(o),
  FrontendConnection: (o: object) => new pg.FrontendConnection(o),
  BackendConnection: (o: object) => new pg.BackendConnection(o),
};

describe.each(Object.entries(makers))('%s options', (_, make) => {
  it.each(ENGINES)('maxMessageSize must be an integer from 4 to 2^31 - 1 (%s engine)', (engine) => {
    unforced(() => {
      for (const bad of [NaN, 3, -1, 0.5, 2 ** 31, Infinity]) expect(() => make({ engine, maxMessageSize: bad }), String(bad)).toThrow(RangeError);
      for (const bad of ['1000', null, 10n]) expect(() => make({ engine, maxMessageSize: bad }), String(bad)).toThrow(TypeError);
      for (const ok of [4, 5000, pg.PQ_LARGE_MESSAGE_LIMIT, 2 ** 31 - 1]) expect(() => make({ engine, maxMessageSize: ok })).not.toThrow();
    });
  });

  it('limits: known names only, each an integer from 4 to 2^31 - 1', () => {
    expect(() => make({ limits: { smallMessage: NaN } })).toThrow(RangeError);
    expect(() => make({ limits: { authToken: 3 } })).toThrow(RangeError);
    expect(() => make({ limits: { saslMessage: '1024' } })).toThrow(TypeError);
    expect(() => make({ limits: { sasl: 1024 } })).toThrow(/not a limit/);
    expect(() => make({ limits: 7 })).toThrow(TypeError);
    expect(() => make({ limits: { shortMessage: 100, authRequest: undefined } })).not.toThrow();
  });

  it('windowSize, engine, phase, owned, views', () => {
    expect(() => make({ windowSize: NaN })).toThrow(RangeError);
    expect(() => make({ windowSize: 1024 })).toThrow(RangeError);
    expect(() => make({ windowSize: '65536' })).toThrow(TypeError);
    expect(() => make({ engine: 'asm' })).toThrow(TypeError);
    expect(() => make({ phase: 'WAITING', initialPhase: 'ready' })).toThrow(TypeError); // decoders take phase, connections initialPhase
    expect(() => make({ owned: 'yes' })).toThrow(TypeError);
    expect(() => make({ views: 1 })).toThrow(TypeError);
  });
});

describe('other arguments', () => {
  it('connection-only options: strict, onViolation', () => {
    expect(() => new pg.FrontendConnection({ strict: 'no' as unknown as boolean })).toThrow(TypeError);
    expect(() => new pg.BackendConnection({ onViolation: 'log' as unknown as () => void })).toThrow(TypeError);
  });

  it('the phase setter refuses what is not a phase', () => {
    const d = new pg.BackendMessageDecoder();
    expect(() => {
      d.phase = 'nope' as pg.ConnectionPhase;
    }).toThrow(TypeError);
    expect(d.phase).toBe(pg.ConnectionPhase.STARTUP);
  });

  it('feed takes bytes', () => {
    expect(() => new pg.BackendMessageDecoder().feed('Z' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => new pg.BackendMessageDecoder().feed([90, 0, 0, 0, 5, 73] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('socketReader checks its arguments', () => {
    const d = new pg.BackendMessageDecoder();
    expect(() => d.socketReader(undefined as unknown as () => void)).toThrow(TypeError);
    expect(() => d.socketReader(() => {}, 0)).toThrow(RangeError);
    expect(() => d.socketReader(() => {}, NaN)).toThrow(RangeError);
  });
});

describe('socketReader trusts no nread', () => {
  it.each(ENGINES)('negative, NaN, fractional or past the buffer is a RangeError, and the decoder is unharmed (%s)', (engine) => {
    const d = unforced(() => new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY, engine }));
    const r = d.socketReader(() => {});
    for (const bad of [-1, NaN, 1.5, Infinity, '3']) {
      const room = r.buffer();
      expect(() => r.callback(bad as number), String(bad)).toThrow(RangeError);
      expect(() => r.callback(room.length + 1)).toThrow(RangeError);
      expect(d.buffered).toBe(0);
    }
    // A callback commits once per buffer(): without a new buffer() it may commit nothing.
    r.callback(0);
    expect(() => r.callback(1)).toThrow(RangeError);
    // The decoder still works: a ReadyForQuery written into the lent buffer.
    const room = r.buffer();
    const rfq = new pg.ReadyForQuery({ status: 'I' }).toWire();
    room.set(rfq);
    r.callback(rfq.length);
    expect(d.buffered).toBe(rfq.length);
    d.feed(new Uint8Array(0));
    expect(d.read()).toBeInstanceOf(pg.ReadyForQuery);
  });

  it('still reads a real socket', async () => {
    const server = net.createServer((s) => s.end(new pg.ReadyForQuery({ status: 'T' }).toWire()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
    const got: pg.BackendMessage[] = [];
    const sock = net.connect({
      port: (server.address() as net.AddressInfo).port,
      host: '127.0.0.1',
      onread: d.socketReader(() => {
        for (const m of d) got.push(m);
      }),
    });
    await new Promise((resolve) => sock.on('end', resolve));
    server.close();
    expect(got.map((m) => m.type)).toEqual(['ReadyForQuery']);
  });
});
