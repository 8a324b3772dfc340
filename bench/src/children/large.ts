/**
 * Child of the large suite: one DataRow holding one value of each given
 * size, fed in 64 KiB reads to one contender. Every read after the first
 * holds the same bytes (the value is a pattern repeating every read), so
 * the reads of any size are views of two buffers made once, before timing:
 * a pass times the consumer alone at every size, and no stream sits in
 * memory whole.
 *   pgcodec-wasm / pgcodec-js  BackendMessageDecoder.read() the DataRow, bytes(0) its value
 *   pg-protocol                its Parser; the value arrives as a string (it has no binary mode);
 *                              a fresh copy of each read, as a socket hands them over (it keeps them)
 *   floor                      the least work that leaves the caller the value in memory of its own:
 *                              a fresh buffer of the value's size, each read's value bytes copied in
 * Per size: a first pass on a fresh decoder sampling memory after every read
 * (external memory — array buffers and WebAssembly memory — and RSS,
 * high-water over their level before it), then timed
 * passes on the same decoder (no forced GC between them); a timed sample
 * repeats passes for ≥ 10 ms.
 */
import { BackendMessageDecoder, ConnectionPhase, DataRow, type EngineName } from 'pgcodec';
import { Parser } from 'pg-protocol/dist/parser.js';
import { childArgs } from './run.ts';

export interface LargeArgs {
  contender: 'pgcodec-wasm' | 'pgcodec-js' | 'pg-protocol' | 'floor';
  sizes: number[];
  samples: number;
}

export interface LargeChildRow {
  size: number;
  nsPerByte: number;
  peakExternal: number;
  peakRss: number;
  skipped?: string;
}

const READ = 64 * 1024;
/** V8's longest string (2^29 - 24 one-byte characters). */
const MAX_STRING = 2 ** 29 - 24;

const PATTERN = Buffer.alloc(READ, 'The quick brown fox jumps over the lazy dog. ');
const HEAD = 11;

/** DataRow header for one value of `size` bytes: 'D' | Int32 length | Int16 1 | Int32 size. */
function rowHead(size: number): Buffer {
  const b = Buffer.alloc(HEAD);
  b[0] = 0x44;
  b.writeUInt32BE(4 + 2 + 4 + size, 1);
  b.writeUInt16BE(1, 5);
  b.writeUInt32BE(size, 7);
  return b;
}

/** Every read after the first: the value bytes from READ - HEAD on, which repeat every READ bytes. */
const MIDDLE = Buffer.concat([PATTERN.subarray(READ - HEAD), PATTERN.subarray(0, READ - HEAD)]);

/** The first read of each size: the header, then the value's first bytes. */
const firsts = new Map<number, Buffer>();

/** Calls `feed` with each 64 KiB read of the stream: views of buffers made once, or (`fresh`) a copy of each. */
function reads(size: number, fresh: boolean, feed: (b: Buffer) => void): void {
  const total = HEAD + size;
  let first = firsts.get(size);
  if (first === undefined) {
    first = Buffer.concat([rowHead(size), PATTERN.subarray(0, Math.min(READ, total) - HEAD)]);
    firsts.set(size, first);
  }
  feed(fresh ? Buffer.from(first) : first);
  for (let off = READ; off < total; off += READ) {
    const n = Math.min(READ, total - off);
    const r = n === READ ? MIDDLE : MIDDLE.subarray(0, n);
    feed(fresh ? Buffer.from(r) : r);
  }
}

interface Consumer {
  /** A pass: returns the value's length as seen. */
  pass(sample?: () => void): number;
}

function pgcodec(engine: EngineName, size: number): Consumer {
  const dec = new BackendMessageDecoder({ engine, phase: ConnectionPhase.READY });
  return {
    pass(sample) {
      let got = 0;
      reads(size, false, (r) => {
        dec.feed(r);
        for (let m = dec.read(); m !== null; m = dec.read()) if (m instanceof DataRow) got += m.bytes(0)!.length;
        sample?.();
      });
      return got;
    },
  };
}

/** The floor for an owned value: a fresh buffer of its size, each read's value bytes copied in. */
function floorCopy(size: number): Consumer {
  return {
    pass(sample) {
      const value = new Uint8Array(size);
      let at = 0;
      let skip = HEAD;
      reads(size, false, (r) => {
        const from = Math.min(skip, r.length);
        skip -= from;
        value.set(r.subarray(from), at);
        at += r.length - from;
        sample?.();
      });
      return at;
    },
  };
}

function pgProtocol(size: number): Consumer {
  return {
    pass(sample) {
      const parser = new Parser();
      let got = 0;
      const onMessage = (msg: { name: string; fields?: (string | null)[] }) => {
        if (msg.name === 'dataRow') got += msg.fields![0]!.length;
      };
      // pg-protocol keeps views of what it is fed: a fresh Buffer per read, as a socket gives
      reads(size, true, (r) => {
        parser.parse(r, onMessage as never);
        sample?.();
      });
      return got;
    },
  };
}

function measure(a: LargeArgs, size: number): LargeChildRow {
  if (a.contender === 'pg-protocol' && size > MAX_STRING) return { size, nsPerByte: 0, peakExternal: 0, peakRss: 0, skipped: 'longer than a JS string can be' };
  const c = a.contender === 'pg-protocol' ? pgProtocol(size) : a.contender === 'floor' ? floorCopy(size) : pgcodec(a.contender === 'pgcodec-js' ? 'js' : 'wasm', size);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage();
  let ext = 0;
  let rss = 0;
  const got = c.pass(() => {
    const m = process.memoryUsage();
    ext = Math.max(ext, m.external - base.external);
    rss = Math.max(rss, m.rss - base.rss);
  });
  if (got !== size) throw new Error(`${a.contender}: value of ${got} bytes, expected ${size}`);
  // Warm up after the memory pass (and its GC): the JIT, and a young generation grown back to its working size.
  const warm = process.hrtime.bigint();
  while (process.hrtime.bigint() - warm < 300_000_000n) c.pass();
  const times: number[] = [];
  for (let s = 0; s < a.samples; s++) {
    // No forced GC here: it shrinks the young generation, and the small sizes then pay scavenges that no real run sees.
    let passes = 0;
    const t0 = process.hrtime.bigint();
    let t1 = t0;
    do {
      c.pass();
      passes++;
      t1 = process.hrtime.bigint();
    } while (t1 - t0 < 10_000_000n);
    times.push(Number(t1 - t0) / passes);
  }
  times.sort((x, y) => x - y);
  return { size, nsPerByte: times[times.length >> 1]! / size, peakExternal: ext, peakRss: rss };
}

const a = childArgs<LargeArgs>();
const out = a.sizes.map((size) => measure(a, size));
process.stdout.write(`${JSON.stringify(out)}\n`);
