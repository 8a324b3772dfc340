/**
 * COPY sub-protocol. CopyData and CopyDone flow both ways (COPY FROM STDIN,
 * COPY TO STDOUT, and CopyBoth for replication streams).
 *
 *   'd' CopyData           Byten data
 *   'c' CopyDone           (empty)
 *   'f' CopyFail           String reason                      (frontend)
 *   'G' CopyInResponse     Int8 format | Int16 n | Int16 columnFormat × n
 *   'H' CopyOutResponse    (same layout)
 *   'W' CopyBothResponse   (same layout)
 */
import type { Reader } from '../wire/reader.js';
import { ErrorCode } from '../errors.js';
import type { Writer } from '../wire/writer.js';
import { PgMessage, bodyless, defineMessage, toBytes } from './base.js';
import { BackendCode, FrontendCode } from './codes.js';
import { readFormatCodes } from './extended-query.js';

export class CopyData extends PgMessage {
  declare readonly type: 'CopyData';
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
  static read(r: Reader): CopyData {
    return new CopyData({ data: r.rest() });
  }
}
defineMessage(CopyData, 'CopyData', FrontendCode.CopyData, 'both');

export const CopyDone = bodyless('CopyDone', FrontendCode.CopyDone, 'both');
export type CopyDone = InstanceType<typeof CopyDone>;

export class CopyFail extends PgMessage {
  declare readonly type: 'CopyFail';
  /** Why the client aborts the COPY; the server reports it in its ErrorResponse. */
  readonly message: string;
  constructor(opts: { message: string }) {
    super();
    this.message = opts.message;
  }
  writePayload(w: Writer): void {
    w.cstring(this.message, 'message');
  }
  static read(r: Reader): CopyFail {
    return new CopyFail({ message: r.cstring('error message') });
  }
}
defineMessage(CopyFail, 'CopyFail', FrontendCode.CopyFail, 'frontend');

/** The three COPY responses share one layout. */
abstract class CopyResponse extends PgMessage {
  /** Overall format: 0 textual, 1 binary. */
  readonly format: number;
  /** Per-column formats (all 0 when `format` is 0). */
  readonly columnFormats: readonly number[];
  constructor(opts: { format?: number; columnFormats?: readonly number[] } = {}) {
    super();
    this.format = opts.format ?? 0;
    this.columnFormats = opts.columnFormats ?? [];
  }
  writePayload(w: Writer): void {
    const f = this.format;
    if (f !== 0 && f !== 1) w.fail(ErrorCode.INVALID_VALUE, 'format', `overall format ${String(f)} is not 0 (text) or 1 (binary)`);
    w.u8(f).formats(this.columnFormats, 'columnFormats');
  }
  protected static fields(r: Reader): { format: number; columnFormats: number[] } {
    const format = r.u8('overall format');
    if (format !== 0 && format !== 1) r.fail(ErrorCode.INVALID_VALUE, `overall format ${format} is not 0 (text) or 1 (binary)`, r.pos - 1);
    return { format, columnFormats: readFormatCodes(r, 'column format code') };
  }
}

export class CopyInResponse extends CopyResponse {
  declare readonly type: 'CopyInResponse';
  static read(r: Reader): CopyInResponse {
    return new CopyInResponse(CopyResponse.fields(r));
  }
}
defineMessage(CopyInResponse, 'CopyInResponse', BackendCode.CopyInResponse, 'backend');

export class CopyOutResponse extends CopyResponse {
  declare readonly type: 'CopyOutResponse';
  static read(r: Reader): CopyOutResponse {
    return new CopyOutResponse(CopyResponse.fields(r));
  }
}
defineMessage(CopyOutResponse, 'CopyOutResponse', BackendCode.CopyOutResponse, 'backend');

export class CopyBothResponse extends CopyResponse {
  declare readonly type: 'CopyBothResponse';
  static read(r: Reader): CopyBothResponse {
    return new CopyBothResponse(CopyResponse.fields(r));
  }
}
defineMessage(CopyBothResponse, 'CopyBothResponse', BackendCode.CopyBothResponse, 'backend');
