/**
 * The memory: init lays the regions out once (the layout the exports
 * report), the memory never grows after it, tables hold a full window at
 * any capacity, init's errors, arguments outside the input region.
 */
import { describe, expect, it } from 'vitest';
import { Status } from '../../pgcodec/src/engine/status.js';
import { INIT, MAX_CAPACITY, MIN_CAPACITY, instantiateScan, layoutFor, scanViews, type ScanExports } from '../src/exports.js';
import { BUILDS, WINDOW, cat, dataRow, diffAll, frame, makePair, prng, randomStream, wasmBytes, withMaximumPages, ascii, int } from './support.js';

/** An instance on which init has not run yet. */
function fresh(bytes: Uint8Array): ScanExports {
  const env = {
    abort(): never {
      throw new Error('wasm scan: abort');
    },
  };
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env }).exports as unknown as ScanExports;
}

function reported(x: ScanExports) {
  return {
    input: x.inputPtr(),
    inputCapacity: x.inputCapacity(),
    frames: x.framesPtr(),
    frameCapacity: x.frameCapacity(),
    columns: x.columnsPtr(),
    columnCapacity: x.columnCapacity(),
    flags: x.flagsPtr(),
    memoryBytes: x.memory.buffer.byteLength,
  };
}

const EMPTY = { input: 0, inputCapacity: 0, frames: 0, frameCapacity: 0, columns: 0, columnCapacity: 0, flags: 0 };

/** Every scan of an instance without regions finds nothing (status OK, no frames, consumed = max(start, 0)). */
function expectEmptyScans(x: ScanExports): void {
  for (const d of [0, 1, 2]) {
    expect(x.scan(0, WINDOW, 1 << 30, d)).toBe(Status.OK);
    expect([x.status(), x.frameCount(), x.columnCount(), x.consumed(), x.errorOffset(), x.errorFrame()]).toEqual([0, 0, 0, 0, -1, -1]);
  }
  expect(x.scan(-5, 100, 1 << 30, 2)).toBe(Status.OK);
  expect(x.consumed()).toBe(0);
  expect(x.scan(40, 100, 1 << 30, 2)).toBe(Status.OK);
  expect([x.frameCount(), x.consumed()]).toEqual([0, 40]);
}

