/** Helpers to run the same input through both engines, whatever PGCODEC_ENGINE says. */
import * as pg from '../../src/index.js';

/** Runs `fn` with the PGCODEC_ENGINE override lifted, so explicit engine options apply. */
export function unforced<T>(fn: () => T): T {
  const saved = process.env.PGCODEC_ENGINE;
  delete process.env.PGCODEC_ENGINE;
  try {
    return fn();
  } finally {
    if (saved !== undefined) process.env.PGCODEC_ENGINE = saved;
  }
}

export const ENGINES = ['wasm', 'js'] as const;

export function backend(engine: pg.EngineName, opts: pg.DecoderOptions = {}): pg.BackendMessageDecoder {
  return unforced(() => new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY, ...opts, engine }));
}

export function frontend(engine: pg.EngineName, opts: pg.DecoderOptions = {}): pg.FrontendMessageDecoder {
  return unforced(() => new pg.FrontendMessageDecoder({ phase: pg.ConnectionPhase.READY, ...opts, engine }));
}

/** What a pull produced, comparable across engines. */
export type Event =
  | { message: string; wire: string }
  | { frame: number; offset: number; bytes: string; decoded: string }
  | { batch: (string | null)[][]; rows: number; raw: (string | null)[] }
  | { error: string; code: string; offset: number; messageType: string | null };

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function errorEvent(e: unknown): Event {
  if (!(e instanceof pg.ProtocolError)) throw e;
  return { error: e.constructor.name, code: e.code, offset: e.offset, messageType: e.messageType };
}

/** Feeds `chunks` and records every message (mode 'messages'), frame ('frames') or batch-or-message ('batches'). */
export function transcript(
  d: pg.BackendMessageDecoder | pg.FrontendMessageDecoder,
  chunks: Uint8Array[],
  mode: 'messages' | 'frames' | 'batches',
): Event[] {
  const out: Event[] = [];
  try {
    for (const c of chunks) {
      d.feed(c);
      for (;;) {
        if (mode === 'frames') {
          const f = d.readFrame();
          if (f === null) break;
          out.push({ frame: f.type, offset: f.offset, bytes: hex(f.bytes), decoded: hex(f.decode().toWire()) });
          continue;
        }
        if (mode === 'batches' && d instanceof pg.BackendMessageDecoder) {
          const b = d.readRowBatch();
          if (b !== null) {
            const raw: (string | null)[] = [];
            for (let r = 0; r < b.rowCount; r++) for (const v of b.row(r)) raw.push(v === null ? null : hex(v));
            out.push({ batch: b.strings(), rows: b.rowCount, raw });
            continue;
          }
        }
        const m = d.read();
        if (m === null) break;
        out.push({ message: m.type, wire: hex(m.toWire()) });
      }
    }
  } catch (e) {
    out.push(errorEvent(e));
  }
  return out;
}

/** xorshift32: the same "random" numbers on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** The chunkings every differential test uses. */
export function chunkings(bytes: Uint8Array, seed: number): Record<string, Uint8Array[]> {
  const rand = rng(seed);
  const random: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rand() * 300);
    random.push(bytes.subarray(i, i + n));
    i += n;
  }
  const k64: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 65536) k64.push(bytes.subarray(i, i + 65536));
  return {
    whole: [bytes],
    bytes: bytes.length <= 20000 ? Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)) : [bytes],
    random,
    '64k': k64,
  };
}
