/**
 * What both stream decoders share: buffering, the engine scan, one
 * message (or frame, or row batch) per pull, the error state, and standard
 * framing.
 *
 *   standard frame   Byte1 type | Int32 length (≥ 4, counts itself) | payload (length - 4 bytes)
 *
 * After each `feed`, the first pull in a standard phase runs one engine scan
 * over everything buffered: frames, DataRow column offsets and the bounds
 * checks in a single pass; pulls then walk its tables. Phases with other
 * framing (startup packets, single-byte answers) are read directly.
 *
 * A decoder never blocks and never guesses: `feed()` bytes, pull one at a
 * time (the phase may change between pulls), and after a protocol error it
 * refuses further use — what came before it was delivered, and the error
 * carries the stream offset.
 *
 * Limits: every frame's length is checked against the limit for its type
 * in the current phase (see limits.ts) from its 5-byte header, before the
 * body is awaited.
 *
 * Ownership: messages from `read()` and iteration own their data, DataRows
 * included (the rows of one scan share one copy of its bytes). Frames, row
 * batches, and DataRows read with `{ views: true }` view the buffer: valid
 * until the next `feed` or `release()` (then their accessors throw
 * StaleViewError), unless `{ owned: true }`.
 *
 * Memory: the window and scan tables belong to an engine lent by a
 * per-thread pool (engine/pool.ts) from the first byte fed until the
 * decoder drains with nothing out that views the window; an idle decoder
 * holds a few hundred bytes of its own.
 */
import { ConnectionPhase, PQ_LARGE_MESSAGE_LIMIT } from '../constants.js';
import { checkBoolean, checkInteger, checkOneOf } from '../options.js';
import { MAX_LIMIT, MIN_LIMIT, limitTablesFor, resolveLimits, tableFor, type LimitTable, type LimitTables, type MessageLimits, type PhaseFacts } from './limits.js';
import { DecodingError, ErrorCode, FramingError, PgcodecError, ProtocolError } from '../errors.js';
import { Detail, FRAME_INTS, Status, type Engine, type ScanResult } from '../engine/engine.js';
import { chooseEngine, type EngineName } from '../engine/select.js';
import { borrowEngine, returnEngine } from '../engine/pool.js';
import { ScanView, fresh, ownedSource, type ColumnSource } from '../engine/scan-view.js';
import { readFrame, type MessageClass, type PgMessage } from '../messages/base.js';
import { BackendCode } from '../messages/codes.js';
import { STANDARD_REGISTRY } from '../messages/registry.js';
import { DataRow, RowDescription } from '../messages/simple-query.js';
import { Reader } from '../wire/reader.js';
import { Frame } from './frame.js';
import { FrameBatch } from './frame-batch.js';
import { RowBatch } from './row-batch.js';
import { StreamBuffer } from './stream-buffer.js';
import { copyBytes, copyScan } from '../wire/slab.js';
import { typeId } from '../messages/type-ids.js';

/** Options of both stream decoders. */
export interface DecoderOptions {
  /** Phase to start in (default STARTUP). */
  phase?: ConnectionPhase;
  /** Largest accepted length field of a standard message (default PQ_LARGE_MESSAGE_LIMIT, 0x3FFFFFFE; an integer from 4 to 2^31 - 1). */
  maxMessageSize?: number;
  /** Per phase and type limits, PostgreSQL's and libpq's by default (see MessageLimits); each capped by maxMessageSize. */
  limits?: Partial<MessageLimits>;
  /** 'wasm' (default where WebAssembly runs) or 'js'; without it, the PGCODEC_ENGINE environment variable (read once at load) chooses. */
  engine?: EngineName;
  /** Bytes of the window the decoder buffers and scans in place (64 KiB to 256 MiB, default 256 KiB); frames larger go to a heap buffer scanned by the TypeScript engine. Windows are lent by a per-thread pool while bytes are decoded (a WebAssembly engine's memory is ≈ 6.45 × windowSize); an idle decoder holds none. */
  windowSize?: number;
  /** Give frames and row batches copies that stay valid across feeds (DataRows from read() always own theirs unless `views`). */
  owned?: boolean;
  /** DataRows from read() and iteration view the buffer (valid until the next feed) instead of owning a copy: the fast path. */
  views?: boolean;
}

const PHASES = Object.values(ConnectionPhase);
const PHASE_SET: ReadonlySet<unknown> = new Set(PHASES);

/** Largest partial message moved out of a window when the decoder drains (see nextFrameIndex). */
export const MAX_SPILL = 4096;

/** Throws TypeError / RangeError for options outside their documented types and ranges. */
function checkOptions(opts: DecoderOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('decoder options must be an object');
  checkOneOf('phase', opts.phase, PHASES);
  if (opts.maxMessageSize !== undefined) checkInteger('maxMessageSize', opts.maxMessageSize, MIN_LIMIT, MAX_LIMIT);
  checkOneOf('engine', opts.engine, ['wasm', 'js']);
  if (opts.windowSize !== undefined && typeof opts.windowSize !== 'number') throw new TypeError(`windowSize must be a number, got ${typeof opts.windowSize}`);
  checkBoolean('owned', opts.owned);
  checkBoolean('views', opts.views);
}

/** Printable form of a type byte for error messages. */
export function typeLabel(b: number): string {
  return String.fromCharCode(b);
}

/** Phases whose frames are standard (type byte and length). */
function standardFraming(phase: ConnectionPhase, frontend: boolean): boolean {
  if (phase === ConnectionPhase.SSL_NEGOTIATION || phase === ConnectionPhase.GSS_NEGOTIATION) return false;
  return !(frontend && phase === ConnectionPhase.STARTUP);
}

