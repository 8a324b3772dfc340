/**
 * Invariant — chunking independence: any stream, valid or malformed, gives
 * the same messages, frames, row batches and error (code, offset, type)
 * whatever the chunk boundaries the socket cut it into.
 */
import fc from 'fast-check';
import { chunking, malformed, stream } from '../arbitraries/streams.js';
import type { FuzzProperty } from './property.js';
import type { Pg } from '../pg.js';
import { decoderFor, standardFraming, transcript, type ReadPath, type StreamCase } from './support.js';

/** Throws unless `c` gives the same transcript on `how` whole and cut up. */
export function checkChunking(pg: Pg, c: StreamCase, how: ReadPath): void {
  if (!standardFraming(pg, c)) how = 'read';
  const whole = transcript(pg, decoderFor(pg, c), [c.bytes], how);
  const cutUp = transcript(pg, decoderFor(pg, c), c.cut.split(c.bytes), how);
  const a = JSON.stringify(whole);
  const b = JSON.stringify(cutUp);
  if (a !== b) throw new Error(`${how} differs when ${c.cut}:\n  whole ${a.slice(0, 400)}\n  cut   ${b.slice(0, 400)}`);
}

export const chunkingIndependence: FuzzProperty = {
  name: 'chunking',
  invariant: 'any stream gives the same messages, frames, row batches and errors whatever the chunk boundaries',
  weight: 2,
  property(pg) {
    const input = fc.oneof(
      stream({ pg }).map((s) => ({ side: s.side, phase: s.phase, bytes: s.bytes })),
      malformed({ pg }),
    );
    const path = fc.constantFrom<ReadPath>('read', 'frames', 'readFrames', 'readRowBatch');
    return fc.property(input, chunking(), path, (s, cut, how) => checkChunking(pg, { ...s, cut }, how)) as never;
  },
};
