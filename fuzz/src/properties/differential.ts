/**
 * Invariant — differential: the `wasm` and `js` engines give exactly the
 * same transcript (messages, frames with offsets, row batches, the error
 * with its code, offset and type) for any stream, on every read path; and
 * the read paths agree with each other: `read()` and `readRowBatch()`
 * deliver the same bytes and error; `frames()`, `readFrames()` and owned
 * frames the same frames; and each frame's `decode()` gives what `read()`
 * gave for it: the same message (re-encoding to the frame's own bytes) or
 * the same error.
 */
import fc from 'fast-check';
import { chunking, malformed, stream } from '../arbitraries/streams.js';
import type { FuzzProperty } from './property.js';
import type { Pg } from '../pg.js';
import { decodedProjection, decoderFor, differ, projection, standardFraming, transcript, type Event, type ReadPath, type StreamCase } from './support.js';

/** The ways to pull a stream: each read path, and frames owning their copies (decode() then reads the copy). */
const VARIANTS: readonly { name: string; path: ReadPath; owned?: boolean }[] = [
  { name: 'read()', path: 'read' },
  { name: 'readRowBatch()', path: 'readRowBatch' },
  { name: 'frames()', path: 'frames' },
  { name: 'readFrames()', path: 'readFrames' },
  { name: 'frames() owned', path: 'frames', owned: true },
];

/** Throws unless both engines and every read path agree on `s`. */
export function checkDifferential(pg: Pg, s: StreamCase): void {
  const chunks = s.cut.split(s.bytes);
  const fail = (what: string, d: string | null) => {
    if (d !== null) throw new Error(`${what} (${s.cut}): ${d}`);
  };
  // Frames and row batches are for standard framing (READY and the like); startup packets have read() alone.
  const variants = standardFraming(pg, s) ? VARIANTS : VARIANTS.slice(0, 1);
  const seen: Event[][] = [];
  for (const v of variants) {
    const wasm = transcript(pg, decoderFor(pg, { ...s, owned: v.owned, engine: 'wasm' }), chunks, v.path);
    const js = transcript(pg, decoderFor(pg, { ...s, owned: v.owned, engine: 'js' }), chunks, v.path);
    fail(`engines disagree on ${v.name}`, differ(wasm, js));
    seen.push(wasm);
  }
  if (seen.length === 1) return;
  const [read, rows, ...framings] = seen as [Event[], Event[], ...Event[][]];
  fail('read() and readRowBatch() disagree', differ(projection(read), projection(rows)));
  for (const [k, f] of framings.entries()) {
    const name = variants[2 + k]!.name;
    if (k > 0) fail(`frames() and ${name} disagree`, differ(projection(framings[0]!), projection(f)));
    // A frame's decode() is what read() gives for it: the same message, the same error.
    fail(`${name} decode() and read() disagree`, differ(decodedProjection(f), projection(read)));
    for (const e of f) {
      if ('frame' in e && typeof e.decoded === 'string' && e.decoded !== e.bytes) fail(`${name}: a frame's decode() re-encodes differently`, differ(e.bytes, e.decoded));
    }
  }
}

export const differential: FuzzProperty = {
  name: 'differential',
  invariant: 'the wasm and js engines, and the read() / frames() / readFrames() / readRowBatch() paths (frames decoded too), agree exactly',
  weight: 2,
  property(pg) {
    const input = fc.oneof(
      stream({ pg }).map((s) => ({ side: s.side, phase: s.phase, bytes: s.bytes })),
      malformed({ pg }),
    );
    return fc.property(input, chunking(), (s, cut) => checkDifferential(pg, { ...s, cut })) as never;
  },
};
