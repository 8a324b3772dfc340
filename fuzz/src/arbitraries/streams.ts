/**
 * Byte streams: valid runs of messages as one side sends them, raw frames,
 * the chunkings a socket may cut a stream into, and malformed streams —
 * valid ones mutated the ways a broken or hostile peer would (bad lengths,
 * truncations, bit flips, splices, wrong type bytes, huge counts).
 *
 *   stream({ side })   { side, phase, messages, bytes, frames } — standard frames, read in READY
 *   rawFrame()         one frame with any type byte and payload
 *   startupPacket()    one startup packet, any request code, length now and then wrong
 *   chunking()         how a socket delivers bytes: whole, byte by byte, or random cuts
 *   malformed()        { side, phase, bytes, mutation } — a stream with a mutation applied
 */
import fc from 'fast-check';
import type { ConnectionPhase, PgMessage } from 'pgcodec';
import { defaultPg, type Pg } from '../pg.js';
import { messageInput, PHASE_FRAMED, type Side } from './messages.js';


/** A valid stream: messages, their bytes, and where each frame starts. */
export interface Stream {
  side: Side;
  phase: ConnectionPhase;
  messages: PgMessage[];
  bytes: Uint8Array;
  /** Offset of each message's type byte in `bytes`. */
  frames: number[];
}

/** Joins byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface StreamOptions {
  pg?: Pg;
  /** Whose messages (default: either). */
  side?: Side;
  /** Most messages (default 12). */
  maxMessages?: number;
  /** Give DataRows a large share, as result sets have (default true for the backend). */
  rows?: boolean;
}

/** A valid stream of standard frames from one side, readable by that side's decoder in phase READY. */
export function stream(opts: StreamOptions = {}): fc.Arbitrary<Stream> {
  const pg = opts.pg ?? defaultPg;
  const side = opts.side === undefined ? fc.constantFrom<Side>('frontend', 'backend') : fc.constant(opts.side);
  const byside = (s: Side) => {
    const any = messageInput({ pg, side: s }).filter((m) => !PHASE_FRAMED.has(m.type));
    if (s !== 'backend' || opts.rows === false) return any;
    return fc.oneof({ weight: 2, arbitrary: any }, { weight: 3, arbitrary: messageInput({ pg, side: s, types: ['DataRow'] }) });
  };
  const one = { frontend: byside('frontend'), backend: byside('backend') };
  return side.chain((s) => {
    return fc.array(one[s], { minLength: 1, maxLength: opts.maxMessages ?? 12 }).map((inputs): Stream => {
      const messages = inputs.map((m) => m.make());
      const wires = messages.map((m) => m.toWire());
      const frames: number[] = [];
      wires.reduce((at, w) => (frames.push(at), at + w.length), 0);
      return { side: s, phase: pg.ConnectionPhase.READY, messages, bytes: concat(wires), frames };
    });
  });
}

/** One frame with any type byte and payload, its length field right or (now and then) wrong. */
export function rawFrame(): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      type: fc.integer({ min: 0, max: 255 }),
      payload: fc.uint8Array({ maxLength: 64 }),
      length: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 0x7fffffff }) }),
    })
    .map(({ type, payload, length }) => {
      const f = new Uint8Array(5 + payload.length);
      f[0] = type;
      new DataView(f.buffer).setInt32(1, length ?? payload.length + 4);
      f.set(payload, 5);
      return f;
    });
}

/**
 * One startup packet, as a client sends it before any typed message:
 *
 *   Int32 length (itself included) | Int32 request code | payload
 *
 * The code is a known one (3.0, 3.2, a future minor, SSL, GSSENC, cancel) or
 * any; the payload parameters, a cancel key, or random bytes; the length
 * right or (now and then) wrong.
 */
export function startupPacket(opts: { pg?: Pg } = {}): fc.Arbitrary<Uint8Array> {
  const pg = opts.pg ?? defaultPg;
  const R = pg.StartupRequestCode;
  const code = fc.oneof(fc.constantFrom<number>(R.V3_0, R.V3_2, pg.protocolVersion(3, 9), pg.protocolVersion(2, 0), R.SSL_REQUEST, R.GSSENC_REQUEST, R.CANCEL_REQUEST), fc.integer());
  const text = fc.string({ maxLength: 10 }).map((t) => new TextEncoder().encode(t.replaceAll('\0', '') + '\0'));
  const payload = fc.oneof(
    fc.array(text, { maxLength: 6 }).map((p) => concat([...p, Uint8Array.of(0)])),
    fc.uint8Array({ minLength: 4, maxLength: 36 }),
    fc.uint8Array({ maxLength: 40 }),
  );
  const length = fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 20_000 }) });
  return fc.record({ code, payload, length }).map(({ code: c, payload: p, length: l }) => {
    const out = new Uint8Array(8 + p.length);
    const dv = new DataView(out.buffer);
    dv.setInt32(0, l ?? out.length);
    dv.setInt32(4, c);
    out.set(p, 8);
    return out;
  });
}

/** How a stream arrives: its pieces' sizes (cycled), printable for counterexamples. */
export interface Chunking {
  readonly sizes: readonly number[];
  split(bytes: Uint8Array): Uint8Array[];
}

