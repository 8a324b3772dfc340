/**
 * Invariant — robustness: any byte sequence, fed in any chunks to either
 * side's decoder in any phase, yields messages and then at most a
 * `ProtocolError` subclass — nothing else is thrown; the decoder stays
 * failed (every later pull or feed throws a ProtocolError); every pull consumes bytes (at most
 * one result per byte: no step without progress); and the buffer never
 * grows past twice the bytes actually received (or its 64 KiB minimum),
 * whatever lengths the headers announce.
 */
import fc from 'fast-check';
import type { ConnectionPhase, ProtocolError } from 'pgcodec';
import { chunking, concat, malformed, rawFrame, startupPacket } from '../arbitraries/streams.js';
import type { Side } from '../arbitraries/messages.js';
import type { Pg } from '../pg.js';
import { sawError } from '../observed.js';
import type { FuzzProperty } from './property.js';
import { decoderFor, standardFraming, type Decoder, type StreamCase } from './support.js';

/** The smallest heap buffer a decoder allocates (stream-buffer.ts MIN_CAPACITY): a constant, not driven by the peer. */
const MIN_HEAP_BUFFER = 64 * 1024;

/** How robustness pulls. */
export type Pull = 'read' | 'frame' | 'frames' | 'rows';

function pullOnce(d: Decoder, how: Pull): boolean {
  if (how === 'rows' && 'readRowBatch' in d && d.readRowBatch() !== null) return true;
  if (how === 'frame') return d.readFrame() !== null;
  if (how === 'frames') return d.readFrames() !== null;
  return d.read() !== null;
}

/** Throws unless `c` pulled by `how` meets the invariant. */
export function checkRobustness(pg: Pg, c: StreamCase, how: Pull): void {
  const d = decoderFor(pg, c);
  // Frames and row batches are for standard framing; elsewhere they refuse to run at all, with a typed usage error.
  if (!standardFraming(pg, c) && how !== 'read') {
    let refused = false;
    try {
      d.readFrame();
    } catch (e) {
      sawError(pg, e);
      if (!(e instanceof pg.PgcodecError) || e.code !== pg.ErrorCode.INVALID_USE) throw e;
      refused = true;
    }
    if (!refused) throw new Error(`readFrame() in phase ${c.phase} did not refuse`);
    how = 'read';
  }
  // The window is fixed memory lent from the engine pool; what grows beyond it must follow the bytes received.
  const start = Math.max(d.bufferCapacity, d.windowSize);
  let fed = 0;
  let results = 0;
  let chunks = 0;
  let failure: ProtocolError | null = null;
  try {
    for (const piece of c.cut.split(c.bytes)) {
      d.feed(piece);
      fed += piece.length;
      chunks++;
      if (d.bufferCapacity > Math.max(start, MIN_HEAP_BUFFER, 2 * fed)) throw new Error(`a buffer of ${d.bufferCapacity} bytes after ${fed} bytes received`);
      while (pullOnce(d, how)) {
        if (++results > fed + chunks) throw new Error(`${results} results from ${fed} bytes: a pull made no progress`);
      }
    }
  } catch (e) {
    if (!(e instanceof pg.ProtocolError)) throw e;
    sawError(pg, e);
    failure = e;
  }
  if (failure === null) return;
  for (const again of [() => d.read(), () => d.feed(Uint8Array.of(0)), ...(how === 'read' ? [] : [() => d.readFrame()])]) {
    try {
      again();
    } catch (e) {
      sawError(pg, e);
      if (e instanceof pg.ProtocolError) continue;
      throw e;
    }
    throw new Error(`the decoder went on after ${failure.message}`);
  }
}

export const robustness: FuzzProperty = {
  name: 'robustness',
  invariant: 'any bytes in any phase yield messages or a ProtocolError subclass, in bounded steps and memory',
  weight: 2,
  property(pg) {
    const phases = Object.values(pg.ConnectionPhase) as ConnectionPhase[];
    const where = fc.record({
      side: fc.constantFrom<Side>('frontend', 'backend'),
      phase: fc.constantFrom(...phases),
      gss: fc.boolean(),
      engine: fc.constantFrom<'wasm' | 'js'>('wasm', 'js'),
    });
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 256 }),
      fc.array(rawFrame(), { maxLength: 8 }).map(concat),
      malformed({ pg }).map((m) => m.bytes),
    );
    const anywhere = fc.tuple(where, bytes).map(([w, b]) => ({ ...w, bytes: b }));
    // Startup packets where a server reads them: random bytes seldom make a length between 8 and 10000.
    const startup = fc
      .tuple(fc.array(startupPacket({ pg }), { minLength: 1, maxLength: 3 }), fc.constantFrom<'wasm' | 'js'>('wasm', 'js'))
      .map(([packets, engine]) => ({ side: 'frontend' as Side, phase: pg.ConnectionPhase.STARTUP, gss: false, engine, bytes: concat(packets) }));
    const how = fc.constantFrom<Pull>('read', 'frame', 'frames', 'rows');
    return fc.property(fc.oneof({ weight: 4, arbitrary: anywhere }, { weight: 1, arbitrary: startup }), chunking(), how, (c, cut, h) => checkRobustness(pg, { ...c, cut }, h)) as never;
  },
};
