/**
 * A connection is a stream decoder and a state machine driven together:
 * `send(msg)` checks the message against the phase and returns its bytes,
 * `receive(bytes)` decodes what the peer sent, checks each message and keeps
 * the decoder's framing in step with the phase, one message at a time. No
 * I/O: subclass and override `onSend`/`onReceive` to attach a transport.
 *
 *   FrontendConnection  the client's side: sends frontend messages, receives backend ones
 *   BackendConnection   the server's side: sends backend messages, receives frontend ones
 *
 * A proxy is one of each, and is lossless: bytes received on one decode to
 * messages whose `toWire()` — what `send` on the other returns — is the same
 * bytes.
 */
import { ConnectionPhase } from './constants.js';
import { ProtocolError, type StateMachineError } from './errors.js';
import { checkBoolean, checkOneOf } from './options.js';
import type { PgMessage } from './messages/base.js';
import type { AnyBackendMessage, AnyFrontendMessage } from './messages/index.js';
import type { BackendMessage, FrontendMessage } from './messages/base.js';
import { BackendMessageDecoder } from './decoder/backend-decoder.js';
import type { Frame } from './decoder/frame.js';
import type { FrameBatch } from './decoder/frame-batch.js';
import type { RowBatch } from './decoder/row-batch.js';
import { BackendCode } from './messages/codes.js';
import { FrontendMessageDecoder } from './decoder/frontend-decoder.js';
import type { DecoderOptions, MessageDecoder } from './decoder/message-decoder.js';
import type { EngineName } from './engine/select.js';
import { BackendStateMachine, FrontendStateMachine, type MessageAction, type ProtocolStateMachine } from './state-machine.js';
import { typeId } from './messages/type-ids.js';

/** Options of a connection: its decoder's, and its state machine's. */
export interface ConnectionOptions extends DecoderOptions {
  /** Phase to start in (default STARTUP); e.g. READY for a proxy attached after startup. */
  initialPhase?: ConnectionPhase;
  /**
   * Strict (default): a message out of phase throws `StateMachineError` and
   * fails the connection. Non-strict: it is reported to `onViolation` and
   * the connection keeps going.
   */
  strict?: boolean;
  /** Called with each violation in non-strict mode (besides the `onViolation` method). */
  onViolation?: (error: StateMachineError) => void;
}

/** How many non-strict violations `violations` keeps (the oldest are dropped). */
const MAX_KEPT_VIOLATIONS = 100;

/**
 * A stream decoder and a state machine driven together, for one side of a
 * connection: FrontendConnection or BackendConnection.
 */
export abstract class Connection<Out extends PgMessage, In extends PgMessage> {
  /** Whether a message out of phase throws (the `strict` option, default true). */
  readonly strict: boolean;
  /** The most recent violations tolerated in non-strict mode. */
  readonly violations: StateMachineError[] = [];
  /** Checks every message sent and received, and tracks the phase. */
  protected abstract readonly machine: ProtocolStateMachine;
  /** Decodes what the peer sends. */
  protected abstract readonly decoder: MessageDecoder<In>;
  private failure: ProtocolError | null = null;
  private readonly violationCallback: ((e: StateMachineError) => void) | undefined;

  constructor(opts: ConnectionOptions) {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('connection options must be an object');
    checkBoolean('strict', opts.strict);
    checkOneOf('initialPhase', opts.initialPhase, Object.values(ConnectionPhase));
    if (opts.onViolation !== undefined && typeof opts.onViolation !== 'function') throw new TypeError('onViolation must be a function');
    this.strict = opts.strict ?? true;
    this.violationCallback = opts.onViolation;
  }

  /** Which engine scans received bytes ('wasm' or 'js'). */
  get engine(): EngineName {
    return this.decoder.engine;
  }

  /** Where the conversation stands; FAILED after any protocol error. */
  get phase(): ConnectionPhase {
    return this.failure !== null ? ConnectionPhase.FAILED : this.machine.phase;
  }

  /** The phase is READY: no request awaits an answer. */
  get isReady(): boolean {
    return this.phase === ConnectionPhase.READY;
  }

  /** Neither terminated nor failed. */
  get isActive(): boolean {
    return this.failure === null && this.machine.isActive;
  }

  /** Syncs sent whose ReadyForQuery has not arrived. */
  get pendingSyncs(): number {
    return this.machine.pendingSyncs;
  }

