/**
 * The contender interface. A contender is one file in this directory that
 * default-exports a `Contender`; the registry (index.ts) picks up every such
 * file, so adding a contender is adding a file.
 *
 * For each workload × chunking × mode, `prepare` returns the function that is
 * timed. It decodes the whole stream once and returns a checksum: the number
 * of units it saw (DataRows of a backend stream, messages of a frontend one),
 * or bytes for a contender that does not decode (`counts: 'bytes'`). The
 * harness cross-checks the checksums before timing and fails loudly if a
 * contender disagrees with the workload. Values a mode touches should be
 * folded into `sink` so the work cannot be optimised away.
 *
 * Most contenders only need `open()` (a streaming session) and build the rest
 * with `sessionContender()`, which delivers the stream in the chunking's
 * reads exactly as every other contender gets it.
 */
import type { Workload } from '../workloads.ts';

/**
 * What a consumer does with the decoded stream:
 *   split     frames only (type and bounds of every message)
 *   columns   a lazy column table per DataRow (offsets, nothing decoded)
 *   proxy     DataRows touched like a proxy does: column count and one value's bytes
 *   strings   every value as a JS string
 *   messages  full message objects for every frame (DataRows own their bytes: the default)
 *   views     the same with { views: true }: DataRows view the decoder's buffer until the next
 *             feed (compare with messages for what owning costs; pgcodec only)
 */
export type Mode = 'split' | 'columns' | 'proxy' | 'strings' | 'messages' | 'views';
export const MODES: readonly Mode[] = ['split', 'columns', 'proxy', 'strings', 'messages', 'views'];

/** The modes that mean something for a stream: columns, proxy and strings are about DataRows, which only servers send. */
export function modesFor(workload: Workload): readonly Mode[] {
  return workload.direction === 'backend' ? MODES : ['split', 'messages'];
}

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
  mode: Mode;
}

/** A streaming decode of one stream: feed reads, then end() returns the checksum. */
export interface Session {
  /** One read. Unless the contender declared `retainsInput`, the buffer is reused after this returns. */
  feed(chunk: Buffer): void;
  /** The stream is complete: units (or bytes) seen. */
  end(): number;
}

export interface Contender {
  readonly name: string;
  readonly description: string;
  /** What the checksum counts: the workload's units (rows / messages) or its bytes. */
  readonly counts: 'units' | 'bytes';
  /**
   * The same work whatever the mode (it is timed once per workload × chunking
   * and shown for every mode): pg-protocol, which always does its one full
   * parse, and memcpy.
   */
  readonly modeIndependent: boolean;
  /** A reference the others are compared with (the guard ignores their own ratios). */
  readonly reference?: boolean;
  /**
   * For the load suite: the module a fresh `node` process imports, and a
   * statement run after the import (with the module as `m`) that creates a
   * ready-to-use decoder. Omit if there is nothing to load.
   */
  readonly load?: { specifier: string; setup: string };
  /** Whether this contender can decode this workload in this mode. */
  supports(mode: Mode, workload: Workload): boolean;
  /** The function to time; called once more, untimed, to cross-check its checksum. */
  prepare(ctx: RunContext): () => number;
  /** A session for the tcp suite, fed the socket's own buffers as they arrive. */
  open(workload: Workload, mode: Mode): Session;
  /**
   * Optional: a session the socket reads into directly (node's `onread`),
   * for the tcp suite; used instead of `open` when present.
   */
  socket?(workload: Workload, mode: Mode): SocketSession;
}

/** A decoder a socket reads straight into. */
export interface SocketSession {
  /** Pass as `onread` to net.connect. */
  readonly onread: { buffer: () => Uint8Array; callback: (nread: number) => boolean };
  /** Bytes the socket delivered so far. */
  readonly received: number;
  /** Starts counting a new stream. */
  begin(): void;
  /** The stream is complete: units seen since begin(). */
  end(): number;
}

/** Where modes put what they touch, so that no work is dead code. Read by nobody. */
export const sink = { value: 0 };

/**
 * Builds the timed function from a session factory: the stream is fed whole
 * (no copy), or read by read, each read copied first into one reused buffer,
 * or, for contenders that keep references to what they are fed
 * (`retainsInput`), into a fresh Buffer per read, as a socket would hand
 * them over. The copy is part of the timed work for every contender.
 */
export function deliver(open: () => Session, stream: Buffer, chunking: Chunking, retainsInput: boolean): () => number {
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

/** A contender defined by its streaming session; `prepare` delivers the stream with `deliver`. */
export function sessionContender(def: Omit<Contender, 'prepare'> & { retainsInput?: boolean }): Contender {
  return {
    ...def,
    prepare: ({ workload, chunking, mode }) => deliver(() => def.open(workload, mode), workload.bytes, chunking, def.retainsInput ?? false),
  };
}
