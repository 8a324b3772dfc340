/**
 * COPY sub-protocol. CopyData and CopyDone flow both ways (COPY FROM STDIN,
 * COPY TO STDOUT, and CopyBoth for replication streams).
 *
 *   'd' CopyData           Byten data
 *   'c' CopyDone           (empty)
 *   'f' CopyFail           String errorMessage                (frontend)
 *   'G' CopyInResponse     Int8 overallFormat | Int16 n | Int16 colFormat × n
 *   'H' CopyOutResponse    (same layout)
 *   'W' CopyBothResponse   (same layout)
 */
import type { Reader } from '../wire/reader.js';
import { ErrorCode } from '../errors.js';
import type { Writer } from '../wire/writer.js';
import { BackendMessage, CommonMessage, FrontendMessage, bodyless, defineMessage, toBytes } from './base.js';
import { BackendCode, FrontendCode } from './codes.js';
import { readFormatCodes } from './fields.js';
import { skipString } from '../wire/skim.js';

/** 'd': a chunk of COPY data, in either direction. */
export class CopyData extends CommonMessage {
  declare readonly type: 'CopyData';
  /** The bytes as COPY made them; rows need not line up with messages. */
  readonly data: Uint8Array;
  constructor(opts: { data: Uint8Array | string }) {
    super();
    this.data = toBytes(opts.data, this, 'data');
  }
  override sizeHint(): number {
    return 5 + this.data.length;
  }
  writePayload(w: Writer): void {
    w.bytes(this.data, 'data');
  }
  /** Reads the payload: the data, all of it. */
  static read(r: Reader): CopyData {
    return new CopyData({ data: r.rest() });
  }
  /** Any payload is data. */
  static skim(): boolean {
    return true;
  }
}
defineMessage(CopyData, 'CopyData', FrontendCode.CopyData, 'both');

/**
 * 'c': the sender's COPY data is complete (either direction).
 * @class
 */
export const CopyDone = bodyless('CopyDone', FrontendCode.CopyDone, 'both');
export type CopyDone = InstanceType<typeof CopyDone>;

/** 'f': the client aborts COPY FROM STDIN; the server answers with an ErrorResponse. */
export class CopyFail extends FrontendMessage {
  declare readonly type: 'CopyFail';
  /** Why the client aborts the COPY; the server reports it in its ErrorResponse. */
  readonly errorMessage: string;
  constructor(opts: { errorMessage: string }) {
    super();
    this.errorMessage = opts.errorMessage;
  }
  writePayload(w: Writer): void {
    w.cstring(this.errorMessage, 'errorMessage');
  }
  /** Reads the payload: the error message. */
  static read(r: Reader): CopyFail {
    return new CopyFail({ errorMessage: r.cstring('error message') });
  }
  /** The payload `read` takes, unread: one string. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skipString(buf, p, end) === end;
  }
}
defineMessage(CopyFail, 'CopyFail', FrontendCode.CopyFail, 'frontend');

/** The three COPY responses share one layout. */
abstract class CopyResponse extends BackendMessage {
  /** Overall format: 0 textual, 1 binary. */
  readonly overallFormat: number;
  /** Per-column formats (all 0 when `overallFormat` is 0). */
  readonly colFormats: readonly number[];
  constructor(opts: { overallFormat?: number; colFormats?: readonly number[] } = {}) {
    super();
    this.overallFormat = opts.overallFormat ?? 0;
    this.colFormats = opts.colFormats ?? [];
  }
  writePayload(w: Writer): void {
    const f = this.overallFormat;
    if (f !== 0 && f !== 1) w.fail(ErrorCode.INVALID_VALUE, 'overallFormat', `overall format ${String(f)} is not 0 (text) or 1 (binary)`);
    w.u8(f).formats(this.colFormats, 'colFormats');
  }
  /** Reads the layout the three responses share. */
  protected static fields(r: Reader): {
    /** 0 textual, 1 binary. */
    overallFormat: number;
    /** One format code per column. */
    colFormats: number[]
  } {
    const overallFormat = r.u8('overall format');
    if (overallFormat !== 0 && overallFormat !== 1) r.fail(ErrorCode.INVALID_VALUE, `overall format ${overallFormat} is not 0 (text) or 1 (binary)`, r.pos - 1);
    return { overallFormat, colFormats: readFormatCodes(r, 'column format code') };
  }
}

/** 'G': COPY FROM STDIN begins: the client sends CopyData, then CopyDone or CopyFail. */
export class CopyInResponse extends CopyResponse {
  declare readonly type: 'CopyInResponse';
  /** Reads the payload: overall format, then the column formats. */
  static read(r: Reader): CopyInResponse {
    return new CopyInResponse(CopyResponse.fields(r));
  }
}
defineMessage(CopyInResponse, 'CopyInResponse', BackendCode.CopyInResponse, 'backend');

/** 'H': COPY TO STDOUT begins: the server sends CopyData, then CopyDone. */
export class CopyOutResponse extends CopyResponse {
  declare readonly type: 'CopyOutResponse';
  /** Reads the payload: overall format, then the column formats. */
  static read(r: Reader): CopyOutResponse {
    return new CopyOutResponse(CopyResponse.fields(r));
  }
}
defineMessage(CopyOutResponse, 'CopyOutResponse', BackendCode.CopyOutResponse, 'backend');

/** 'W': CopyData flows both ways from here (streaming replication). */
export class CopyBothResponse extends CopyResponse {
  declare readonly type: 'CopyBothResponse';
  /** Reads the payload: overall format, then the column formats. */
  static read(r: Reader): CopyBothResponse {
    return new CopyBothResponse(CopyResponse.fields(r));
  }
}
defineMessage(CopyBothResponse, 'CopyBothResponse', BackendCode.CopyBothResponse, 'backend');