/** A chunking from piece sizes (cycled); `[Infinity]`-like sizes give one piece. */
export function chunkingOf(sizes: readonly number[]): Chunking {
  return {
    sizes,
    split(bytes) {
      const out: Uint8Array[] = [];
      for (let at = 0, i = 0; at < bytes.length; i++) {
        const n = Math.max(1, sizes[i % sizes.length]!);
        out.push(bytes.subarray(at, at + n));
        at += n;
      }
      return out;
    },
    toString: () => `chunking(${sizes.join(',')})`,
  } as Chunking;
}

/** Ways a socket cuts a stream: whole, byte by byte, small or large random pieces, 64 KiB reads. */
export function chunking(): fc.Arbitrary<Chunking> {
  return fc
    .oneof(
      fc.constant([Number.MAX_SAFE_INTEGER]),
      fc.constant([1]),
      fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 }),
      fc.constant([65536]),
    )
    .map(chunkingOf);
}

/** A malformed stream and what was done to it. */
export interface Malformed {
  side: Side;
  phase: ConnectionPhase;
  bytes: Uint8Array;
  /** The mutation, for a readable counterexample. */
  mutation: string;
}

type Mutation = (s: Stream, pick: (n: number) => number) => { bytes: Uint8Array; mutation: string };

const mutations: Mutation[] = [
  (s, pick) => {
    const at = pick(s.bytes.length);
    return { bytes: s.bytes.slice(0, at), mutation: `truncated at ${at}` };
  },
  (s, pick) => {
    const b = s.bytes.slice();
    const at = pick(b.length);
    const bit = pick(8);
    b[at]! ^= 1 << bit;
    return { bytes: b, mutation: `bit ${bit} of byte ${at} flipped` };
  },
  (s, pick) => {
    const b = s.bytes.slice();
    const f = s.frames[pick(s.frames.length)]!;
    const lengths = [0, 1, 3, 4, 5, 0x3fffffff, 0x7fffffff, -1, 0x80000000, pick(1 << 20)];
    const len = lengths[pick(lengths.length)]!;
    if (f + 5 > b.length) return { bytes: b, mutation: `nothing (the frame at ${f} was cut away)` };
    new DataView(b.buffer).setUint32(f + 1, len >>> 0);
    return { bytes: b, mutation: `length of the frame at ${f} set to ${len}` };
  },
  (s, pick) => {
    const b = s.bytes.slice();
    const f = s.frames[pick(s.frames.length)]!;
    const type = pick(256);
    b[f] = type;
    return { bytes: b, mutation: `type byte at ${f} set to 0x${type.toString(16)}` };
  },
  (s, pick) => {
    const b = s.bytes.slice();
    const f = s.frames[pick(s.frames.length)]!;
    if (b.length >= f + 7) {
      b[f + 5] = 0xff;
      b[f + 6] = 0xff;
    }
    return { bytes: b, mutation: `Int16 after the header of the frame at ${f} set to 65535` };
  },
  (s, pick) => {
    const at = pick(s.bytes.length + 1);
    const junk = Uint8Array.from({ length: 1 + pick(16) }, () => pick(256));
    return { bytes: concat([s.bytes.subarray(0, at), junk, s.bytes.subarray(at)]), mutation: `${junk.length} random bytes spliced in at ${at}` };
  },
  (s, pick) => {
    const a = pick(s.bytes.length + 1);
    const b = pick(s.bytes.length + 1);
    const [lo, hi] = a < b ? [a, b] : [b, a];
    return { bytes: concat([s.bytes.subarray(0, lo), s.bytes.subarray(hi)]), mutation: `bytes ${lo}..${hi} cut out` };
  },
];

/** How many kinds of mutation there are (`mutate`'s `ops` index them). */
export const MUTATIONS = 7;

/**
 * Applies mutations `ops` (0 … MUTATIONS-1) to bytes whose frames start at
 * `frames`, with `seed` choosing where: truncation, bit flip, bad length,
 * wrong type byte, Int16 count 65535, random bytes spliced in, a range cut out.
 */
export function mutate(s: Pick<Stream, 'bytes' | 'frames'>, ops: readonly number[], seed: readonly number[]): { bytes: Uint8Array; mutation: string } {
  let i = 0;
  const pick = (n: number) => (n <= 0 ? 0 : seed[i++ % seed.length]! % n);
  let cur = { ...s } as Stream;
  const done: string[] = [];
  for (const op of ops) {
    const r = mutations[op % mutations.length]!(cur, pick);
    done.push(r.mutation);
    cur = { ...cur, bytes: r.bytes };
  }
  return { bytes: cur.bytes, mutation: done.join('; ') };
}

/** Valid streams with one to three mutations applied. */
export function malformed(opts: StreamOptions = {}): fc.Arbitrary<Malformed> {
  return fc
    .record({ s: stream(opts), ops: fc.array(fc.nat({ max: MUTATIONS - 1 }), { minLength: 1, maxLength: 3 }), seed: fc.array(fc.nat(), { minLength: 32, maxLength: 32 }) })
    .map(({ s, ops, seed }) => ({ side: s.side, phase: s.phase, ...mutate(s, ops, seed) }));
}