  /** Requests sent and not yet fully answered, oldest first (Describe as DescribeS/DescribeP). */
  get pendingRequests(): readonly string[] {
    return this.machine.pendingRequests;
  }

  /**
   * Bytes received but not yet decoded. A server should see 0 here before it
   * answers an SSLRequest with 'S' (anything buffered came in the clear).
   */
  get buffered(): number {
    return this.decoder.buffered;
  }

  /**
   * Bytes the decoder holds for itself: 0 for an idle connection on the
   * message path, the window of a lent engine while bytes are being decoded
   * or frames viewing it are out (see `release`).
   */
  get heldBytes(): number {
    return this.decoder.heldBytes;
  }

  /**
   * Gives the decoder's engine back to the pool: frames and row batches
   * read from this connection go stale. Call it on the frame path once
   * what was pulled is written out, so an idle connection holds no window
   * (`receive` needs no call: it gives the engine back as it drains).
   */
  release(): void {
    this.decoder.release();
  }

  /** The protocol error that failed this connection, if any. */
  get error(): ProtocolError | null {
    return this.failure;
  }

  /**
   * Encodes `msg`, checks it against the phase, records it, and returns its
   * wire bytes (also passed to `onSend`). A value the peer would read
   * differently throws `EncodingError` and changes nothing.
   */
  send(msg: Out): Uint8Array {
    // Encode first: a value the encoder refuses (EncodingError) leaves the state machine where it was.
    const bytes = msg.toWire();
    this.checkSend(msg);
    this.onSend(bytes);
    return bytes;
  }

  /**
   * Feeds bytes from the peer and decodes every complete message, checking
   * each against the phase and calling `onReceive`. The work is done before
   * this returns; iterate the result to get the messages. If a protocol error
   * occurs after some messages, iteration yields those and then throws it
   * (with nothing before it, it is thrown at once); the connection is then
   * FAILED.
   */
  receive(data: Uint8Array): Iterable<In> {
    const out: In[] = [];
    let error: unknown = null;
    try {
      this.guard(() => this.decoder.feed(data));
      for (;;) {
        this.syncDecoder();
        const msg = this.guard(() => this.decoder.read());
        if (msg === null) break;
        this.check(msg);
        out.push(msg);
        this.onReceive(msg);
      }
    } catch (e) {
      if (out.length === 0) throw e;
      error = e;
    }
    return error === null ? out : yieldThenThrow(out, error);
  }

  // ---- the frame path, for proxies: checked by the state machine, decoded only where it must be ----

  /** Adds bytes from the peer without decoding them; pull with `readFrame()` (or `readRowBatch()` on a FrontendConnection). */
  feed(data: Uint8Array): void {
    // guard() written out here and in readFrames: a closure per read costs on a proxy's hot path.
    if (this.failure !== null) throw this.failure;
    try {
      this.decoder.feed(data);
    } catch (e) {
      throw this.failed(e);
    }
  }

  /**
   * The next complete frame, checked against the phase. DataRow and
   * CopyData frames are checked by type alone; other frames are decoded for
   * the state machine (their message is `frame.decode()`). Valid until the
   * next feed. Standard framing phases only (startup uses `receive`).
   */
  readFrame(): Frame<In> | null {
    this.syncDecoder();
    const f = this.guard(() => this.decoder.readFrame());
    if (f === null) return null;
    const t = f.type;
    if (t === COPY_DATA) this.checkType(COPY_DATA_ID, 0);
    else if (t === DATA_ROW && this.receivesDataRows) this.checkType(DATA_ROW_ID, 0);
    else this.check(f.decode());
    return f;
  }