/**
 * What the two stream decoders share: `feed()` bytes, then pull messages,
 * frames or batches one at a time. See FrontendMessageDecoder and BackendMessageDecoder.
 */
export abstract class MessageDecoder<M extends PgMessage> implements Iterable<M> {
  private currentPhase: ConnectionPhase;
  /** Largest length field accepted for a standard message (the `maxMessageSize` option). */
  readonly maxMessageSize: number;
  /** The limits in force (defaults with the `limits` option applied). */
  readonly limits: Readonly<MessageLimits>;
  private readonly limitTables: LimitTables;
  /** The current phase's limit per type byte. */
  private limit: LimitTable;
  /** DataRows from read() view the buffer rather than own a copy. */
  readonly views: boolean;
  /** An error found ahead of the pull that must raise it (bytes after an encryption request, a header over its limit). */
  private deferred: ProtocolError | null = null;
  /** Which engine scans this decoder's bytes. */
  readonly engine: EngineName;
  /** Frames and row batches get copies that stay valid across feeds (the `owned` option). */
  readonly owned: boolean;
  /** The bytes received and not yet consumed. */
  protected readonly sb: StreamBuffer = new StreamBuffer();
  /** Bytes of the window of the engines this decoder borrows (the `windowSize` option). */
  readonly windowSize: number;
  /** The engine lent to this decoder while it has bytes to scan (see engine/pool.ts); null when idle. */
  private lease: Engine | null = null;
  /** A TypeScript engine lent to scan a heap buffer when a frame outgrows the WebAssembly window. */
  private fallback: Engine | null = null;
  /** Set when something handed out since the last feed views the window (frames, batches, view rows): the engine is kept until the next feed or release(). */
  private viewsOut = false;
  /** Bytes the last feed (or socket read) brought: a partial message up to this size moves out of the window when the decoder drains. */
  private lastRead = 0;
  private failure: ProtocolError | null = null;
  /** The last RowDescription: what the rows that follow look like. */
  get rowDescription(): RowDescription | null {
    if (this.skimmedLength >= 0) {
      // Decoded only when asked for: the frame path forwards it as it came. From a copy of the
      // scratch bytes, since a message may keep its payload (text that is not UTF-8).
      this.description = RowDescription.decode(this.skimmedDescription.slice(0, this.skimmedLength));
      this.skimmedLength = -1;
    }
    return this.description;
  }
  /** Sets what the rows that follow look like (a RowDescription read another way). */
  set rowDescription(d: RowDescription | null) {
    this.description = d;
    this.skimmedLength = -1;
  }
  private description: RowDescription | null = null;
  /**
   * The payload of a RowDescription the frame path checked without decoding
   * it, copied (the window moves on) into scratch bytes this decoder reuses,
   * and its length; -1 when the last one was decoded.
   */
  private skimmedDescription = new Uint8Array(0);
  private skimmedLength = -1;

