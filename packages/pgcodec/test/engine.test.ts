import { execFileSync } from 'node:child_process';
/**
 * The two engines (WebAssembly and the TypeScript reference) and the proxy
 * APIs built on their scan: raw frames, row batches, ownership. Every
 * differential case runs both engines on the same bytes at every chunking
 * and wants deep-equal messages, frames, batches and errors.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { byte, cat, frame, i16, i32, raw } from './support/bytes.js';
import { decoderFor, fixtures } from './support/fixtures.js';
import { ENGINES, backend, chunkings, frontend, rng, transcript, unforced } from './support/engines.js';

const P = pg.ConnectionPhase;

/** A result set: RowDescription, rows (NULLs, empty, non-ASCII, longer values), CommandComplete, ReadyForQuery. */
function resultSet(rows: number, seed = 1): Uint8Array {
  const rand = rng(seed);
  const parts: Uint8Array[] = [
    new pg.RowDescription({ fields: ['id', 'name', 'note'].map((name) => new pg.FieldDescription({ name, typeOid: 25 })) }).toWire(),
  ];
  for (let r = 0; r < rows; r++) {
    const note = rand() < 0.1 ? null : rand() < 0.1 ? 'ünïcødé ✓' : 'x'.repeat(Math.floor(rand() * 40));
    parts.push(new pg.DataRow({ columns: [String(r), r % 7 === 0 ? '' : `name-${r}`, note] }).toWire());
  }
  parts.push(new pg.CommandComplete({ tag: `SELECT ${rows}` }).toWire(), new pg.ReadyForQuery({ status: 'I' }).toWire());
  return cat(...parts);
}

describe('engine choice', () => {
  it('an explicit engine option is honoured', () => {
    expect(new pg.BackendMessageDecoder({ engine: 'js' }).engine).toBe('js');
    expect(new pg.BackendMessageDecoder({ engine: 'wasm' }).engine).toBe('wasm');
    expect(new pg.FrontendConnection({ engine: 'js' }).engine).toBe('js');
  });

  it('is WebAssembly by default; PGCODEC_ENGINE, read once at load, sets the default, and an explicit option still wins', () => {
    const script = "import('pgcodec').then((m) => console.log(new m.BackendMessageDecoder().engine, new m.FrontendConnection().engine, new m.BackendMessageDecoder({ engine: 'wasm' }).engine))";
    const run = (env: Record<string, string>) => {
      const { PGCODEC_ENGINE: _, ...rest } = process.env;
      return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...rest, ...env } }).trim();
    };
    expect(run({})).toBe('wasm wasm wasm');
    expect(run({ PGCODEC_ENGINE: 'js' })).toBe('js js wasm');
  });

  it('falls back to the TypeScript engine where WebAssembly is missing', () => {
    const saved = globalThis.WebAssembly;
    try {
      (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
      unforced(() => expect(new pg.BackendMessageDecoder().engine).toBe('js'));
    } finally {
      globalThis.WebAssembly = saved;
    }
  });

  it('init() compiles the module ahead (for browsers)', async () => {
    await pg.init();
    expect(new pg.BackendMessageDecoder({ engine: 'wasm' }).engine).toBe('wasm');
  });
});