  /**
   * Every complete frame buffered (up to `max`) as one batch, each checked
   * against the phase. A frame whose class can check its payload without
   * decoding it (every message of a query's round trip: Bind, Execute,
   * RowDescription, DataRow, ReadyForQuery...) is checked that way and
   * judged by its type (a Describe by its kind byte); the others are
   * decoded, once, and the message kept for `sendFrames` on the other
   * connection. A malformed payload raises the same typed error either way. After
   * a frame that changes the phase, the frames that follow are judged and
   * decoded as in the new phase (the batch ends before one not accepted
   * there: the next call raises it). If a frame fails its check, the frames
   * before it come back as a batch and the next call throws. Valid until the
   * next feed.
   */
  readFrames(max = Infinity): FrameBatch<In> | null {
    this.syncDecoder();
    if (this.failure !== null) throw this.failure;
    let b: FrameBatch<In> | null;
    try {
      b = this.decoder.readFrames(max);
    } catch (e) {
      throw this.failed(e);
    }
    if (b === null) return null;
    const n = b.count;
    for (let i = 0; i < n; i++) {
      const phase = this.machine.phase;
      try {
        // Most frames are checked by their type alone, their payload found well formed without decoding it.
        const type = b.skim(i);
        if (type !== -1) this.checkType(type, type === DESCRIBE ? b.firstByte(i) : 0);
        else {
          let msg: In;
          try {
            msg = b.decode(i);
          } catch (e) {
            throw this.failed(e);
          }
          this.check(msg);
        }
      } catch (e) {
        if (i === 0) throw e;
        return this.decoder.keepFrames(b, i); // what was valid before it; this connection has failed, the next pull says why
      }
      if (i + 1 < n && this.machine.phase !== phase) {
        // The frames after it are judged and decoded as in the new phase; a batch ends before one that is not accepted there.
        this.syncDecoder();
        const kept = this.decoder.refit(b, i + 1);
        if (kept !== b) return kept;
      }
    }
    return b;
  }

  /** Whether 'D' frames received are DataRows (a client's view) rather than Describes. */
  protected readonly receivesDataRows: boolean = false;

  /**
   * Socket ingestion without the copy, as the decoders' `socketReader`: pass
   * the result as `onread` to `net.connect`; in `onData`, pull with
   * `readFrame()`, `readRowBatch()` or `receive(new Uint8Array(0))`.
   */
  socketReader(onData: () => void, minRead?: number): {
    /** The free space for the next read: Node's `onread.buffer`. */
    buffer: () => Uint8Array;
    /** Takes `nread` bytes read into the last buffer, then calls `onData`: Node's `onread.callback`. */
    callback: (nread: number) => boolean
  } {
    return this.decoder.socketReader(onData, minRead);
  }

  /**
   * Sends a frame another connection read (a proxy forwarding), checked
   * like `send` but not re-encoded: returns (and passes to `onSend`) the
   * frame's own bytes. DataRow and CopyData are checked by type alone.
   */
  sendFrame(frame: Frame<Out>): Uint8Array {
    const t = frame.type;
    if (t === COPY_DATA) this.checkType(COPY_DATA_ID, 0, 'send');
    else if (t === DATA_ROW && this.sendsDataRows) this.checkType(DATA_ROW_ID, 0, 'send');
    else this.checkSend(frame.decode());
    const bytes = frame.bytes;
    this.onSend(bytes);
    return bytes;
  }

  /**
   * Sends a batch of frames another connection read (`readFrames()`), or
   * its frames `start` to `end` (exclusive), each checked as the reading
   * side checked it (by its type, or by the message it decoded), not
   * re-encoded: returns
   * (and passes to `onSend`) their bytes as they came, one view for one write.
   */
  sendFrames(batch: FrameBatch<Out>, start = 0, end = batch.count): Uint8Array {
    const bytes = batch.spanBytes(start, end); // checks the range before anything is recorded
    for (let i = start; i < end; i++) {
      const type = batch.skim(i);
      if (type !== -1) this.checkType(type, type === DESCRIBE ? batch.firstByte(i) : 0, 'send');
      else this.checkSend(batch.decode(i));
    }
    this.onSend(bytes);
    return bytes;
  }

  /** Checks a message this side sends against the state machine, strictly or not. */
  protected checkSend(msg: Out): void {
    if (this.strict) {
      // guard() written out: this runs for every frame forwarded, and a closure per frame costs.
      if (this.failure !== null) throw this.failure;
      try {
        this.machine.send(msg);
      } catch (e) {
        throw this.failed(e);
      }
    } else {
      const v = this.machine.tolerate(msg, 'send');
      if (v !== null) this.violation(v);
    }
  }

  /** `check` (or with 'send', `checkSend`) for a frame known by its type id and a Describe's kind byte, not decoded. */
  protected checkType(type: number, kind: number, action: MessageAction = 'receive'): void {
    if (this.strict) {
      if (this.failure !== null) throw this.failure;
      try {
        if (action === 'send') this.machine.sendType(type, kind);
        else this.machine.receiveType(type, kind);
      } catch (e) {
        throw this.failed(e);
      }
    } else {
      const v = this.machine.tolerateType(type, null, kind, action);
      if (v !== null) this.violation(v);
    }
  }

