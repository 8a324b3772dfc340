/**
 * Session setup and housekeeping messages the server sends around queries,
 * and the client's Terminate.
 *
 *   'K' BackendKeyData            Int32 processId | Byten secretKey (4 in 3.0, ≤ 256 in 3.2)
 *   'S' ParameterStatus           String name | String value
 *   'v' NegotiateProtocolVersion  Int32 newestMinor (PostgreSQL: (3 << 16) | minor) | Int32 n | String option × n
 *   'Z' ReadyForQuery             Byte1 status ('I', 'T', 'E')
 *   'A' NotificationResponse      Int32 processId | String channel | String payload
 *   'X' Terminate                 (empty)
 */
import { ErrorCode } from '../errors.js';
import { TransactionStatus } from '../constants.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { BackendMessage, bodyless, defineMessage, frozen } from './base.js';
import { quote } from './display.js';
import { BackendCode, FrontendCode } from './codes.js';
import { readCancelKey, writeCancelKey } from './fields.js';
import { skipBytes, skipString } from '../wire/skim.js';

/** 'K': the backend's process ID and secret key, which a CancelRequest for this session must give. */
export class BackendKeyData extends BackendMessage {
  declare readonly type: 'BackendKeyData';
  /** Process ID of the backend serving this session. */
  readonly processId: number;
  /** 4 bytes in protocol 3.0; up to 256 bytes in 3.2. */
  readonly secretKey: Uint8Array;
  constructor(opts: { processId: number; secretKey: Uint8Array }) {
    super();
    this.processId = opts.processId;
    this.secretKey = opts.secretKey;
  }
  writePayload(w: Writer): void {
    w.i32(this.processId, 'processId');
    writeCancelKey(w, this.secretKey);
  }
  /** Reads the payload: process ID, then the secret key. */
  static read(r: Reader): BackendKeyData {
    const processId = r.i32('process ID');
    return new BackendKeyData({ processId, secretKey: readCancelKey(r) });
  }
}
defineMessage(BackendKeyData, 'BackendKeyData', BackendCode.BackendKeyData, 'backend');

/**
 * 'S': a run-time parameter's current value (server_version,
 * client_encoding, TimeZone, ...), at startup and whenever it changes.
 */
