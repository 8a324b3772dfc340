/**
 * What every message shares: its identity (name, type byte, direction), the
 * header written in one place for all, and the decode entry point that runs
 * a class's `read` inside a bounded `Reader` and insists every byte is used.
 *
 * The runtime bases, as pygwire has them (`instanceof` works):
 *
 *   PgMessage
 *   ├─ FrontendMessage     what a client sends
 *   │  └─ SpecialMessage   startup packets: no type byte (StartupMessage, SSLRequest, GSSEncRequest, CancelRequest)
 *   └─ BackendMessage      what a server sends
 *      └─ CommonMessage    sent by both (CopyData, CopyDone): also `instanceof FrontendMessage`
 */
import { EncodingError, ErrorCode } from '../errors.js';
import { Reader } from '../wire/reader.js';
import { encodeText, isWellFormed } from '../wire/text.js';
import { Writer, show } from '../wire/writer.js';
import { fieldsLine, plain } from './display.js';

/** Who sends a message: the client (frontend), the server (backend), or either (COPY data). */
export type Direction = 'frontend' | 'backend' | 'both';

/**
 * Payloads of decoded messages whose text was not valid UTF-8: re-encoding
 * the decoded strings would not give the same bytes, so those messages
 * re-emit their original payload instead. Messages are immutable, so this
 * can never go stale.
 */
const RAW_PAYLOAD = Symbol('pgcodec.rawPayload');
/** The type byte as a number (-1 for startup packets), beside `typeCode`: toWire() reads it without a string. */
const TYPE_BYTE = Symbol('pgcodec.typeByte');
interface Typed {
  [TYPE_BYTE]: number;
}
/** A message that keeps its original payload (non-enumerable, so it is not one of its fields). */
interface WithRaw {
  [RAW_PAYLOAD]?: Uint8Array;
}

/**
 * Base of every protocol message: its identity (`type`, `typeCode`,
 * `direction`), its bytes (`toWire()`) and `decode` for its class.
 */
export abstract class PgMessage {
  /** The message's name as in the PostgreSQL docs; a discriminant for `switch`. */
  declare readonly type: string;
  /** The type byte as a character, or null for startup packets and negotiation answers. */
  declare readonly typeCode: string | null;
  /** Who sends it: 'frontend', 'backend', or 'both' (CopyData, CopyDone). */
  declare readonly direction: Direction;

  /** Writes the payload: everything after the length field. */
  abstract writePayload(w: Writer): void;

  /** Initial writer capacity; classes with big payloads give a better guess. */
  sizeHint(): number {
    return 64;
  }

  /**
   * The complete wire bytes: type byte (if any), length, payload. Throws
   * `EncodingError`, before producing any byte, for a value the peer would
   * read differently (see the Writer).
   *
   * The bytes are yours to send and keep, not to modify: small messages are
   * views of a shared slab (`byteOffset` may be non-zero), and messages
   * whose bytes never vary (Sync, Flush, CopyDone, the unnamed portal's
   * Execute without a row limit...) return one shared buffer, as
   * node-postgres's serializer does.
   */
  toWire(): Uint8Array {
    let hint = 64;
    try {
      hint = this.sizeHint();
    } catch {
      // A hint over bad values: the writer reports them properly.
    }
    const w = Writer.open(this.type, hint);
    try {
      const code = (this as unknown as Typed)[TYPE_BYTE];
      if (code < 0) w.beginUntyped();
      else w.begin(code);
      const raw = (this as WithRaw)[RAW_PAYLOAD];
      if (raw !== undefined) w.bytes(raw, 'payload');
      else this.writePayload(w);
      return w.finish();
    } catch (e) {
      w.abandon();
      throw e;
    }
  }

  /** Plain data for JSON: `type` and the message's fields (bytes as hex strings). */
  toJSON(): {
    /** The message's name. */
    type: string;
    [field: string]: unknown
  } {
    return { type: this.type, ...(plain({ ...this }) as object) };
  }