describe.each(BUILDS)('%s build', (build) => {
  it('exports exactly the documented functions; release imports nothing, debug only env.abort', () => {
    const m = new WebAssembly.Module(wasmBytes(build) as Uint8Array<ArrayBuffer>);
    const names = WebAssembly.Module.exports(m).map((e) => `${e.name}:${e.kind}`).sort();
    expect(names).toEqual(
      [
        'memory:memory',
        ...['init', 'scan', 'highBitsIn', 'inputPtr', 'inputCapacity', 'framesPtr', 'frameCapacity', 'columnsPtr', 'columnCapacity', 'flagsPtr', 'resultsPtr', 'heapBase']
          .concat(['status', 'frameCount', 'columnCount', 'consumed', 'errorOffset', 'errorFrame'])
          .map((n) => `${n}:function`),
      ].sort(),
    );
    const imports = WebAssembly.Module.imports(m).map((i) => `${i.module}.${i.name}`);
    expect(imports).toEqual(build === 'release' ? [] : imports.length ? ['env.abort'] : []);
    if (build === 'release') expect(() => new WebAssembly.Instance(m, {})).not.toThrow();
  });

  it('before init: only the static data (with the results region), no regions, scans find nothing', () => {
    const x = fresh(wasmBytes(build));
    // As small as the static data needs.
    expect(x.memory.buffer.byteLength).toBe(Math.max(1, Math.ceil(x.heapBase() / 65536)) * 65536);
    expect(x.resultsPtr() + 32).toBeLessThanOrEqual(x.heapBase());
    expect(x.resultsPtr() % 16).toBe(0);
    expect(reported(x)).toMatchObject(EMPTY);
    const size = x.memory.buffer.byteLength;
    expectEmptyScans(x);
    expect(x.memory.buffer.byteLength).toBe(size);
  });

  it.each([MIN_CAPACITY, MIN_CAPACITY + 1, 100000, 262144, 1000003, WINDOW, 4 * WINDOW])(
    'init(%i) lays out the documented regions without overlaps and grows the memory to fit them',
    (capacity) => {
      const x = fresh(wasmBytes(build));
      expect(x.init(capacity)).toBe(INIT.OK);
      const want = layoutFor(capacity, x.heapBase());
      expect(reported(x)).toEqual(want);
      expect(x.inputCapacity()).toBe(Math.ceil(capacity / 64) * 64);
      expect(x.inputCapacity() % 64).toBe(0);
      expect(x.frameCapacity()).toBe(Math.floor(x.inputCapacity() / 5));
      expect(x.columnCapacity()).toBe(x.inputCapacity() / 4);
      // static data (with the results) < input < guard (≥ 16 bytes) < frames < columns < flags ≤ end of memory
      expect(x.resultsPtr() + 32).toBeLessThanOrEqual(x.heapBase());
      expect(x.heapBase()).toBeLessThanOrEqual(x.inputPtr());
      expect(x.inputPtr() % 64).toBe(0);
      expect(x.inputPtr() + x.inputCapacity() + 16).toBeLessThanOrEqual(x.framesPtr());
      expect(x.framesPtr() + x.frameCapacity() * 16).toBeLessThanOrEqual(x.columnsPtr());
      expect(x.columnsPtr() + x.columnCapacity() * 8).toBeLessThanOrEqual(x.flagsPtr());
      expect(x.flagsPtr() + x.columnCapacity()).toBeLessThanOrEqual(x.memory.buffer.byteLength);
      for (const ptr of [x.inputPtr(), x.framesPtr(), x.columnsPtr(), x.flagsPtr()]) expect(ptr % 16).toBe(0);
      // Whole pages, no more than needed: about 6.45 × the capacity.
      expect(x.memory.buffer.byteLength - (x.flagsPtr() + x.columnCapacity())).toBeLessThan(65536);
      expect(x.memory.buffer.byteLength / x.inputCapacity()).toBeGreaterThan(6.4);
      expect(x.memory.buffer.byteLength / x.inputCapacity()).toBeLessThan(6.45 + 65536 / x.inputCapacity() + 0.01);
    },
  );

  it('init runs once only: a second call fails and changes nothing', () => {
    const x = fresh(wasmBytes(build));
    expect(x.init(262144)).toBe(INIT.OK);
    const before = reported(x);
    const buf = x.memory.buffer;
    for (const c of [262144, 65536, WINDOW, 0, 1 << 30]) expect(x.init(c)).toBe(INIT.ALREADY);
    expect(reported(x)).toEqual(before);
    expect(x.memory.buffer).toBe(buf);
    expect(() => instantiateScan(wasmBytes(build), 65536).init(65536)).not.toThrow();
    expect(instantiateScan(wasmBytes(build), 65536).init(65536)).toBe(INIT.ALREADY);
  });

  it('capacities below 64 KiB or above 256 MiB fail, and leave the instance without regions for good', () => {
    for (const bad of [MIN_CAPACITY - 1, 65000, 0, -1, -65536, MAX_CAPACITY + 1, 0x7fffffff, -0x80000000]) {
      const x = fresh(wasmBytes(build));
      const size = x.memory.buffer.byteLength;
      expect(x.init(bad)).toBe(INIT.BAD_CAPACITY);
      expect(reported(x)).toEqual({ ...EMPTY, memoryBytes: size });
      expectEmptyScans(x);
      // and init cannot be retried
      expect(x.init(MIN_CAPACITY)).toBe(INIT.ALREADY);
      expect(reported(x)).toEqual({ ...EMPTY, memoryBytes: size });
    }
    expect(() => instantiateScan(wasmBytes(build), MIN_CAPACITY - 1)).toThrow(/BAD_CAPACITY/);
    expect(() => instantiateScan(wasmBytes(build), MAX_CAPACITY + 1)).toThrow(/BAD_CAPACITY/);
  });

  it('the largest capacity, 256 MiB, lays out (memory ≈ 6.45 × 256 MiB)', { timeout: 60_000 }, () => {
    const x = fresh(wasmBytes(build));
    expect(x.init(MAX_CAPACITY)).toBe(INIT.OK);
    expect(reported(x)).toEqual(layoutFor(MAX_CAPACITY, x.heapBase()));
    const v = scanViews(x);
    v.input.set(frame('Z', ascii(1)), MAX_CAPACITY - 6);
    expect(x.scan(MAX_CAPACITY - 6, MAX_CAPACITY, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed()]).toEqual([1, MAX_CAPACITY]);
  });

  it('a failed memory.grow fails init and leaves the instance without regions', () => {
    // At most 8 pages: enough for 64 KiB (7 pages), not for 1 MiB (~104 pages).
    const small = withMaximumPages(wasmBytes(build), 8);
    const ok = fresh(small);
    expect(ok.init(MIN_CAPACITY)).toBe(INIT.OK);
    expect(ok.memory.buffer.byteLength).toBeLessThanOrEqual(8 * 65536);
    const x = fresh(small);
    const size = x.memory.buffer.byteLength;
    expect(x.init(WINDOW)).toBe(INIT.GROW_FAILED);
    expect(reported(x)).toEqual({ ...EMPTY, memoryBytes: size });
    expectEmptyScans(x);
    expect(x.init(MIN_CAPACITY)).toBe(INIT.ALREADY);
    expect(() => instantiateScan(small, WINDOW)).toThrow(/GROW_FAILED/);
  });

  it.each([MIN_CAPACITY, WINDOW])('after init(%i) the memory never changes: scans keep its buffer and size', (capacity) => {
    const p = makePair(build, capacity);
    const buf = p.x.memory.buffer;
    const size = buf.byteLength;
    const rng = prng(77);
    for (let i = 0; i < 300; i++) {
      const s = randomStream(rng);
      if (s.length > capacity) continue;
      diffAll(p, s, int(rng, 0, capacity - s.length));
      expect(p.x.memory.buffer).toBe(buf);
      expect(p.x.memory.buffer.byteLength).toBe(size);
    }
    // A full window of the largest frames too.
    p.v.input.fill(0x41);
    p.v.input.set(frame('T', ascii(capacity - 5)), 0);
    for (const d of [0, 1, 2]) expect(p.x.scan(0, capacity, 1 << 30, d)).toBe(Status.OK);
    expect(p.x.consumed()).toBe(capacity);
    expect(p.x.memory.buffer).toBe(buf);
    expect(p.x.memory.buffer.byteLength).toBe(size);
  });

  it.each([MIN_CAPACITY, MIN_CAPACITY + 3 * 64, 100000, WINDOW])('a full window of 5-byte frames fits the frame table (capacity %i)', (capacity) => {
    const p = makePair(build, capacity);
    const cap = p.x.inputCapacity();
    const n = Math.floor(cap / 5);
    expect(p.x.frameCapacity()).toBe(n);
    const one = frame('I', new Uint8Array(0));
    const s = new Uint8Array(cap);
    for (let o = 0; o + 5 <= s.length; o += 5) s.set(one, o);
    const r = diffAll(p, s, 0);
    for (const x of r) expect(x).toMatchObject({ status: Status.OK, frameCount: n, consumed: n * 5 });
    expect(p.x.frameCount()).toBe(p.x.frameCapacity());
    expect(Array.from(p.v.frames.subarray((n - 1) * 4, n * 4))).toEqual([0x49, (n - 1) * 5 + 5, 0, -1]);
  });

  it.each([MIN_CAPACITY, WINDOW])('a full window of 7-byte empty DataRows and of 4-byte NULLs (capacity %i)', (capacity) => {
    const p = makePair(build, capacity);
    const row = dataRow([]);
    const s = new Uint8Array(capacity);
    let o = 0;
    for (; o + 7 <= s.length; o += 7) s.set(row, o);
    const r = diffAll(p, s, 0);
    expect(r[2]).toMatchObject({ status: Status.OK, frameCount: Math.floor(capacity / 7), columnCount: 0 });
    // Rows of NULLs filling the window: (capacity - 7) / 4 values a row at most, and at most 65535.
    const perRow = Math.min(65535, Math.floor((capacity - 7) / 4));
    const nulls = dataRow(new Array(perRow).fill(null));
    const rows = Math.floor(capacity / nulls.length);
    const t = cat(...new Array(rows + 1).fill(nulls)).subarray(0, capacity);
    const r2 = diffAll(p, t, 0);
    expect(r2[2]).toMatchObject({ status: Status.OK, frameCount: rows, columnCount: rows * perRow });
    expect(r2[2]!.columnCount).toBeLessThanOrEqual(p.x.columnCapacity());
  });

  it.each([MIN_CAPACITY, WINDOW])('arguments outside the input region are clamped to it (capacity %i)', (capacity) => {
    const x = instantiateScan(wasmBytes(build), capacity);
    const v = scanViews(x);
    v.input.fill(0);
    v.input.set(frame('T', ascii(3)), capacity - 8);
    expect(x.scan(capacity - 8, capacity + 4096, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed()]).toEqual([1, capacity]);
    expect(x.scan(-100, 0, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed()]).toEqual([0, 0]);
    expect(x.scan(500, 400, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed(), x.errorOffset(), x.errorFrame()]).toEqual([0, 500, -1, -1]);
    expect(x.scan(2e6, 3e6, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed()]).toEqual([0, 2e6]);
    expect(x.scan(0x7fffffff, -0x80000000, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed()]).toEqual([0, 0x7fffffff]);
  });

  // ~1 s idle: a budget for a loaded 2-core machine.
  it('2000 random streams at random offsets of a 64 KiB window', { timeout: 60_000 }, () => {
    const p = makePair(build, MIN_CAPACITY);
    const rng = prng(0x64 + (build === 'debug' ? 1 : 0));
    for (let i = 0; i < 2000; i++) {
      const s = randomStream(rng);
      if (s.length > MIN_CAPACITY) continue;
      diffAll(p, s, int(rng, 0, MIN_CAPACITY - s.length), rng() < 0.8 ? 1 << 30 : int(rng, -2, 400));
    }
  });
});
