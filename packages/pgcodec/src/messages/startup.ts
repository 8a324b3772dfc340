/**
 * Startup packets (frontend, untyped: the Int32 after the length says what
 * they are) and the single-byte answers to the encryption requests.
 *
 *   StartupMessage   Int32 len | Int32 version (3 << 16 | minor) | (String name, String value)* | Byte1 0
 *   SSLRequest       Int32 8   | Int32 80877103
 *   GSSENCRequest    Int32 8   | Int32 80877104
 *   CancelRequest    Int32 len | Int32 80877102 | Int32 processId | Byten secretKey (4 in 3.0, ≤ 256 in 3.2)
 *   SSLResponse      Byte1 'S' | 'N'            (no length)
 *   GSSResponse      Byte1 'G' | 'N'            (no length)
 */
import { EncodingError, ErrorCode } from '../errors.js';
import { MAX_CANCEL_KEY_LENGTH, MIN_CANCEL_KEY_LENGTH, StartupRequestCode } from '../constants.js';
import type { Reader } from '../wire/reader.js';
import { show, type Writer } from '../wire/writer.js';
import { BackendMessage, SpecialMessage, defineMessage, frozen, type PgMessage } from './base.js';
import { quote } from './display.js';
import { readCancelKey, writeCancelKey } from './fields.js';

/** Startup parameters: an object, or [name, value] pairs in the order to send them. */
export type StartupParams = Record<string, string> | Iterable<readonly [string, string]>;

/** The client's first packet: the protocol version, then the session's parameters (user, database, options, GUCs). */
export class StartupMessage extends SpecialMessage {
  declare readonly type: 'StartupMessage';
  /** (major << 16) | minor; 196608 is 3.0, 196610 is 3.2. */
  readonly protocolVersion: number;
  /** Parameters in the order they are sent (duplicates kept, as on the wire). */
  readonly entries: ReadonlyArray<readonly [string, string]>;

  constructor(opts: { params?: StartupParams; protocolVersion?: number } = {}) {
    super();
    this.protocolVersion = opts.protocolVersion ?? StartupRequestCode.V3_0;
    const p = opts.params ?? {};
    if (typeof p !== 'object') throw new EncodingError(ErrorCode.WRONG_TYPE, 'StartupMessage', 'params', `${show(p)} is not an object or a list of pairs`);
    this.entries = Symbol.iterator in p ? [...(p as Iterable<readonly [string, string]>)] : Object.entries(p);
  }

  /** Parameters as an object (`user`, `database`, `options`, `replication`, GUCs…). */
  get params(): Record<string, string> {
    const o: Record<string, string> = {};
    for (const [k, v] of this.entries) o[k] = v;
    return o;
  }

  /** The protocol's major version: 3. */
  get majorVersion(): number {
    return this.protocolVersion >>> 16;
  }

  /** The protocol's minor version: 0 for 3.0, 2 for 3.2. */
  get minorVersion(): number {
    return this.protocolVersion & 0xffff;
  }

  writePayload(w: Writer): void {
    const v = this.protocolVersion;
    // The server reads any other major as a request code (or refuses it).
    if (typeof v !== 'number' || v >>> 0 !== v || v >>> 16 !== 3) {
      w.fail(ErrorCode.INVALID_VALUE, 'protocolVersion', `${show(v)} is not a protocol 3 version ((3 << 16) | minor)`);
    }
    w.int32(v);
    for (const e of this.entries) {
      if (!Array.isArray(e) || e.length !== 2) w.fail(ErrorCode.WRONG_TYPE, 'params', `${show(e)} is not a [name, value] pair`);
      // A NUL in a name or value would smuggle in another parameter (options, replication...).
      w.listItem(e[0], 'params').cstring(e[1], 'params');
    }
    w.u8(0);
  }

  /** `StartupMessage 3.2 user='alice' database='db'` */
  override summary(): string {
    return [`${this.majorVersion}.${this.minorVersion}`, ...this.entries.map(([k, v]) => `${k}=${quote(v)}`)].join(' ');
  }

  /** Reads the payload; a major version other than 3 is ERR_UNKNOWN_REQUEST_CODE. */
  static read(r: Reader): StartupMessage {
    const at = r.pos;
    const version = r.u32('protocol version');
    if (version >>> 16 !== 3) {
      r.fail(ErrorCode.UNKNOWN_REQUEST_CODE, `unsupported protocol version ${version >>> 16}.${version & 0xffff}`, at);
    }
    const entries: [string, string][] = [];
    while (!r.atNul()) entries.push([r.cstring('parameter name'), r.cstring('parameter value')]);
    r.u8();
    return new StartupMessage({ protocolVersion: version, params: entries });
  }
}
defineMessage(StartupMessage, 'StartupMessage', null, 'frontend');

/** Reads the request code and checks it is the one expected. */
function expectCode(r: Reader, code: number, what: string): void {
  const at = r.pos;
  const got = r.u32('request code');
  if (got !== code) r.fail(ErrorCode.UNKNOWN_REQUEST_CODE, `request code ${got} is not ${what} (${code})`, at);
}