  /** One line for a person: the type and what matters, e.g. `ErrorResponse ERROR 42P01 relation "x" does not exist`. */
  toString(): string {
    const rest = this.summary();
    return rest === '' ? this.type : `${this.type} ${rest}`;
  }

  /** What `toString()` shows after the type: the fields, or what matters most for the class. */
  summary(): string {
    return fieldsLine(this);
  }

  /** Node's util.inspect (console.log) shows the one-line form. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** The payload alone: what follows the type byte and length (pygwire's `encode()`). Checked as `toWire()` is. */
  encode(): Uint8Array {
    return this.toWire().slice(this.typeCode === null ? 4 : 5);
  }

  /**
   * Decodes a payload (the bytes after type and length) into this class.
   * `origin` is the stream offset of the payload, for error reports.
   */
  static decode<T extends PgMessage>(this: MessageClass<T>, payload: Uint8Array, origin = 0): T {
    const proto = this.prototype as PgMessage;
    return readFrame(this, new Reader(payload, 0, payload.length, proto.typeCode ?? proto.type, origin));
  }
}

const ordinaryInstanceOf = Function.prototype[Symbol.hasInstance];

/** Base of what a client sends; CommonMessage instances (sent by both sides) are FrontendMessages too. */
export abstract class FrontendMessage extends PgMessage {
  /** `instanceof FrontendMessage` also holds for CommonMessage instances (CopyData, CopyDone), which both sides send. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    // Subclasses get the ordinary check (defineMessage gives each its own, so V8 keeps instanceof fast).
    if (this !== FrontendMessage) return ordinaryInstanceOf.call(this, x);
    return ordinaryInstanceOf.call(FrontendMessage, x) || ordinaryInstanceOf.call(CommonMessage, x);
  }
}

/** Base of what a server sends. */
export abstract class BackendMessage extends PgMessage {}

/** Base of the messages both sides send (CopyData, CopyDone): `instanceof` both FrontendMessage and BackendMessage. */
export abstract class CommonMessage extends BackendMessage {}

/** Base of the startup packets: a client's, with no type byte (the Int32 after the length says what they are). */
export abstract class SpecialMessage extends FrontendMessage {}

/** A message class as the decoders see it. */
export interface MessageClass<T extends PgMessage = PgMessage> {
  /** Where the class keeps `type`, `typeCode` and `direction` (see `defineMessage`). */
  readonly prototype: T;
  /** Reads the payload's fields; `readFrame` checks that nothing is left. */
  read(r: Reader): T;
  /**
   * Whether `buf[p, end)` is a payload `read` accepts, found without
   * reading it (the frame path; see wire/skim.ts). Only a class's own
   * `skim` is used: a subclass that reads differently does not inherit it.
   */
  skim?(buf: Uint8Array, p: number, end: number): boolean;
}

/** Runs `cls.read` over the frame and checks the frame is used exactly. */
export function readFrame<T extends PgMessage>(cls: MessageClass<T>, r: Reader): T {
  const msg = cls.read(r);
  r.done();
  if (r.inexactText) Object.defineProperty(msg, RAW_PAYLOAD, { value: r.buf.subarray(r.start, r.end) });
  return msg;
}

/** Attaches a class's identity to its prototype, so instances carry no per-object cost for it. */
export function defineMessage(
  cls: abstract new (...args: never[]) => PgMessage,
  type: string,
  typeCode: number | null,
  direction: Direction,
): void {
  Object.defineProperties(cls.prototype, {
    type: { value: type, enumerable: false },
    typeCode: { value: typeCode === null ? null : String.fromCharCode(typeCode), enumerable: false },
    [TYPE_BYTE]: { value: typeCode ?? -1, enumerable: false },
    direction: { value: direction, enumerable: false },
  });
  // The ordinary instanceof for the class itself, not FrontendMessage's wider one it would inherit.
  Object.defineProperty(cls, Symbol.hasInstance, { value: ordinaryInstanceOf });
}

/**
 * Bytes from a string (UTF-8) or bytes as given, for a constructor; null
 * stays null. Anything else, or a string without a UTF-8 form, is an
 * EncodingError naming `owner`'s type and `field`.
 */
export function toBytes(v: Uint8Array | string, owner: PgMessage, field: string): Uint8Array;
export function toBytes(v: Uint8Array | string | null, owner: PgMessage, field: string): Uint8Array | null;
export function toBytes(v: Uint8Array | string | null, owner: PgMessage, field: string): Uint8Array | null {
  if (v === null || v instanceof Uint8Array) return v;
  checkValue(v, owner, field);
  return encodeText(v);
}

/** Throws EncodingError unless `v` is null, bytes, or a string with a UTF-8 form. */
function checkValue(v: unknown, owner: PgMessage, field: string): void {
  if (v === null || v instanceof Uint8Array) return;
  if (typeof v !== 'string') throw new EncodingError(ErrorCode.WRONG_TYPE, owner.type, field, `${show(v)} is not a string or Uint8Array`);
  if (!isWellFormed(v)) throw new EncodingError(ErrorCode.INVALID_TEXT, owner.type, field, 'contains a lone UTF-16 surrogate, which has no UTF-8 form');
}

/**
 * A list of values (strings, bytes, null for SQL NULL) checked as `toBytes`
 * checks them but kept as given (a copy of the list): strings are encoded
 * later, straight into the message's bytes.
 */
export function checkValueList(v: readonly (Uint8Array | string | null)[], owner: PgMessage, field: string): readonly (Uint8Array | string | null)[] {
  if (!Array.isArray(v)) throw new EncodingError(ErrorCode.WRONG_TYPE, owner.type, field, `${show(v)} is not an array`);
  const out = v.slice();
  for (let i = 0; i < out.length; i++) checkValue(out[i], owner, field);
  return out;
}

/** `toBytes` over a list of values (null for SQL NULL), checking it is an array. */
export function toByteList(v: readonly (Uint8Array | string | null)[], owner: PgMessage, field: string): (Uint8Array | null)[] {
  if (!Array.isArray(v)) throw new EncodingError(ErrorCode.WRONG_TYPE, owner.type, field, `${show(v)} is not an array`);
  const out = new Array<Uint8Array | null>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = toBytes(v[i]!, owner, field);
  return out;
}

/**
 * A message with an empty payload (Sync, Flush, CopyDone, ParseComplete, ...).
 * @inline
 */
export interface Bodyless<N extends string> extends PgMessage {
  readonly type: N;
}

/** The runtime base for a direction. */
export function baseFor(direction: Direction): abstract new () => PgMessage {
  return direction === 'frontend' ? FrontendMessage : direction === 'backend' ? BackendMessage : CommonMessage;
}

/** Declares a bodyless message class and its frozen singleton. */
export function bodyless<N extends string>(type: N, code: number, direction: Direction) {
  const wire = Uint8Array.of(code, 0, 0, 0, 4);
  const cls = class extends baseFor(direction) {
    declare readonly type: N;
    /** Its bytes never vary: one shared buffer (type byte, length 4), never to be modified. */
    override toWire(): Uint8Array {
      return wire;
    }
    /** Writes nothing: the payload is empty. */
    writePayload(): void {}
    /** Returns the shared frozen instance: there is nothing to read. */
    static read(): Bodyless<N> {
      return instance;
    }
    /** Nothing: the payload is empty. */
    static skim(_buf: Uint8Array, p: number, end: number): boolean {
      return p === end;
    }
  };
  Object.defineProperty(cls, 'name', { value: type });
  defineMessage(cls, type, code, direction);
  const instance: Bodyless<N> = frozen(new cls());
  return cls;
}


/** Freezes a shared instance (decoders hand out one object for every bodyless frame) and keeps its type. */
export function frozen<T extends object>(x: T): T {
  Object.freeze(x);
  return x;
}