  /** Whether 'D' frames sent are DataRows (a server's view). */
  protected readonly sendsDataRows: boolean = false;

  /** Checks a received message against the state machine, strictly or not. */
  protected check(msg: In): void {
    if (this.strict) {
      if (this.failure !== null) throw this.failure;
      try {
        this.machine.receive(msg);
      } catch (e) {
        throw this.failed(e);
      }
    } else {
      const v = this.machine.tolerate(msg, 'receive');
      if (v !== null) this.violation(v);
    }
  }

  /** Hook: bytes produced by `send`. Override to write them to a transport. */
  onSend(_bytes: Uint8Array): void {}

  /** Hook: each message `receive` decoded, in order. */
  onReceive(_msg: In): void {}

  /** Hook: a violation tolerated in non-strict mode. The default keeps the latest in `violations`. */
  onViolation(error: StateMachineError): void {
    this.violations.push(error);
    if (this.violations.length > MAX_KEPT_VIOLATIONS) this.violations.shift();
  }

  private violation(e: StateMachineError): void {
    this.onViolation(e);
    this.violationCallback?.(e);
  }

  /** Runs `fn`; a protocol error fails the connection and is rethrown. */
  protected guard<T>(fn: () => T): T {
    if (this.failure !== null) throw this.failure;
    try {
      return fn();
    } catch (e) {
      throw this.failed(e);
    }
  }

  /** Records a protocol error as this connection's failure; returns what to rethrow. */
  private failed(e: unknown): unknown {
    if (e instanceof ProtocolError) this.failure = e;
    return e;
  }

  /** Keeps the decoder's framing in step with the state machine, before every pull. */
  protected syncDecoder(): void {
    this.decoder.phase = this.machine.phase;
  }
}

const DESCRIBE = typeId('Describe');
const DATA_ROW = BackendCode.DataRow;
const COPY_DATA = BackendCode.CopyData;
/** DataRow and CopyData frames: the state machine looks only at their type. */
const DATA_ROW_ID = typeId('DataRow');
const COPY_DATA_ID = typeId('CopyData');

function* yieldThenThrow<T>(items: T[], error: unknown): Generator<T> {
  yield* items;
  throw error;
}

/** The client's side of a connection. */
export class FrontendConnection extends Connection<FrontendMessage, AnyBackendMessage> {
  protected readonly machine: FrontendStateMachine;
  protected readonly decoder: BackendMessageDecoder;
  protected override readonly receivesDataRows = true;

  constructor(opts: ConnectionOptions = {}) {
    super(opts);
    this.machine = new FrontendStateMachine({ initialPhase: opts.initialPhase, name: 'FrontendConnection' });
    this.decoder = new BackendMessageDecoder({ ...opts, phase: opts.initialPhase });
  }

  /** The DataRows at the head of what was fed, as one batch, each checked against the phase; null if the next frame is something else. */
  readRowBatch(maxRows = Infinity): RowBatch | null {
    this.syncDecoder();
    const b = this.guard(() => this.decoder.readRowBatch(maxRows));
    if (b !== null) for (let r = 0; r < b.rowCount; r++) this.checkType(DATA_ROW_ID, 0);
    return b;
  }
}

/** The server's side of a connection. */
export class BackendConnection extends Connection<BackendMessage, AnyFrontendMessage> {
  protected readonly machine: BackendStateMachine;
  protected readonly decoder: FrontendMessageDecoder;
  protected override readonly sendsDataRows = true;

  /** Forwards a batch of DataRows another connection read: each row checked, the batch's bytes returned (and passed to `onSend`) as they came. */
  sendRowBatch(batch: RowBatch): Uint8Array {
    for (let r = 0; r < batch.rowCount; r++) this.checkType(DATA_ROW_ID, 0, 'send');
    const bytes = batch.frameBytes;
    this.onSend(bytes);
    return bytes;
  }

  constructor(opts: ConnectionOptions = {}) {
    super(opts);
    this.machine = new BackendStateMachine({ initialPhase: opts.initialPhase, name: 'BackendConnection' });
    this.decoder = new FrontendMessageDecoder({ ...opts, phase: opts.initialPhase });
  }

  protected override syncDecoder(): void {
    super.syncDecoder();
    this.decoder.gssAuthentication = this.machine.gssAuthentication;
  }
}