/** Declares an encryption request packet (length 8, just its code) and its frozen singleton. */
function requestPacket<N extends string>(type: N, code: number, docName: string) {
  const cls = class extends SpecialMessage {
    declare readonly type: N;
    writePayload(w: Writer): void {
      w.int32(code);
    }
    /** Checks the request code and returns the shared frozen instance. */
    static read(r: Reader): PgMessage & {
      /** This request's name. */
      readonly type: N
    } {
      expectCode(r, code, docName);
      return instance;
    }
  };
  Object.defineProperty(cls, 'name', { value: type });
  defineMessage(cls, type, null, 'frontend');
  const instance = frozen(new cls());
  return cls;
}

/**
 * SSLRequest: the client asks to go on in TLS. The server answers with
 * one byte, SSLResponse 'S' or 'N'.
 * @class
 */
export const SSLRequest = requestPacket('SSLRequest', StartupRequestCode.SSL_REQUEST, 'SSLRequest');
export type SSLRequest = InstanceType<typeof SSLRequest>;
/**
 * GSSENCRequest: the client asks to go on with GSSAPI encryption. The
 * server answers with one byte, GSSResponse 'G' or 'N'.
 * @class
 */
export const GSSEncRequest = requestPacket('GSSEncRequest', StartupRequestCode.GSSENC_REQUEST, 'GSSENCRequest');
export type GSSEncRequest = InstanceType<typeof GSSEncRequest>;

/**
 * Sent on a new connection instead of a StartupMessage: asks the server to
 * cancel what the backend identified by `processId` and `secretKey` is running.
 */
export class CancelRequest extends SpecialMessage {
  declare readonly type: 'CancelRequest';
  /** Process ID of the backend, from its BackendKeyData. */
  readonly processId: number;
  /** 4 bytes in protocol 3.0; up to 256 bytes in 3.2. */
  readonly secretKey: Uint8Array;

  constructor(opts: { processId: number; secretKey: Uint8Array }) {
    super();
    this.processId = opts.processId;
    this.secretKey = opts.secretKey;
  }

  writePayload(w: Writer): void {
    w.int32(StartupRequestCode.CANCEL_REQUEST).i32(this.processId, 'processId');
    writeCancelKey(w, this.secretKey);
  }

  /** Reads the payload: request code, process ID, secret key. */
  static read(r: Reader): CancelRequest {
    expectCode(r, StartupRequestCode.CANCEL_REQUEST, 'CancelRequest');
    const processId = r.i32('process ID');
    return new CancelRequest({ processId, secretKey: readCancelKey(r) });
  }
}
defineMessage(CancelRequest, 'CancelRequest', null, 'frontend');

/** Base of the single-byte answers: no type byte, no length. */
abstract class NegotiationResponse extends BackendMessage {
  /** True when the server agreed to encrypt ('S' or 'G'). */
  readonly accepted: boolean;
  /** The byte that means yes: 'S' or 'G'. */
  protected abstract readonly yes: number;

  constructor(opts: { accepted: boolean }) {
    super();
    this.accepted = opts.accepted;
  }

  writePayload(w: Writer): void {
    w.u8(this.answer());
  }

  /** The single byte, with no type byte or length. */
  override toWire(): Uint8Array {
    return Uint8Array.of(this.answer());
  }

  /** The single byte: the whole message. */
  override encode(): Uint8Array {
    return this.toWire();
  }

  private answer(): number {
    if (typeof this.accepted !== 'boolean') {
      throw new EncodingError(ErrorCode.WRONG_TYPE, this.type, 'accepted', `${show(this.accepted)} is not a boolean`);
    }
    return this.accepted ? this.yes : 0x4e;
  }
}

/** The server's answer to SSLRequest: 'S' (go ahead with TLS) or 'N'. */
export class SSLResponse extends NegotiationResponse {
  declare readonly type: 'SSLResponse';
  /** 'S' */
  protected get yes(): number {
    return 0x53;
  }
  /** Reads the one byte; returns one of two shared frozen instances. */
  static read(r: Reader): SSLResponse {
    const b = r.u8('SSL answer');
    if (b !== 0x53 && b !== 0x4e) r.fail(ErrorCode.BAD_NEGOTIATION_RESPONSE, `SSL answer ${b} is not 'S' or 'N'`, r.pos - 1);
    return b === 0x53 ? SSL_YES : SSL_NO;
  }
}
defineMessage(SSLResponse, 'SSLResponse', null, 'backend');
const SSL_YES = frozen(new SSLResponse({ accepted: true }));
const SSL_NO = frozen(new SSLResponse({ accepted: false }));

/** The server's answer to GSSENCRequest: 'G' (go ahead with GSSAPI encryption) or 'N'. */
export class GSSResponse extends NegotiationResponse {
  declare readonly type: 'GSSResponse';
  /** 'G' */
  protected get yes(): number {
    return 0x47;
  }
  /** Reads the one byte; returns one of two shared frozen instances. */
  static read(r: Reader): GSSResponse {
    const b = r.u8('GSS answer');
    if (b !== 0x47 && b !== 0x4e) r.fail(ErrorCode.BAD_NEGOTIATION_RESPONSE, `GSS answer ${b} is not 'G' or 'N'`, r.pos - 1);
    return b === 0x47 ? GSS_YES : GSS_NO;
  }
}
defineMessage(GSSResponse, 'GSSResponse', null, 'backend');
const GSS_YES = frozen(new GSSResponse({ accepted: true }));
const GSS_NO = frozen(new GSSResponse({ accepted: false }));
