/**
 * The physical limit: the stream's bytes copied and nothing decoded. Each
 * read is copied into the reused read buffer (as for every contender) and
 * then once into a destination as big as the stream, the one copy a decoder
 * that owns its bytes cannot avoid; fed whole, it is that one copy.
 */
import { sessionContender, type Session } from './types.ts';

export default sessionContender({
  name: 'memcpy',
  description: 'copy of the bytes, no decoding (the physical limit)',
  counts: 'bytes',
  modeIndependent: true,
  reference: true,
  supports: () => true,
  open(workload): Session {
    const dst = destination(workload.bytes.length);
    let pos = 0;
    return {
      feed(chunk) {
        dst.set(chunk, pos);
        pos += chunk.length;
      },
      end: () => pos,
    };
  },
});

// one destination per stream size, allocated outside the timed work
const destinations = new Map<number, Uint8Array>();
function destination(size: number): Uint8Array {
  let d = destinations.get(size);
  if (!d) destinations.set(size, (d = new Uint8Array(size)));
  return d;
}