export class ParameterStatus extends BackendMessage {
  declare readonly type: 'ParameterStatus';
  /** The parameter's name. */
  readonly name: string;
  /** Its current value. */
  readonly value: string;
  constructor(opts: { name: string; value: string }) {
    super();
    this.name = opts.name;
    this.value = opts.value;
  }
  writePayload(w: Writer): void {
    w.cstring(this.name, 'name').cstring(this.value, 'value');
  }
  override summary(): string {
    return `${this.name}=${quote(this.value)}`;
  }
  /** Reads the payload: name, then value. */
  static read(r: Reader): ParameterStatus {
    const name = r.cstring('parameter name');
    return new ParameterStatus({ name, value: r.cstring('parameter value') });
  }
  /** The payload `read` takes, unread: two strings. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skipString(buf, skipString(buf, p, end), end) === end;
  }
}
defineMessage(ParameterStatus, 'ParameterStatus', BackendCode.ParameterStatus, 'backend');

/** 'v': the server does not support the minor protocol version the client asked for, or some `_pq_.` startup options. */
export class NegotiateProtocolVersion extends BackendMessage {
  declare readonly type: 'NegotiateProtocolVersion';
  /** Newest minor protocol version the server supports for the major the client asked for. */
  readonly newestMinor: number;
  /**
   * The Int32 as sent. PostgreSQL (and libpq, which reads it) puts its whole
   * newest version there, (3 << 16) | minor: the default. A server may send
   * the bare minor; a decoded message keeps what it got.
   */
  readonly rawNewestMinor: number;
  /** Startup options (`_pq_.*`) the server did not recognise. */
  readonly unrecognized: readonly string[];
  constructor(opts: { newestMinor: number; unrecognized?: readonly string[]; rawNewestMinor?: number }) {
    super();
    this.newestMinor = opts.newestMinor;
    this.rawNewestMinor = opts.rawNewestMinor ?? ((3 << 16) | opts.newestMinor);
    this.unrecognized = opts.unrecognized ?? [];
  }
  writePayload(w: Writer): void {
    const { newestMinor, rawNewestMinor } = this;
    w.i32(rawNewestMinor, 'rawNewestMinor');
    if (typeof newestMinor !== 'number' || (newestMinor & 0xffff) !== newestMinor) w.fail(ErrorCode.OUT_OF_RANGE, 'newestMinor', `${String(newestMinor)} is not a minor version from 0 to 65535`);
    if ((rawNewestMinor & 0xffff) !== newestMinor) w.fail(ErrorCode.INVALID_VALUE, 'rawNewestMinor', `${rawNewestMinor} does not carry minor ${newestMinor} in its low 16 bits`);
    const options = this.unrecognized;
    if (!Array.isArray(options)) w.fail(ErrorCode.WRONG_TYPE, 'unrecognized', 'is not an array');
    w.int32(options.length);
    for (const o of options) w.cstring(o, 'unrecognized');
  }
  /** Reads the payload: newest minor version, then the unrecognized options. */
  static read(r: Reader): NegotiateProtocolVersion {
    const raw = r.i32('newest minor version');
    const n = r.count32(1, 'option count');
    const unrecognized: string[] = [];
    for (let i = 0; i < n; i++) unrecognized.push(r.cstring('option name'));
    return new NegotiateProtocolVersion({ newestMinor: raw & 0xffff, rawNewestMinor: raw, unrecognized });
  }
}
defineMessage(NegotiateProtocolVersion, 'NegotiateProtocolVersion', BackendCode.NegotiateProtocolVersion, 'backend');

/** 'Z': the server is ready for a new query cycle; `status` is the transaction status. */
export class ReadyForQuery extends BackendMessage {
  declare readonly type: 'ReadyForQuery';
  /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
  readonly status: TransactionStatus;
  constructor(opts: { status: TransactionStatus }) {
    super();
    this.status = opts.status;
  }
  writePayload(w: Writer): void {
    w.char(this.status, 'ITE', 'status');
  }
  override summary(): string {
    return this.status;
  }
  /** Reads the status byte; returns one of three shared frozen instances. */
  static read(r: Reader): ReadyForQuery {
    const b = r.u8('transaction status');
    switch (b) {
      case 0x49:
        return RFQ_IDLE;
      case 0x54:
        return RFQ_IN_TRANSACTION;
      case 0x45:
        return RFQ_FAILED;
      default:
        return r.fail(ErrorCode.INVALID_VALUE, `transaction status ${b} is not 'I', 'T' or 'E'`, r.pos - 1);
    }
  }
  /** The payload `read` takes, unread: 'I', 'T' or 'E'. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    const b = buf[p];
    return end === p + 1 && (b === 0x49 || b === 0x54 || b === 0x45);
  }
}
defineMessage(ReadyForQuery, 'ReadyForQuery', BackendCode.ReadyForQuery, 'backend');
const RFQ_IDLE = frozen(new ReadyForQuery({ status: TransactionStatus.IDLE }));
const RFQ_IN_TRANSACTION = frozen(new ReadyForQuery({ status: TransactionStatus.IN_TRANSACTION }));
const RFQ_FAILED = frozen(new ReadyForQuery({ status: TransactionStatus.ERROR_TRANSACTION }));

/** 'A': a NOTIFY on a channel this session LISTENs on. */
export class NotificationResponse extends BackendMessage {
  declare readonly type: 'NotificationResponse';
  /** Process ID of the notifying backend. */
  readonly processId: number;
  /** The channel's name. */
  readonly channel: string;
  /** The NOTIFY payload; '' if none. */
  readonly payload: string;
  constructor(opts: { processId: number; channel: string; payload?: string }) {
    super();
    this.processId = opts.processId;
    this.channel = opts.channel;
    this.payload = opts.payload ?? '';
  }
  writePayload(w: Writer): void {
    w.i32(this.processId, 'processId').cstring(this.channel, 'channel').cstring(this.payload, 'payload');
  }
  /** Reads the payload: process ID, channel, payload. */
  static read(r: Reader): NotificationResponse {
    const processId = r.i32('process ID');
    const channel = r.cstring('channel');
    return new NotificationResponse({ processId, channel, payload: r.cstring('payload') });
  }
  /** The payload `read` takes, unread: an Int32, two strings. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skipString(buf, skipString(buf, skipBytes(p, 4, end), end), end) === end;
  }
}
defineMessage(NotificationResponse, 'NotificationResponse', BackendCode.NotificationResponse, 'backend');

/**
 * 'X': the client ends the session and closes the connection.
 * @class
 */
export const Terminate = bodyless('Terminate', FrontendCode.Terminate, 'frontend');
export type Terminate = InstanceType<typeof Terminate>;