  /** Keeps `buf[start, end)`, a RowDescription's payload, for `rowDescription` to decode if asked. */
  private keepDescription(buf: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.skimmedDescription.length < n) this.skimmedDescription = new Uint8Array(Math.max(64, 2 * n));
    const to = this.skimmedDescription;
    // A loop for the usual few fields: a subarray to copy from costs more than the copy.
    if (n <= 256) for (let i = 0; i < n; i++) to[i] = buf[start + i]!;
    else to.set(buf.subarray(start, end));
    this.skimmedLength = n;
  }
  /** Tables of the current scan; null until the first pull after a feed. */
  private view: ScanView | null = null;
  private scan: ScanResult | null = null;
  private scanDetail: Detail = Detail.FRAMES;
  private scanStart = 0;
  /** Next frame of the scan to hand out. */
  private cursor = 0;
  /** A row batch's strings() asked for ASCII flags: later scans compute them in the same pass. */
  private flagsWanted = false;
  /** Whether 'D' frames are DataRows (the backend direction). */
  protected abstract readonly dataRows: boolean;
  /**
   * What the phase and the registry decide, worked out once per phase and
   * registry generation (see phaseFacts): per type byte the largest length
   * accepted, -1 for a type unknown here; whether a 'D' frame is a DataRow.
   */
  private accept: Int32Array | null = null;
  private rowsFast = false;
  /** The phase's skims and the names they answer with (PhaseFacts). */
  private skims: PhaseFacts['skims'] = NO_SKIMS;
  private skimmed: PhaseFacts['skimmed'] = NOT_SKIMMED;
  /** read()'s hot path: the DataRow length limit while scanned 'D' frames are DataRows in this phase (phaseFacts), else -1. */
  private rowMax = -1;
  private factsPhase: ConnectionPhase | null = null;
  private factsGeneration = -1;

  constructor(opts: DecoderOptions, defaultPhase: ConnectionPhase, sender: 'frontend' | 'backend') {
    checkOptions(opts);
    this.maxMessageSize = opts.maxMessageSize ?? PQ_LARGE_MESSAGE_LIMIT;
    this.limits = resolveLimits(opts.limits);
    this.limitTables = limitTablesFor(sender, this.limits, this.maxMessageSize);
    this.currentPhase = opts.phase ?? defaultPhase;
    this.limit = tableFor(this.limitTables, this.currentPhase);
    this.owned = opts.owned ?? false;
    this.views = opts.views ?? false;
    const choice = chooseEngine(opts.engine, opts.windowSize);
    this.engine = choice.name;
    this.windowSize = choice.windowSize;
  }

  /** Decides the framing and limits of the next message; set it as the connection moves on. */
  get phase(): ConnectionPhase {
    return this.currentPhase;
  }

  /** Moves the decoder to phase `p`: its framing and limits apply from the next message. */
  set phase(p: ConnectionPhase) {
    if (p !== this.currentPhase) {
      if (!PHASE_SET.has(p)) checkOneOf('phase', p, PHASES);
      this.currentPhase = p;
      this.limit = tableFor(this.limitTables, p);
      // Back in the phase phaseFacts() last worked out, its answer holds again (phaseFacts would return
      // early and leave read()'s fast path off); any other phase waits for phaseFacts().
      this.rowMax = p === this.factsPhase && this.rowsFast ? this.limit.max[BackendCode.DataRow]! : -1;
    }
  }

  /**
   * Adds bytes from the peer. The decoder copies them; the caller may reuse
   * `data`. Views from before go stale. Before the buffer grows, the frame
   * at its head is checked from its header (type, limit): a frame that
   * could never be accepted is not buffered further (the next pull raises it).
   */
  feed(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) throw new TypeError('feed() takes a Uint8Array');
    this.checkHealthy();
    this.invalidate();
    if (this.deferred !== null) return; // the stream is dead from here on; the next pull says why
    if (data.length === 0) return;
    this.lastRead = data.length;
    this.borrow();
    const sb = this.sb;
    if (sb.length + data.length > sb.buf.length) {
      const e = this.headerError();
      if (e !== null) {
        this.deferred = e;
        return;
      }
      sb.append(data, this.headFrameSize());
      return;
    }
    sb.append(data);
  }

  /** Bytes of the frame at the head of the buffer, type byte included, if its header is here; 0 if not. */
  protected headFrameSize(): number {
    const sb = this.sb;
    if (sb.length < 5 || !standardFraming(this.currentPhase, !this.dataRows)) return 0;
    const b = sb.buf;
    const s = sb.start;
    return 1 + ((b[s + 1]! << 24) | (b[s + 2]! << 16) | (b[s + 3]! << 8) | b[s + 4]!);
  }

  /** Raises an error found ahead of its pull, if any. */
  private raiseDeferred(): void {
    const e = this.deferred;
    if (e !== null) {
      this.deferred = null;
      throw e;
    }
  }

  /** Records an error to raise at the next pull, after the message being returned now. */
  protected defer(e: ProtocolError): void {
    this.deferred ??= e;
  }

  /** The next complete message, or null if more bytes are needed. Throws a `ProtocolError` on bad bytes. */
  read(): M | null {
    if (this.failure !== null) this.checkHealthy();
    // The hot path: a DataRow the scan has already checked, within its limit.
    const scan = this.scan;
    if (scan !== null && this.cursor < scan.frameCount && this.deferred === null) {
      const v = this.view!;
      const frames = v.frames;
      const at = this.cursor * FRAME_INTS;
      // Only DataRows get a first column (frames[at + 3]). rowMax is what phaseFacts() worked out when
      // the first pull after the feed made this scan (-1 after a change to a phase it has not worked out,
      // or where 'D' is not a DataRow): a class registered for 'D' decodes frames fed after it, as the
      // registry promises.
      if (frames[at + 3]! >= 0 && frames[at + 2]! + 4 <= this.rowMax) {
        this.cursor++;
        this.sb.consume(frames[at + 1]! + frames[at + 2]! - this.sb.start);
        return this.rowAt(v, at);
      }
    }
    try {
      this.raiseDeferred();
      return this.decodeNext();
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** Yields every complete message buffered so far, one pull at a time. */
  [Symbol.iterator](): Iterator<M> {
    return new MessageIterator(this);
  }

  /**
   * The next complete frame, undecoded: type, payload view, whole-frame
   * bytes, `decode()` on demand. Standard framing phases only. Valid until
   * the next feed.
   */
  readFrame(): Frame<M> | null {
    const i = this.nextFrame();
    return i < 0 ? null : this.takeFrame(i, new Frame<M>(this));
  }

  /**
   * Iterates complete frames without decoding them. For speed the same
   * Frame object is reused for each step: read what you need before the
   * next, or use `readFrame()` for frames to keep until the next feed.
   */
  frames(): IterableIterator<Frame<M>> {
    return new FrameIterator(this);
  }

  /**
   * Every complete frame buffered (up to `max`) as one batch over the scan's
   * frame table, or null if none is complete. The fastest way to split.
   * Stops before a frame of a type unknown in this direction (the next call
   * raises it). Valid until the next feed.
   */
  readFrames(max = Infinity): FrameBatch<M> | null {
    const i = this.nextFrame();
    if (i < 0) return null;
    const frames = this.view!.frames;
    const count = this.scan!.frameCount;
    let j = i + 1;
    // Stop before a frame the next call must refuse (unknown type, over its limit).
    const accept = this.acceptTable();
    while (j < count && j - i < max) {
      const f = j * FRAME_INTS;
      if (!fits(accept, frames, f)) break;
      j++;
    }
    const offset = this.streamOffset(frames[i * FRAME_INTS + 1]! - 5);
    const last = (j - 1) * FRAME_INTS;
    this.cursor = j;
    this.sb.consume(frames[last + 1]! + frames[last + 2]! - this.sb.start);
    this.viewsOut = true;
    return new FrameBatch<M>(this.view!, i, j - i, offset, this);
  }

  /**
   * Ends `batch`, the last one `readFrames()` returned, after its first `n`
   * frames: the pull after gives the rest again. Nothing may be fed or
   * pulled between the two (a connection ends a batch where a frame changes
   * the phase, so the frames after it are framed for the new one).
   */
  keepFrames(batch: FrameBatch<M>, n: number): FrameBatch<M> {
    const v = this.view;
    if (v === null || !batch.over(v) || this.cursor !== batch.first + batch.count) {
      throw new PgcodecError(ErrorCode.INVALID_USE, 'keepFrames() takes the last batch readFrames() returned, before anything else is pulled');
    }
    checkInteger('n', n, 1, batch.count);
    if (n === batch.count) return batch;
    const back = batch.first + n;
    this.cursor = back;
    this.sb.unconsume(this.sb.start - (v.frames[back * FRAME_INTS + 1]! - 5));
    return batch.head(n);
  }

  /**
   * After a frame of `batch` (the last one `readFrames()` returned) moved
   * the phase: `batch` if its frames from `n` on are accepted in the phase
   * now set too, else the batch ended before the first that is not (the
   * next pull raises it). Their messages are decoded for the new phase.
   */
  refit(batch: FrameBatch<M>, n: number): FrameBatch<M> {
    if (!standardFraming(this.currentPhase, !this.dataRows)) return this.keepFrames(batch, n);
    const accept = this.acceptTable();
    const frames = this.view!.frames;
    for (let j = n; j < batch.count; j++) if (!fits(accept, frames, (batch.first + j) * FRAME_INTS)) return this.keepFrames(batch, j);
    return batch;
  }

  /** Index of the next frame for the frame APIs (standard phases only), -1 if none is complete. */
  nextFrame(): number {
    if (this.failure !== null) this.checkHealthy();
    // The hot path: the next frame of the current scan, in a standard phase, of a type and length accepted here.
    const scan = this.scan;
    if (scan !== null && this.cursor < scan.frameCount && this.deferred === null && standardFraming(this.currentPhase, !this.dataRows)) {
      const frames = this.view!.frames;
      const f = this.cursor * FRAME_INTS;
      if (fits(this.acceptTable(), frames, f)) return this.cursor;
    }
    try {
      this.raiseDeferred();
      this.requireStandard();
      return this.nextFrameIndex(Detail.FRAMES);
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** Records a protocol error as this decoder's failure; returns it to throw. */
  protected fail(e: unknown): unknown {
    if (e instanceof ProtocolError) this.failure = e;
    return e;
  }

  /**
   * Socket ingestion without the copy: pass the result as `onread` to
   * `net.connect` / `new net.Socket` and the socket reads straight into the
   * decoder's buffer (WebAssembly memory for the wasm engine), after the
   * unfinished tail frame has been moved to the front. `onData` runs after
   * each read: pull frames, batches or messages there. Views go stale at the
   * next read, as with `feed`.
   */
  socketReader(onData: () => void, minRead = 16 * 1024): {
    /** The free space for the next read (at least `minRead` bytes): Node's `onread.buffer`. */
    buffer: () => Uint8Array;
    /** Takes `nread` bytes read into the last buffer, then calls `onData`: Node's `onread.callback`. */
    callback: (nread: number) => boolean
  } {
    if (typeof onData !== 'function') throw new TypeError('socketReader needs an onData function');
    checkInteger('minRead', minRead, 1, MAX_LIMIT);
    // Bytes handed out by the last buffer(): a callback may commit at most that many, once.
    let lent = 0;
    return {
      buffer: () => {
        this.checkHealthy();
        this.invalidate();
        this.borrow();
        this.sb.reserve(minRead, this.headFrameSize());
        const room = this.sb.buf.subarray(this.sb.end);
        lent = room.length;
        return room;
      },
      callback: (nread: number) => {
        if (typeof nread !== 'number' || !Number.isInteger(nread) || nread < 0 || nread > lent) {
          throw new RangeError(`socketReader: nread must be an integer from 0 to the ${lent} bytes of the last buffer(), got ${String(nread)}`);
        }
        lent = 0;
        this.lastRead = nread;
        this.sb.commit(nread);
        onData();
        return true;
      },
    };
  }

  /** Bytes received but not yet decoded (a partial message, or messages not yet pulled). */
  get buffered(): number {
    return this.sb.length;
  }

  /** Stream offset of the next undecoded byte. */
  get offset(): number {
    return this.sb.offset;
  }

  /** The error that stopped this decoder, if any. */
  get error(): ProtocolError | null {
    return this.failure;
  }

  /** Drops buffered bytes and any error state (a new stream); the phase is kept. */
  clear(): void {
    this.invalidate();
    this.sb.clear();
    this.giveBack();
    this.failure = null;
    this.deferred = null;
    this.flagsWanted = false;
  }

  /** Bytes of buffer the decoder holds now (the window, or the heap buffer a large frame needed). */
  get bufferCapacity(): number {
    return this.sb.buf.length;
  }

  /** Bytes copied into and within the buffer so far (for cost tests). */
  get bytesCopied(): number {
    return this.sb.bytesCopied;
  }

  private checkHealthy(): void {
    const f = this.failure;
    if (f !== null) {
      throw new FramingError(ErrorCode.DECODER_FAILED, `decoder failed earlier (${f.code}: ${f.message}); call clear() to reuse it`, {
        messageType: f.messageType,
        offset: f.offset,
        cause: f,
      });
    }
  }

  /** Marks everything handed out stale and forgets the scan. */
  protected invalidate(): void {
    if (this.view !== null) this.view.stale = true;
    this.view = null;
    this.scan = null;
    this.viewsOut = false;
  }

  /**
   * Gives the engine back to the pool now: frames, row batches and view
   * DataRows handed out go stale (their accessors throw StaleViewError),
   * bytes of a partial message are kept. A decoder does this by itself when
   * a pull finds nothing more to read and nothing handed out views its
   * window (the message path); users of the frame and batch paths call it
   * when they are done with what they pulled, e.g. once it is written out,
   * so an idle connection holds no window (see `heldBytes`).
   */
  release(): void {
    this.invalidate();
    this.giveBack();
  }

  /** Bytes this decoder holds for itself now: 0 when idle, a partial message's bytes, or a lent window and its tables. */
  get heldBytes(): number {
    const sb = this.sb;
    return this.lease === null ? (sb.inWindow ? 0 : sb.buf.length) : this.lease.name === 'wasm' ? Math.ceil(this.windowSize * 6.45) : this.windowSize;
  }

  /** Makes sure an engine is lent: pending bytes on the heap move into its window. */
  private borrow(): Engine {
    let e = this.lease;
    if (e === null) {
      e = this.lease = borrowEngine(this.engine, this.windowSize);
      this.sb.attach(e.window);
    }
    return e;
  }

  /** Returns the lent engines; pending bytes in the window move to a heap buffer of their size. */
  private giveBack(): void {
    if (this.lease !== null) {
      this.sb.detach();
      returnEngine(this.lease);
      this.lease = null;
    }
    if (this.fallback !== null) {
      returnEngine(this.fallback);
      this.fallback = null;
    }
  }

  /** The next message in the current phase's framing, or null if more bytes are needed. */
  protected abstract decodeNext(): M | null;

  /** The class for a standard frame's type byte in the current phase, or undefined if none. */
  protected abstract pick(type: number): MessageClass | undefined;

  // ---- the scan and its tables ----

  /** Runs (or deepens) the scan of what is buffered. */
  private ensureScan(detail: Detail): void {
    if (this.scan !== null && this.scanDetail >= detail) return;
    const sb = this.sb;
    let engine = this.borrow();
    if (!sb.inWindow && engine.name === 'wasm') engine = this.fallback ??= borrowEngine('js', this.windowSize);
    if (engine.setInput !== undefined) engine.setInput(sb.buf);
    const from = this.scan === null ? sb.start : this.scanStart;
    const result = engine.scan(from, sb.end, this.maxMessageSize, detail);
    if (this.scan === null) {
      this.phaseFacts(); // read()'s hot path trusts rowMax for the whole scan
      this.scanStart = from;
      this.cursor = 0;
      this.view = new ScanView(sb.buf, engine.frames, engine.columns, flagsAt(engine, detail), from, result.consumed);
      if (++this.scanStamp === 0x7fffffff) {
        // After 2^31 scans the stamps start over, and nothing remembered may match them.
        this.scanStamp = 1;
        this.skimMemo.fill(0);
      }
    } else {
      // A deeper scan of the same bytes: same frames, more detail.
      const v = this.view!;
      v.frames = engine.frames;
      v.columns = engine.columns;
      v.flags = flagsAt(engine, detail);
    }
    this.scan = result;
    this.scanDetail = detail;
  }

  /**
   * The detail reading messages needs: DataRow columns and their ASCII
   * flags in the backend direction (text() then needs no pass of its own).
   */
  protected get messageDetail(): Detail {
    // A frame larger than the window is one long value, decoded on its own: no flags.
    return this.dataRows ? (this.sb.inWindow ? Detail.FLAGS : Detail.COLUMNS) : Detail.FRAMES;
  }

  /**
   * Index of the next complete frame in the scan tables, -1 if more bytes
   * are needed. Raises the error a bad frame at the head deserves.
   */
  private nextFrameIndex(detail: Detail): number {
    this.ensureScan(detail);
    const scan = this.scan!;
    const sb = this.sb;
    if (this.cursor < scan.frameCount) {
      const frames = this.view!.frames;
      const f = this.cursor * FRAME_INTS;
      if (!fits(this.acceptTable(), frames, f)) throw this.frameError(frames[f]!, frames[f + 2]! + 4, sb.offset);
      return this.cursor;
    }
    // No complete frame left: a bad frame here, or a partial one whose header may already be wrong.
    const e = this.headerError();
    if (e !== null) throw e;
    if (scan.status !== Status.OK && scan.errorFrame === sb.start) throw this.scanError(scan);
    // Drained: nothing handed out views the window, so the engine can serve another decoder. A
    // partial message moves out with it only if small and no larger than the last read: copying
    // stays linear in the bytes received however small the reads, and a large message arriving
    // read by read keeps its window (it is being decoded: more is coming).
    if (!this.viewsOut && this.deferred === null && this.lease !== null && sb.length <= this.lastRead && sb.length <= MAX_SPILL) this.release();
    return -1;
  }

  /** Per type byte, the largest length field accepted in this phase, or -1 for a type unknown here: one lookup per frame. */
  private acceptTable(): Int32Array {
    this.phaseFacts();
    return this.accept!;
  }

  /** Works out what the phase and the registry decide, if either changed since the last time. */
  private phaseFacts(): void {
    const phase = this.currentPhase;
    const generation = STANDARD_REGISTRY.generation;
    if (this.accept !== null && this.factsPhase === phase && this.factsGeneration === generation) return;
    // Shared by every decoder of the same settings (they hang off the shared limit tables): a proxy's
    // connections move between phases on every query, and working a table out costs 256 lookups.
    const cache = (this.limitTables.facts ??= new Map());
    const key = this.factsKey(phase);
    let f = cache.get(key);
    if (f === undefined || f.generation !== generation) {
      const accept = new Int32Array(256);
      const max = this.limit.max;
      const skims: PhaseFacts['skims'] = new Array(256).fill(null);
      const skimmed = new Int16Array(256).fill(-1);
      for (let b = 0; b < 256; b++) {
        const cls = this.pick(b);
        accept[b] = cls === undefined ? -1 : max[b]!;
        // Only a class's own skim: a subclass registered to read differently must be decoded.
        if (cls !== undefined && Object.hasOwn(cls, 'skim')) {
          skims[b] = cls.skim!;
          skimmed[b] = typeId(cls.prototype.type);
        }
      }
      f = { accept, rowsFast: this.dataRows && standardFraming(phase, false) && this.pick(BackendCode.DataRow) === DataRow, skims, skimmed, generation };
      cache.set(key, f);
    }
    this.accept = f.accept;
    this.rowsFast = f.rowsFast;
    this.skims = f.skims;
    this.skimmed = f.skimmed;
    this.rowMax = f.rowsFast ? this.limit.max[BackendCode.DataRow]! : -1;
    this.factsPhase = phase;
    this.factsGeneration = generation;
  }

  /** What, besides the limit tables, decides which types `pick()` knows in `phase`: the phase (a frontend decoder adds its GSS flag). */
  protected factsKey(phase: ConnectionPhase): string {
    return phase;
  }


  /** The error for a frame of `type` with length field `len` at stream offset `offset` (its type byte). */
  private frameError(type: number, len: number, offset: number): ProtocolError {
    if (this.pick(type) === undefined) return this.unknownType(type, offset);
    const what = `${typeLabel(type)}`;
    return new FramingError(
      ErrorCode.LENGTH_TOO_LARGE,
      `message length ${len} exceeds the ${this.limit.max[type]}-byte limit for '${what}' in phase ${this.currentPhase} (${this.limit.rule[type]})`,
      { messageType: what, offset: offset + 1 },
    );
  }

  /**
   * The error the frame at the head of the buffer deserves from what its
   * header shows (an unknown type, a length over its limit), before its
   * body is awaited; null if none (or if its header is not all here).
   */
  protected headerError(): ProtocolError | null {
    const sb = this.sb;
    if (sb.length < 1 || !standardFraming(this.currentPhase, !this.dataRows)) return null;
    const b = sb.buf;
    const s = sb.start;
    const type = b[s]!;
    if (this.pick(type) === undefined) return this.unknownType(type, sb.offset);
    if (sb.length < 5) return null;
    const len = (b[s + 1]! << 24) | (b[s + 2]! << 16) | (b[s + 3]! << 8) | b[s + 4]!;
    return len > this.limit.max[type]! ? this.frameError(type, len, sb.offset) : null;
  }

  /** The error for an unknown type byte at stream offset `offset`. */
  private unknownType(type: number, offset: number): FramingError {
    return new FramingError(ErrorCode.UNKNOWN_MESSAGE_TYPE, `unknown message type byte 0x${type.toString(16).padStart(2, '0')}`, {
      messageType: typeLabel(type),
      offset,
    });
  }

  /** Stream offset of buffer index `i`. */
  streamOffset(i: number): number {
    return this.sb.offset + (i - this.sb.start);
  }

  /** Frames and row batches exist only where frames are standard. */
  private requireStandard(): void {
    if (!standardFraming(this.phase, !this.dataRows)) {
      throw new PgcodecError(ErrorCode.INVALID_USE, `frames and row batches need standard framing; in phase ${this.phase} use read()`);
    }
  }

  /** The typed error for a scan status, with the same code and offset the message readers use. */
  private scanError(scan: ScanResult): ProtocolError {
    const type = typeLabel(this.sb.buf[scan.errorFrame]!);
    const info = { messageType: type, offset: this.streamOffset(scan.errorOffset) };
    switch (scan.status) {
      case Status.LENGTH_TOO_SMALL:
        return new FramingError(ErrorCode.LENGTH_TOO_SMALL, 'message length is below 4', info);
      case Status.LENGTH_TOO_LARGE:
        return new FramingError(ErrorCode.LENGTH_TOO_LARGE, `message length exceeds the maximum of ${this.maxMessageSize}`, info);
      case Status.ROW_COUNT_TRUNCATED:
        return new DecodingError(ErrorCode.TRUNCATED, 'column count needs more bytes than remain in the frame', info);
      case Status.ROW_LENGTH_TRUNCATED:
        return new DecodingError(ErrorCode.TRUNCATED, 'column length needs 4 bytes', info);
      case Status.ROW_NEGATIVE_LENGTH:
        return new DecodingError(ErrorCode.NEGATIVE_LENGTH, 'column length is negative and not -1', info);
      case Status.ROW_VALUE_TRUNCATED:
        return new DecodingError(ErrorCode.TRUNCATED, 'column length exceeds the bytes left in the frame', info);
      case Status.ROW_TRAILING_BYTES:
        return new DecodingError(ErrorCode.TRAILING_BYTES, 'unexpected trailing bytes', info);
      default:
        return new FramingError(ErrorCode.INVALID_VALUE, `scan stopped with status ${scan.status}`, info);
    }
  }

  /** Consumes frame `i`; returns its stream offset. */
  private advance(i: number): number {
    const frames = this.view!.frames;
    const at = i * FRAME_INTS;
    const offset = this.streamOffset(frames[at + 1]! - 5);
    this.cursor = i + 1;
    this.sb.consume(frames[at + 1]! + frames[at + 2]! - this.sb.start);
    return offset;
  }

  /** Consumes frame `i` and points `f` at it. */
  takeFrame(i: number, f: Frame<M>): Frame<M> {
    if (!this.owned) this.viewsOut = true;
    f.point(this.view!, i, this.advance(i), this.owned);
    return f;
  }

  /** Decodes frame `i` of view `v` into its message (used by reads and by Frame.decode). */
  decodeFrame(v: ScanView, i: number, offset: number): M {
    fresh(v, 'Frame');
    const at = i * FRAME_INTS;
    const frames = v.frames;
    if (this.isScannedRow(frames, at)) return this.rowAt(v, at);
    const type = frames[at]!;
    const start = frames[at + 1]!;
    const len = frames[at + 2]!;
    const cls = this.pick(type);
    if (cls === undefined) throw this.unknownType(type, offset);
    // Other messages own their bytes: they read a copy (see ownedCopy).
    const arena = this.ownedCopy(v, start);
    const at0 = start - v.arenaBase;
    const msg = readFrame(cls, new Reader(arena, at0, at0 + len, typeLabel(type), offset + 5, v.arenaAb, v.arenaAbOffset)) as M;
    if (msg instanceof RowDescription) this.rowDescription = msg;
    return msg;
  }

  /**
   * A copy of the scanned bytes from `start` to the end of the scan, made
   * once per scan when the first message needing owned bytes is read: the
   * messages that follow view it too, so a chunk of small messages costs one
   * copy, not one per message, and the buffer can be reused at the next feed.
   */
  private ownedCopy(v: ScanView, start: number): Uint8Array {
    if (v.arena === null || start < v.arenaBase) {
      const sb = this.sb;
      if (v.buf === sb.buf && !sb.inWindow) {
        // A heap buffer (a frame larger than the window): hand it over instead of copying it.
        keepArena(v, v.buf.subarray(start, this.scan!.consumed), start);
        sb.pin();
      } else {
        keepArena(v, copyBytes(v.buf, start, this.scan!.consumed), start);
      }
    }
    return v.arena!;
  }

  /**
   * The frame path's check of frame-table entry `i` without decoding it:
   * its message type id (messages/type-ids.ts) if its payload is well
   * formed (a DataRow the scan checked, or a class's `skim`), -1 if it must
   * be decoded to tell (the decoder then raises the typed error, or a class
   * has no skim).
   */
  skimFrame(v: ScanView, i: number): number {
    fresh(v, 'Frame');
    // Once per frame of a scan: the connection reading a batch checks it, the one forwarding it asks again.
    if (i >= SKIM_MEMO_FRAMES) return this.skimOnce(v, i); // past what a decoder remembers: checked again
    let memo = this.skimMemo;
    if (2 * i + 1 >= memo.length) memo = this.skimMemo = growMemo(memo, i);
    const stamp = this.scanStamp; // v is the current scan's view (fresh)
    if (memo[2 * i] === stamp) return memo[2 * i + 1]!;
    const id = this.skimOnce(v, i);
    memo[2 * i] = stamp;
    memo[2 * i + 1] = id;
    return id;
  }

  /** skimFrame's work, unremembered. */
  private skimOnce(v: ScanView, i: number): number {
    const at = i * FRAME_INTS;
    const frames = v.frames;
    if (this.isScannedRow(frames, at)) return DATA_ROW_ID;
    this.phaseFacts();
    const type = frames[at]!;
    const skim = this.skims[type]!;
    if (skim === null) return -1;
    const start = frames[at + 1]!;
    const end = start + frames[at + 2]!;
    if (!skim(v.buf, start, end)) return -1;
    if (type === BackendCode.RowDescription && this.dataRows) this.keepDescription(v.buf, start, end);
    return this.skimmed[type]!;
  }

  /** Per frame-table index: the stamp of the scan skimFrame answered for, and its answer. */
  private skimMemo: Int32Array = new Int32Array(2 * 16);
  /** Counts this decoder's scans (from 1): tells a memo entry of this scan from an older one's. */
  private scanStamp = 0;

  /** Decodes a whole standard frame held in `bytes` (an owned frame's copy). */
  decodeFrameBytes(bytes: Uint8Array, offset: number): M {
    const type = bytes[0]!;
    const cls = this.pick(type);
    if (cls === undefined) throw this.unknownType(type, offset);
    return readFrame(cls, new Reader(bytes, 5, bytes.length, typeLabel(type), offset + 5)) as M;
  }

  /** Standard framing through the scan tables. */
  protected nextStandard(): M | null {
    const i = this.nextFrameIndex(this.messageDetail);
    if (i < 0) return null;
    const v = this.view!;
    const at = i * FRAME_INTS;
    const frames = v.frames;
    if (this.isScannedRow(frames, at)) {
      // The hot path: no stream offset to work out, nothing to decode.
      this.cursor = i + 1;
      this.sb.consume(frames[at + 1]! + frames[at + 2]! - this.sb.start);
      return this.rowAt(v, at);
    }
    return this.decodeFrame(v, i, this.advance(i));
  }

  /**
   * Is frame-table entry `at` a DataRow whose columns the scan worked out,
   * read as pgcodec's DataRow in the current phase (not a class registered for 'D')?
   */
  private isScannedRow(frames: Int32Array, at: number): boolean {
    if (frames[at + 3]! < 0) return false; // only DataRows get a first column
    this.phaseFacts();
    return this.rowsFast;
  }

  /**
   * The DataRow at frame-table entry `at`: over the scan's tables with
   * `views`, else over the scan's owned copy (shared by every row and
   * message of the scan, so owning costs one copy per chunk, not per row).
   */
  private rowAt(v: ScanView, at: number): M {
    const frames = v.frames;
    const start = frames[at + 1]!;
    const col0 = frames[at + 3]!;
    const n = (v.buf[start]! << 8) | v.buf[start + 1]!;
    let src: ColumnSource | null;
    if (this.views && !this.owned) {
      this.viewsOut = true;
      src = v;
    } else {
      // Made once per scan (ownedRows), so the hot path stays small enough to inline.
      src = v.arenaRows;
      if (src === null || start < v.arenaBase) src = this.ownedRows(v, start);
    }
    return DataRow.fromColumns(src, col0, n) as unknown as M;
  }

  /** The scan's column table over its owned copy: what owned DataRows read. */
  private ownedRows(v: ScanView, start: number): ColumnSource {
    const n = this.scan!.columnCount;
    const flagCount = v.flags.length > 0 ? n : 0;
    // No copy of the bytes yet (a chunk that starts with rows): bytes and tables in one allocation.
    const together = (v.arena === null || start < v.arenaBase) && (v.buf !== this.sb.buf || this.sb.inWindow);
    const copy = copyScan(together ? v.buf : null, start, this.scan!.consumed, v.columns, 2 * n, v.flags, flagCount);
    if (together) keepArena(v, copy.bytes, start);
    const arena = this.ownedCopy(v, start);
    return (v.arenaRows = ownedSource(arena, copy.ints, copy.flags, v.arenaBase));
  }

  /** Reads a frame that is not standard-framed: the scan is void once these bytes are consumed. */
  protected readDirect<T extends PgMessage>(cls: MessageClass<T>, start: number, end: number, label: string, consumed: number): T {
    const sb = this.sb;
    const payload = sb.buf.slice(start, end);
    const msg = readFrame(cls, new Reader(payload, 0, payload.length, label, this.streamOffset(start)));
    sb.consume(consumed);
    this.invalidate();
    return msg;
  }

  /**
   * A batch of the DataRows at the head of the stream (up to `maxRows`),
   * over the scan's column table: nothing is copied or decoded until asked.
   * Null if the next frame is not a complete DataRow. Backend direction.
   */
  protected nextRowBatch(maxRows: number): RowBatch | null {
    if (this.failure !== null) this.checkHealthy();
    try {
      return this.rowBatch(maxRows);
    } catch (e) {
      throw this.fail(e);
    }
  }

  private rowBatch(maxRows: number): RowBatch | null {
    this.raiseDeferred();
    this.requireStandard();
    // Once strings() has asked for flags, scan for them up front: one pass instead of two.
    const i = this.nextFrameIndex(this.flagsWanted ? Detail.FLAGS : Detail.COLUMNS);
    if (i < 0) return null;
    const v = this.view!;
    const frames = v.frames;
    if (!this.isScannedRow(frames, i * FRAME_INTS)) return null;
    const count = this.scan!.frameCount;
    let j = i + 1;
    while (j < count && j - i < maxRows && frames[j * FRAME_INTS] === BackendCode.DataRow) j++;
    const batch = new RowBatch(v, i, j - i, this);
    const last = (j - 1) * FRAME_INTS;
    this.cursor = j;
    this.sb.consume(frames[last + 1]! + frames[last + 2]! - this.sb.start);
    if (this.owned) return batch.toOwned();
    this.viewsOut = true;
    return batch;
  }

  /** Deepens the current scan to ASCII flags for `v` (RowBatch strings); false if `v` is stale. */
  ensureFlags(v: ScanView): void {
    fresh(v, 'RowBatch');
    // A frame larger than the window holds long values, decoded on their own: no flags.
    if (!this.sb.inWindow) return;
    this.flagsWanted = true;
    if (this.view === v) this.ensureScan(Detail.FLAGS);
  }
}

const NO_FLAGS = new Uint8Array(0);

/** The engine's flags if a scan at `detail` wrote them; none otherwise (what is there belongs to an older scan). */
function flagsAt(engine: Engine, detail: Detail): Uint8Array {
  return detail === Detail.FLAGS ? engine.flags : NO_FLAGS;
}

/** frames(): one reused Frame and one reused result object, no generator. */
class FrameIterator<M extends PgMessage> implements IterableIterator<Frame<M>> {
  private readonly frame: Frame<M>;
  private readonly result: IteratorResult<Frame<M>>;

  constructor(private readonly decoder: MessageDecoder<M>) {
    this.frame = new Frame<M>(decoder);
    this.result = { done: false, value: this.frame };
  }

  next(): IteratorResult<Frame<M>> {
    const i = this.decoder.nextFrame();
    if (i < 0) return { done: true, value: undefined };
    this.decoder.takeFrame(i, this.frame);
    return this.result;
  }

  [Symbol.iterator](): IterableIterator<Frame<M>> {
    return this;
  }
}

/** Before a phase was worked out: nothing is skimmed. */
const NO_SKIMS: null[] = new Array(256).fill(null);
const NOT_SKIMMED = new Int16Array(256).fill(-1);
const DATA_ROW_ID = typeId('DataRow');

/** Frames of a scan whose skim a decoder remembers (2 Int32 each: 32 KiB at most per decoder, however many rows a read brings). */
const SKIM_MEMO_FRAMES = 4096;

/** A skim memo with room for frame `i` (doubling, up to SKIM_MEMO_FRAMES), keeping what it remembers. */
function growMemo(memo: Int32Array, i: number): Int32Array {
  const next = new Int32Array(2 * Math.min(SKIM_MEMO_FRAMES, Math.max(i + 1, memo.length)));
  next.set(memo);
  return next;
}

/** Is frame-table entry `f` of a type known here, within its limit (`accept`: see phaseFacts)? */
function fits(accept: Int32Array, frames: Int32Array, f: number): boolean {
  return frames[f + 2]! + 4 <= accept[frames[f]!]!;
}

/** Makes `arena` (a copy of the scan's bytes from index `base` on) the scan's owned copy, with its ArrayBuffer and offset read once. */
function keepArena(v: ScanView, arena: Uint8Array, base: number): void {
  v.arena = arena;
  v.arenaBase = base;
  v.arenaAb = arena.buffer;
  v.arenaAbOffset = arena.byteOffset;
}

/** Iteration over read(), without a generator. */
class MessageIterator<M extends PgMessage> implements Iterator<M> {
  /** One result object, refilled each step (for-of reads it before asking again). */
  private readonly result: { done: false; value: M } = { done: false, value: undefined as unknown as M };
  constructor(private readonly decoder: MessageDecoder<M>) {}
  next(): IteratorResult<M> {
    const m = this.decoder.read();
    if (m === null) return { done: true, value: undefined };
    this.result.value = m;
    return this.result;
  }
}