describe.each(ENGINES)('frames (%s engine)', (engine) => {
  it('iterates raw frames: type, payload, whole bytes, decode on demand', () => {
    const d = backend(engine);
    const wire = resultSet(5);
    d.feed(wire);
    const seen: string[] = [];
    let at = 0;
    for (const f of d.frames()) {
      seen.push(f.typeCode);
      expect(Buffer.from(f.bytes).equals(Buffer.from(wire.subarray(at, at + f.bytes.length)))).toBe(true);
      expect(f.offset).toBe(at);
      expect(f.payload.length).toBe(f.length);
      expect(f.bytes.length).toBe(f.length + 5);
      if (f.typeCode === 'D') expect((f.decode() as pg.DataRow).columnCount).toBe(3);
      at += f.bytes.length;
    }
    expect(seen.join('')).toBe('TDDDDDCZ');
    expect(d.buffered).toBe(0);
  });

  it('frames() reuses one object; readFrame() gives one per frame', () => {
    const d = backend(engine);
    d.feed(resultSet(2));
    const a = d.readFrame()!;
    const b = d.readFrame()!;
    expect(a).not.toBe(b);
    expect([a.typeCode, b.typeCode]).toEqual(['T', 'D']);
    const objects = new Set([...d.frames()]);
    expect(objects.size).toBe(1);
  });

  it('a frame kept across a feed is detected; owned frames stay valid', () => {
    const d = backend(engine);
    d.feed(new pg.CommandComplete({ tag: 'A' }).toWire());
    const f = d.readFrame()!;
    d.feed(new pg.CommandComplete({ tag: 'B' }).toWire());
    expect(() => f.payload).toThrow(pg.StaleViewError);
    expect(() => f.decode()).toThrow(pg.StaleViewError);
    const o = backend(engine, { owned: true });
    o.feed(new pg.CommandComplete({ tag: 'A' }).toWire());
    const g = o.readFrame()!;
    o.feed(new pg.CommandComplete({ tag: 'B' }).toWire());
    expect((g.decode() as pg.CommandComplete).tag).toBe('A');
    expect(g.typeCode).toBe('C');
  });

  it('frames need standard framing', () => {
    const d = unforced(() => new pg.FrontendMessageDecoder({ engine }));
    d.feed(new pg.SSLRequest().toWire());
    expect(() => d.readFrame()).toThrow(expect.objectContaining({ code: pg.ErrorCode.INVALID_USE }));
  });

  it('a bad frame after good ones: the good ones come first, then the typed error', () => {
    const d = backend(engine);
    d.feed(cat(new pg.NoData().toWire(), byte('D'), i32(2)));
    expect(d.readFrame()!.typeCode).toBe('n');
    expect(() => d.readFrame()).toThrow(expect.objectContaining({ code: pg.ErrorCode.LENGTH_TOO_SMALL, offset: 6 }));
  });
});

describe.each(ENGINES)('frame batches (%s engine)', (engine) => {
  it('every complete frame as one indexed batch: types, lengths, views, decode', () => {
    const d = backend(engine);
    const wire = resultSet(4);
    d.feed(wire.subarray(0, wire.length - 3));
    const b = d.readFrames()!;
    expect(b.count).toBe(6); // T, 4 × D, C; the ReadyForQuery is incomplete
    expect(b.offset).toBe(0);
    expect(Array.from({ length: b.count }, (_, i) => String.fromCharCode(b.type(i))).join('')).toBe('TDDDDC');
    let at = 0;
    for (let i = 0; i < b.count; i++) {
      expect(Buffer.from(b.bytes(i)).equals(Buffer.from(wire.subarray(at, at + 5 + b.length(i))))).toBe(true);
      expect(b.payload(i).length).toBe(b.length(i));
      at += 5 + b.length(i);
    }
    expect(Buffer.from(b.allBytes).equals(Buffer.from(wire.subarray(0, at)))).toBe(true);
    expect((b.decode(5) as pg.CommandComplete).tag).toBe('SELECT 4');
    expect((b.decode(1) as pg.DataRow).text(0)).toBe('0');
    expect(() => b.bytes(6)).toThrow(RangeError);
    expect(d.readFrames()).toBeNull();
    d.feed(wire.subarray(wire.length - 3));
    expect(() => b.type(0)).toThrow(pg.StaleViewError);
    const z = d.readFrames(1)!;
    expect([z.count, String.fromCharCode(z.type(0)), z.offset]).toEqual([1, 'Z', at]);
  });

  it('stops before a frame of an unknown type; the next call raises it', () => {
    const d = backend(engine);
    d.feed(cat(new pg.NoData().toWire(), new pg.NoData().toWire(), frame('!')));
    expect(d.readFrames()!.count).toBe(2);
    expect(() => d.readFrames()).toThrow(expect.objectContaining({ code: pg.ErrorCode.UNKNOWN_MESSAGE_TYPE, offset: 10 }));
  });
});

