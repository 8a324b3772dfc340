/**
 * Engines are lent while bytes are decoded (engine/pool.ts): an idle
 * decoder holds no window, views keep the engine until the next feed or
 * release(), partial messages survive moving in and out of windows, and
 * thousands of idle connections hold nothing but their own objects.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { enginePoolStats } from '../src/engine/pool.js';
import { MAX_SPILL } from '../src/decoder/message-decoder.js';
import { ENGINES, backend, unforced } from './support/engines.js';

const P = pg.ConnectionPhase;

/** A small result set as a server sends it. */
function result(rows: number, value = 'hello'): Uint8Array {
  const parts = [new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'a', typeOid: 25 })] }).toWire()];
  for (let i = 0; i < rows; i++) parts.push(new pg.DataRow({ columns: [`${value} ${i}`] }).toWire());
  parts.push(new pg.CommandComplete({ tag: `SELECT ${rows}` }).toWire(), new pg.ReadyForQuery({ status: 'I' }).toWire());
  return Buffer.concat(parts);
}

describe.each(ENGINES)('%s engine', (engine) => {
  it('the message path gives the engine back as it drains: an idle decoder holds nothing', () => {
    const d = backend(engine);
    const lentBefore = enginePoolStats().lent;
    d.feed(result(10));
    expect(d.heldBytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(enginePoolStats().lent).toBe(lentBefore + 1);
    const rows: pg.DataRow[] = [];
    for (const m of d) if (m instanceof pg.DataRow) rows.push(m);
    expect(d.heldBytes).toBe(0);
    expect(d.bufferCapacity).toBe(0);
    expect(enginePoolStats().lent).toBe(lentBefore);
    // What was read stays valid while the engine serves other decoders.
    const other = backend(engine);
    other.feed(result(50, 'other'));
    for (const _ of other);
    expect(rows.map((r) => r.text(0))).toEqual(Array.from({ length: 10 }, (_, i) => `hello ${i}`));
  });

  it('a partial message moves out of the window and back in, byte-exact, whatever the reads', () => {
    const bytes = result(200, 'x'.repeat(300));
    for (const size of [1, 3, 97, 1000, 4096]) {
      const d = backend(engine);
      const got: string[] = [];
      for (let i = 0; i < bytes.length; i += size) {
        d.feed(bytes.subarray(i, i + size));
        for (const m of d) if (m instanceof pg.DataRow) got.push(m.text(0)!);
        // Idle between reads unless a partial message larger than the last read (or than MAX_SPILL) is buffered.
        if (d.buffered <= Math.min(size, bytes.length - i, MAX_SPILL)) expect(d.heldBytes).toBe(d.buffered);
        else expect(d.heldBytes).toBeGreaterThanOrEqual(64 * 1024);
      }
      expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `${'x'.repeat(300)} ${i}`));
      expect(d.heldBytes).toBe(0);
    }
  });

  it('copying stays linear when a large message arrives a byte at a time (the engine stays lent)', () => {
    const big = new pg.DataRow({ columns: ['y'.repeat(20_000)] }).toWire();
    const d = backend(engine);
    for (let i = 0; i < big.length; i++) {
      d.feed(big.subarray(i, i + 1));
      if (i < big.length - 1) expect(d.read()).toBeNull();
    }
    expect((d.read() as pg.DataRow).text(0)).toBe('y'.repeat(20_000));
    expect(d.bytesCopied).toBeLessThan(4 * big.length);
  });

  it('frames and row batches keep the engine until the next feed or release(); then they are stale', () => {
    const d = backend(engine);
    d.feed(result(3));
    const batch = d.readFrames()!;
    expect(d.readFrames()).toBeNull();
    expect(d.heldBytes).toBeGreaterThan(0); // the batch views the window
    expect(batch.type(0)).toBe(0x54);
    d.release();
    expect(d.heldBytes).toBe(0);
    expect(() => batch.type(0)).toThrow(pg.StaleViewError);

    d.feed(result(3));
    d.read(); // RowDescription
    const rows = d.readRowBatch()!;
    expect(rows.rowCount).toBe(3);
    expect(d.read()).toBeInstanceOf(pg.CommandComplete);
    expect(d.heldBytes).toBeGreaterThan(0); // the batch still views the window
    expect(rows.strings()).toEqual([['hello 0'], ['hello 1'], ['hello 2']]);
    d.release();
    expect(() => rows.strings()).toThrow(pg.StaleViewError);
    // After release() the decoder goes on where it was.
    expect(d.read()).toBeInstanceOf(pg.ReadyForQuery);
    expect(d.read()).toBeNull();
  });

  it('owned frames and batches let the engine go as the decoder drains', () => {
    const d = backend(engine, { owned: true });
    d.feed(result(3));
    const f = d.readFrame()!;
    const rows = d.readRowBatch()!;
    while (d.read() !== null);
    expect(d.heldBytes).toBe(0);
    expect(f.typeCode).toBe('T');
    expect(rows.strings()).toEqual([['hello 0'], ['hello 1'], ['hello 2']]);
  });

  it('10 000 idle FrontendConnections after login hold no engine', () => {
    const login = Buffer.concat([
      new pg.AuthenticationOk().toWire(),
      new pg.ParameterStatus({ name: 'server_version', value: '18.4' }).toWire(),
      new pg.BackendKeyData({ processId: 42, secretKey: new Uint8Array(4) }).toWire(),
      new pg.ReadyForQuery({ status: 'I' }).toWire(),
    ]);
    const lentBefore = enginePoolStats().lent;
    const conns = unforced(() => Array.from({ length: 10_000 }, () => new pg.FrontendConnection({ engine })));
    let held = 0;
    for (const c of conns) {
      c.send(new pg.StartupMessage({ params: { user: 'u', database: 'd' } }));
      for (const _ of c.receive(login));
      held += c.heldBytes;
    }
    expect(conns.every((c) => c.phase === P.READY)).toBe(true);
    expect(held).toBe(0);
    expect(enginePoolStats().lent).toBe(lentBefore);
    expect(enginePoolStats().free).toBeLessThanOrEqual(32);
  }, 60_000);

  it('clear() gives the engine back too', () => {
    const d = backend(engine);
    d.feed(result(1).subarray(0, 20));
    d.clear();
    expect(d.heldBytes).toBe(0);
  });
});
