/**
 * The physical limit: each read copied into a reused buffer of the read
 * size (64 KiB for a whole stream), small enough to stay in cache, and
 * nothing else. In chunked deliveries this is exactly the copy every other
 * variant pays before its own work, so no row can beat it. Over tcp, the
 * socket reads straight into one reused buffer of 64 KiB (node's onread):
 * the kernel's copy and nothing else.
 */
import { CHUNK_SIZE, type SocketSession, type Variant } from './types.ts';

const WHOLE_READ = 64 * 1024;

const memcpy: Variant = {
  contender: 'memcpy',
  how: 'copy',
  explain: 'copies each read into a reused buffer of the read size (a whole stream: 64 KiB at a time; over tcp the socket reads into one), nothing decoded',
  group: 'limit',
  reference: true,
  supports: () => true,
  prepare({ workload, chunking }) {
    const stream = workload.bytes;
    const n = stream.length;
    const size = Math.min(n, CHUNK_SIZE[chunking] === Infinity ? WHOLE_READ : CHUNK_SIZE[chunking]);
    const buf = Buffer.allocUnsafe(size);
    return {
      run() {
        for (let off = 0; off < n; off += size) stream.copy(buf, 0, off, Math.min(n, off + size));
        return n;
      },
    };
  },
  socket(): SocketSession {
    const buf = new Uint8Array(WHOLE_READ);
    let received = 0;
    let start = 0;
    return {
      onread: {
        buffer: () => buf,
        callback(n: number) {
          received += n;
          return true;
        },
      },
      get received() {
        return received;
      },
      begin() {
        start = received;
      },
      end: () => received - start,
    };
  },
};

export default [memcpy];