describe.each(ENGINES)('row batches (%s engine)', (engine) => {
  it('a run of DataRows as one batch, with its RowDescription beside it', () => {
    const d = backend(engine);
    d.feed(resultSet(100));
    expect(d.readRowBatch()).toBeNull(); // RowDescription first
    const desc = d.read() as pg.RowDescription;
    const b = d.readRowBatch()!;
    expect(b.rowCount).toBe(100);
    expect(b.description).toBe(desc);
    expect(b.columnCount(0)).toBe(3);
    expect(b.text(3, 0)).toBe('3');
    expect(b.text(0, 1)).toBe('');
    expect(b.bytes(1, 1)).toEqual(new TextEncoder().encode('name-1'));
    const strings = b.strings();
    for (let r = 0; r < 100; r++) {
      expect(strings[r]).toEqual([b.text(r, 0), b.text(r, 1), b.text(r, 2)]);
      expect(b.row(r).map((v) => (v === null ? null : new TextDecoder().decode(v)))).toEqual(strings[r]);
      expect(b.isNull(r, 2)).toBe(strings[r]![2] === null);
    }
    expect(strings.some((r) => r[2] === 'ünïcødé ✓')).toBe(true);
    expect(() => b.bytes(0, 3)).toThrow(RangeError);
    expect(d.readRowBatch()).toBeNull();
    expect(d.read()).toBeInstanceOf(pg.CommandComplete);
  });

  it('maxRows splits a run; a partial row waits for its bytes', () => {
    const d = backend(engine);
    const wire = resultSet(10);
    const cut = wire.length - 30;
    d.feed(wire.subarray(0, cut));
    d.read();
    expect(d.readRowBatch(4)!.rowCount).toBe(4);
    const rest = d.readRowBatch()!;
    expect(rest.rowCount).toBeGreaterThan(0);
    expect(d.readRowBatch()).toBeNull();
    d.feed(wire.subarray(cut));
    const more = d.readRowBatch();
    const total = 4 + rest.rowCount + (more?.rowCount ?? 0);
    expect(total).toBe(10);
  });

  it('a batch kept across a feed is detected; an owned one stays valid', () => {
    const d = backend(engine);
    d.feed(resultSet(3));
    d.read();
    const b = d.readRowBatch()!;
    d.feed(new pg.NoData().toWire());
    expect(() => b.text(0, 0)).toThrow(pg.StaleViewError);
    expect(() => b.strings()).toThrow(pg.StaleViewError);
    const o = backend(engine, { owned: true });
    o.feed(resultSet(3));
    o.read();
    const ob = o.readRowBatch()!;
    o.feed(resultSet(3, 99));
    expect(ob.strings().map((r) => r[0])).toEqual(['0', '1', '2']);
    expect(ob.text(2, 1)).toBe('name-2');
  });

  it('DataRows from the ordinary iterator are built on the same tables', () => {
    const d = backend(engine);
    d.feed(resultSet(20));
    const rows = [...d].filter((m): m is pg.DataRow => m instanceof pg.DataRow);
    expect(rows.map((r) => r.text(0))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });
});

describe('differential: WebAssembly and TypeScript engines agree', () => {
  it.each(fixtures.filter((f) => f.message.typeCode !== null))('fixture $name, at every chunking', (f) => {
    for (const [name, chunks] of Object.entries(chunkings(cat(f.wire, f.wire), f.wire.length))) {
      const [w, j] = ENGINES.map((engine) => transcript(unforced(() => {
        const d = decoderFor(f, { engine });
        return d;
      }), chunks, 'messages'));
      expect(w, name).toEqual(j);
      expect(w!.length, name).toBe(2);
    }
  });

  it.each(['messages', 'frames', 'batches'] as const)('result sets in %s mode, at every chunking', (mode) => {
    const wire = cat(resultSet(300, 7), resultSet(50, 8));
    for (const [name, chunks] of Object.entries(chunkings(wire, 3))) {
      const [w, j] = ENGINES.map((engine) => transcript(backend(engine), chunks, mode));
      expect(w, `${mode}/${name}`).toEqual(j);
      expect(w!.some((e) => 'error' in e)).toBe(false);
    }
  });

  it('large values across the window: a 3 MiB row, then small ones', () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(0x61);
    big[1234] = 0xc3;
    big[1235] = 0xa9;
    const wire = cat(new pg.DataRow({ columns: [big, 'small'] }).toWire(), resultSet(20));
    for (const chunks of [[wire], chunkings(wire, 5)['64k']!]) {
      const [w, j] = ENGINES.map((engine) => transcript(backend(engine), chunks, 'batches'));
      expect(w).toEqual(j);
      expect((w![0] as { rows: number }).rows).toBe(1);
    }
  });

  // ~2 s idle: a budget for a loaded 2-core machine.
  it('thousands of corrupted streams: identical messages, batches and errors', { timeout: 60_000 }, () => {
    const rand = rng(42);
    const good = resultSet(12, 3);
    for (let round = 0; round < 1500; round++) {
      const b = good.slice();
      const hits = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < hits; k++) b[Math.floor(rand() * b.length)] = rand() < 0.5 ? 0xff : Math.floor(rand() * 256);
      const chunks = rand() < 0.5 ? [b] : chunkings(b, round).random!;
      const mode = (['messages', 'frames', 'batches'] as const)[round % 3]!;
      const [w, j] = ENGINES.map((engine) => transcript(backend(engine), chunks, mode));
      expect(w).toEqual(j);
    }
  });

  it('frontend traffic: pipelined extended queries and COPY data', () => {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      parts.push(new pg.Parse({ query: `SELECT $1::int + ${i}` }).toWire(), new pg.Bind({ paramValues: [String(i)] }).toWire());
      parts.push(new pg.Describe({ kind: 'P' }).toWire(), new pg.Execute().toWire(), new pg.Sync().toWire());
      parts.push(new pg.CopyData({ data: `${i}\trow\n` }).toWire());
    }
    const wire = cat(...parts);
    for (const [name, chunks] of Object.entries(chunkings(wire, 11))) {
      for (const mode of ['messages', 'frames'] as const) {
        const [w, j] = ENGINES.map((engine) => transcript(frontend(engine), chunks, mode));
        expect(w, `${mode}/${name}`).toEqual(j);
        expect(w!.length).toBe(1200);
      }
    }
  });

  it('named malformed DataRows raise the same code and offset in both engines', () => {
    const cases = [
      frame('D', i16(3), i32(-1), i32(-1)),
      frame('D', i16(1), i32(10), raw('abc')),
      frame('D', i16(1), i32(-2)),
      frame('D', i16(1), i32(-1), [0]),
      frame('D', [0]),
      frame('D', i16(2), i32(-1), [0, 0]),
    ];
    for (const wire of cases) {
      const [w, j] = ENGINES.map((engine) => transcript(backend(engine), [cat(new pg.NoData().toWire(), wire)], 'messages'));
      expect(w).toEqual(j);
      expect(w![1]).toHaveProperty('error', 'DecodingError');
    }
  });
});

