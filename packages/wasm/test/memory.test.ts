/**
 * The fixed memory: the layout the exports report, a memory that never
 * grows, tables that hold a full window, arguments outside the input region.
 */
import { describe, expect, it } from 'vitest';
import { Status } from '../../pgcodec/src/engine/status.js';
import { LAYOUT, instantiateScan, scanViews } from '../src/exports.js';
import { BUILDS, cat, dataRow, diffAll, frame, makePair, prng, randomStream, wasmBytes, ascii, int } from './support.js';

describe.each(BUILDS)('%s build', (build) => {
  it('exports exactly the documented functions; release imports nothing, debug only env.abort', () => {
    const m = new WebAssembly.Module(wasmBytes(build) as Uint8Array<ArrayBuffer>);
    const names = WebAssembly.Module.exports(m).map((e) => `${e.name}:${e.kind}`).sort();
    expect(names).toEqual(
      [
        'memory:memory',
        ...['scan', 'inputPtr', 'inputCapacity', 'framesPtr', 'frameCapacity', 'columnsPtr', 'columnCapacity', 'flagsPtr', 'resultsPtr', 'heapBase']
          .concat(['status', 'frameCount', 'columnCount', 'consumed', 'errorOffset', 'errorFrame'])
          .map((n) => `${n}:function`),
      ].sort(),
    );
    const imports = WebAssembly.Module.imports(m).map((i) => `${i.module}.${i.name}`);
    expect(imports).toEqual(build === 'release' ? [] : imports.length ? ['env.abort'] : []);
    if (build === 'release') expect(() => new WebAssembly.Instance(m, {})).not.toThrow();
  });

  it('reports the documented layout, and its regions do not overlap', () => {
    const x = instantiateScan(wasmBytes(build));
    expect({
      results: x.resultsPtr(),
      input: x.inputPtr(),
      inputCapacity: x.inputCapacity(),
      frames: x.framesPtr(),
      frameCapacity: x.frameCapacity(),
      columns: x.columnsPtr(),
      columnCapacity: x.columnCapacity(),
      flags: x.flagsPtr(),
      memoryBytes: x.memory.buffer.byteLength,
    }).toEqual(LAYOUT);
    expect(x.inputCapacity()).toBe(1048576);
    expect(x.frameCapacity()).toBe(Math.floor(x.inputCapacity() / 5));
    expect(x.columnCapacity()).toBe(Math.floor(x.inputCapacity() / 4));
    // results < input < guard (≥ 16 bytes) < frames < columns < flags < static data < end of memory
    expect(x.resultsPtr() + 32).toBeLessThanOrEqual(x.inputPtr());
    expect(x.inputPtr() + x.inputCapacity() + 16).toBeLessThanOrEqual(x.framesPtr());
    expect(x.framesPtr() + x.frameCapacity() * 16).toBeLessThanOrEqual(x.columnsPtr());
    expect(x.columnsPtr() + x.columnCapacity() * 8).toBeLessThanOrEqual(x.flagsPtr());
    expect(x.flagsPtr() + x.columnCapacity()).toBeLessThanOrEqual(x.heapBase());
    expect(x.heapBase()).toBeLessThanOrEqual(x.memory.buffer.byteLength);
    for (const ptr of [x.inputPtr(), x.framesPtr(), x.columnsPtr(), x.flagsPtr()]) expect(ptr % 16).toBe(0);
  });

  it('the memory is fixed: it cannot grow, and scans never change its size', () => {
    const p = makePair(build);
    const buf = p.x.memory.buffer;
    const size = buf.byteLength;
    expect(() => p.x.memory.grow(1)).toThrow();
    const rng = prng(77);
    for (let i = 0; i < 300; i++) {
      const s = randomStream(rng);
      diffAll(p, s, int(rng, 0, 1048576 - s.length));
      expect(p.x.memory.buffer).toBe(buf);
      expect(p.x.memory.buffer.byteLength).toBe(size);
    }
    // A full window of the largest frames too.
    p.v.input.fill(0x41);
    p.v.input.set(frame('T', ascii(1048576 - 5)), 0);
    for (const d of [0, 1, 2]) expect(p.x.scan(0, 1048576, 1 << 30, d)).toBe(Status.OK);
    expect(p.x.memory.buffer.byteLength).toBe(size);
  });

  it('a full 1 MiB window of 5-byte frames fits the frame table', () => {
    const p = makePair(build);
    const one = frame('I', new Uint8Array(0));
    const s = new Uint8Array(1048576);
    for (let o = 0; o + 5 <= s.length; o += 5) s.set(one, o);
    const r = diffAll(p, s, 0);
    for (const x of r) expect(x).toMatchObject({ status: Status.OK, frameCount: 209715, consumed: 209715 * 5 });
    expect(p.x.frameCount()).toBe(p.x.frameCapacity());
    expect(Array.from(p.v.frames.subarray(209714 * 4, 209715 * 4))).toEqual([0x49, 209714 * 5 + 5, 0, -1]);
  });

  it('a full window of 7-byte empty DataRows and of 4-byte NULLs', () => {
    const p = makePair(build);
    const row = dataRow([]);
    const s = new Uint8Array(1048576);
    let o = 0;
    for (; o + 7 <= s.length; o += 7) s.set(row, o);
    const r = diffAll(p, s, 0);
    expect(r[2]).toMatchObject({ status: Status.OK, frameCount: Math.floor(1048576 / 7), columnCount: 0 });
    const nulls = dataRow(new Array(65535).fill(null));
    const t = cat(nulls, nulls, nulls, nulls).subarray(0, 1048576);
    const r2 = diffAll(p, t, 0);
    expect(r2[2]).toMatchObject({ status: Status.OK, frameCount: 3, columnCount: 3 * 65535 });
  });

  it('arguments outside the input region are clamped to it', () => {
    const x = instantiateScan(wasmBytes(build));
    const v = scanViews(x);
    v.input.fill(0);
    v.input.set(frame('T', ascii(3)), 1048576 - 8);
    expect(x.scan(1048576 - 8, 1048576 + 4096, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed()]).toEqual([1, 1048576]);
    expect(x.scan(-100, 0, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed()]).toEqual([0, 0]);
    expect(x.scan(500, 400, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed(), x.errorOffset(), x.errorFrame()]).toEqual([0, 500, -1, -1]);
    expect(x.scan(2e6, 3e6, 1 << 30, 2)).toBe(Status.OK);
    expect([x.frameCount(), x.consumed()]).toEqual([0, 2e6]);
  });
});
