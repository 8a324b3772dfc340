/**
 * The contender interface. A contender is one file in this directory that
 * default-exports the variants of one library: each variant is that library
 * driven one way (`how`) to do the work of one group (groups.ts). The
 * registry (index.ts) picks up every file, so adding a contender is adding
 * a file.
 *
 * For each workload × chunking, `prepare` returns the pass to time: it
 * consumes the whole stream once and returns its checksum, which must be the
 * group's (checks.ts): so every row of a group is shown to do the same work
 * before anything is timed. Values a variant produces are folded into the
 * checksum (or `sink`) so the work cannot be optimised away.
 *
 * Most variants only describe a streaming session and build `prepare` with
 * `sessionVariant()`, which delivers the stream in the chunking's reads
 * exactly as every other variant gets it.
 */
import type { GroupName } from '../groups.ts';
import type { Workload } from '../workloads/index.ts';

/**
 * How the stream arrives:
 *   whole  one buffer holding the whole stream, fed once, no copy
 *   64k    reads of 64 KiB, each copied into a read buffer first (a socket read)
 *   8k     the same with 8 KiB reads
 */
export type Chunking = 'whole' | '64k' | '8k';
export const CHUNKINGS: readonly Chunking[] = ['whole', '64k', '8k'];
export const CHUNK_SIZE: Record<Chunking, number> = { whole: Infinity, '64k': 64 * 1024, '8k': 8 * 1024 };

export interface RunContext {
  workload: Workload;
  chunking: Chunking;
}

/** One pass over the stream: returns the checksum (a promise for variants driven through callbacks). */
export type Pass = () => number | Promise<number>;

/** What `prepare` returns: the pass, and what to release once the workload is done. */
export interface Prepared {
  run: Pass;
  close?(): void | Promise<void>;
}

/** A streaming consumer of one stream: feed reads, then end() returns the checksum. */
export interface Session {
  /** One read. Unless the variant declared `retainsInput`, the buffer is reused after this returns. */
  feed(chunk: Buffer): void;
  /** The stream is complete: the checksum. */
  end(): number;
}

export interface Variant {
  /** The library (or the code written here) doing the work: 'pg-protocol', 'pgcodec-wasm', … */
  readonly contender: string;
  /** How it is driven, as the report shows it: 'text(i)', 'readFrames()', … */
  readonly how: string;
  /** One line under the table: what exactly this variant does. */
  readonly explain: string;
  readonly group: GroupName;
  /** The group's like-for-like reference: ratios in the group are to it. */
  readonly reference?: boolean;
  /** Whether this variant can consume this workload. */
  supports(workload: Workload): boolean;
  /** The pass to time; run once more, untimed, to cross-check its checksum. */
  prepare(ctx: RunContext): Prepared;
  /** A session for the tcp suite, fed the socket's own buffers as they arrive (none: not in the tcp suite). */
  open?(workload: Workload): Session;
  /** A session the socket reads into directly (node's `onread`), used instead of `open` when present. */
  socket?(workload: Workload): SocketSession;
}

/** A decoder a socket reads straight into. */
export interface SocketSession {
  /** Pass as `onread` to net.connect. */
  readonly onread: { buffer: () => Uint8Array; callback: (nread: number) => boolean };
  /** Bytes the socket delivered so far. */
  readonly received: number;
  /** Starts counting a new stream. */
  begin(): void;
  /** The stream is complete: the checksum since begin(). */
  end(): number;
}

/** Where variants put what they touch but do not return, so that no work is dead code. Read by nobody. */
export const sink = { value: 0 };

/**
 * Builds the pass from a session factory: the stream is fed whole (no
 * copy), or read by read, each read copied first into one reused buffer,
 * or, for variants that keep references to what they are fed
 * (`retainsInput`), into a fresh Buffer per read, as a socket hands them
 * over. The copy is part of the timed work for every variant.
 */
export function deliver(open: () => Session, stream: Buffer, chunking: Chunking, retainsInput: boolean): Pass {
  const size = CHUNK_SIZE[chunking];
  const n = stream.length;
  if (size >= n) {
    return () => {
      const s = open();
      s.feed(stream);
      return s.end();
    };
  }
  if (retainsInput) {
    return () => {
      const s = open();
      for (let off = 0; off < n; off += size) {
        const m = Math.min(size, n - off);
        const read = Buffer.allocUnsafe(m);
        stream.copy(read, 0, off, off + m);
        s.feed(read);
      }
      return s.end();
    };
  }
  const readBuf = Buffer.allocUnsafe(size);
  return () => {
    const s = open();
    for (let off = 0; off < n; off += size) {
      const m = Math.min(size, n - off);
      stream.copy(readBuf, 0, off, off + m);
      s.feed(m === size ? readBuf : readBuf.subarray(0, m));
    }
    return s.end();
  };
}

/** A variant defined by its streaming session; `prepare` delivers the stream with `deliver`. */
export function sessionVariant(def: Omit<Variant, 'prepare' | 'open'> & { open(workload: Workload): Session; retainsInput?: boolean }): Variant {
  return {
    ...def,
    prepare: ({ workload, chunking }) => ({ run: deliver(() => def.open(workload), workload.bytes, chunking, def.retainsInput ?? false) }),
  };
}