describe('memory', () => {
  it('the WebAssembly window never grows; a frame larger than it goes to the TypeScript engine in place', () => {
    const d = backend('wasm');
    const big = new Uint8Array(5 * 1024 * 1024).fill(0x62);
    const wire = cat(new pg.CopyData({ data: big }).toWire(), new pg.NoData().toWire());
    for (let i = 0; i < wire.length; i += 65536) d.feed(wire.subarray(i, i + 65536));
    const m = d.read() as pg.CopyData;
    expect(m.data.length).toBe(big.length);
    expect(d.read()).toBeInstanceOf(pg.NoData);
    // back in the window afterwards
    d.feed(new pg.NoData().toWire());
    expect(d.read()).toBeInstanceOf(pg.NoData);
  });

  it('peak memory on values of several MiB is bounded by the largest frame', () => {
    for (const engine of ENGINES) {
      const d = backend(engine);
      const sizes = [3, 1, 4, 2].map((m) => m * 1024 * 1024 + 17);
      const wire = cat(...sizes.map((n) => new pg.DataRow({ columns: ['1', new Uint8Array(n).fill(0x41)] }).toWire()));
      let peak = 0;
      let rows = 0;
      for (let i = 0; i < wire.length; i += 65536) {
        d.feed(wire.subarray(i, i + 65536));
        peak = Math.max(peak, d.bufferCapacity);
        for (let b = d.readRowBatch(); b !== null; b = d.readRowBatch()) rows += b.rowCount;
      }
      expect(rows).toBe(4);
      const largest = Math.max(...sizes) + 5 + 2 + 8 + 1;
      // doubling growth: at most about twice the largest frame, whatever the total
      expect(peak).toBeLessThanOrEqual(2 * (largest + 65536));
      expect(peak).toBeGreaterThanOrEqual(largest);
    }
  });

  it('a lying length field allocates nothing: only bytes received are buffered', () => {
    for (const engine of ENGINES) {
      const d = backend(engine);
      d.feed(cat(byte('d'), i32(0x3ffffff0)));
      d.feed(new Uint8Array(1000));
      expect(d.read()).toBeNull();
      expect(d.bytesCopied).toBeLessThan(4096);
    }
  });

  it('phase changes between messages of one chunk still reframe (SSL answer, then standard frames)', () => {
    for (const engine of ENGINES) {
      const d = unforced(() => new pg.BackendMessageDecoder({ engine, phase: P.SSL_NEGOTIATION }));
      d.feed(cat(Uint8Array.of(0x4e), new pg.AuthenticationOk().toWire()));
      expect(d.read()).toBeInstanceOf(pg.SSLResponse);
      d.phase = P.AUTHENTICATING;
      expect(d.read()).toBeInstanceOf(pg.AuthenticationOk);
    }
  });
});

describe('window size', () => {
  const KiB = 1024;
  /** The decoder's WebAssembly memory, through its socket reader (its buffer is the window while it holds the bytes). */
  const memoryBytes = (d: pg.BackendMessageDecoder): number => d.socketReader(() => {}).buffer().buffer.byteLength;

  it('a decoder with a 64 KiB window decodes frames larger than it and many small ones as the TypeScript engine does', () => {
    const value = (n: number, fill: number) => {
      const b = new Uint8Array(n).fill(fill);
      b[n >> 1] = 0xc3;
      b[(n >> 1) + 1] = 0xa9;
      return b;
    };
    const wire = cat(
      resultSet(400, 11),
      new pg.DataRow({ columns: [value(100 * KiB, 0x61), 'small', null] }).toWire(),
      resultSet(300, 12),
      new pg.CopyData({ data: value(200 * KiB, 0x62) }).toWire(),
      // frames of exactly the window and one byte more
      new pg.CopyData({ data: value(64 * KiB - 5, 0x63) }).toWire(),
      new pg.CopyData({ data: value(64 * KiB - 4, 0x64) }).toWire(),
      new pg.DataRow({ columns: [value(64 * KiB - 11, 0x65)] }).toWire(),
      resultSet(200, 13),
      new pg.DataRow({ columns: Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? null : `v${i}`)) }).toWire(),
      resultSet(50, 14),
    );
    const small = () => backend('wasm', { windowSize: 64 * KiB });
    expect(small().engine).toBe('wasm');
    for (const mode of ['messages', 'frames', 'batches'] as const) {
      for (const [name, chunks] of Object.entries(chunkings(wire, 17))) {
        const w = transcript(small(), chunks, mode);
        const j = transcript(backend('js'), chunks, mode);
        expect(w, `${mode}/${name}`).toEqual(j);
        expect(w.some((e) => 'error' in e)).toBe(false);
      }
    }
  });

  it('memory per decoder is about 6.45 × windowSize, in whole pages (default 256 KiB)', () => {
    for (const [windowSize, opts] of [
      [64 * KiB, { windowSize: 64 * KiB }],
      [256 * KiB, {}],
      [256 * KiB, { windowSize: 256 * KiB }],
      [1024 * KiB, { windowSize: 1024 * KiB }],
    ] as const) {
      const bytes = memoryBytes(backend('wasm', opts));
      expect(bytes % 65536).toBe(0);
      expect(bytes).toBeGreaterThanOrEqual(6.45 * windowSize);
      expect(bytes).toBeLessThan(6.45 * windowSize + 65536 + 4096);
    }
    expect(memoryBytes(backend('wasm', { windowSize: 64 * KiB }))).toBeLessThan(memoryBytes(backend('wasm', {})));
  });

  it('a window outside 64 KiB to 256 MiB is a RangeError, whichever engine', () => {
    for (const engine of ENGINES) {
      for (const windowSize of [0, 64 * KiB - 1, 256 * 1024 * KiB + 1, 100000.5, Number.NaN]) {
        expect(() => backend(engine, { windowSize })).toThrow(RangeError);
      }
      expect(() => backend(engine, { windowSize: 100000 })).not.toThrow();
    }
  });
});
