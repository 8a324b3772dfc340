/**
 * The fast-path function call (used by libpq's large-object API).
 *
 *   'F' FunctionCall          Int32 functionOid
 *                             | Int16 nf | Int16 argFormat × nf
 *                             | Int16 na | (Int32 len (-1: NULL) | Byte×len) × na
 *                             | Int16 resultFormat
 *   'V' FunctionCallResponse  Int32 len (-1: NULL) | Byte×len
 */
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { BackendMessage, FrontendMessage, defineMessage, toByteList, toBytes } from './base.js';
import { BackendCode, FrontendCode } from './codes.js';
import { readFormatCode, readFormatCodes, readValues } from './fields.js';

/** 'F': call a function by OID, with its arguments (the fast-path interface). */
export class FunctionCall extends FrontendMessage {
  declare readonly type: 'FunctionCall';
  /** OID of the function to call. */
  readonly functionOid: number;
  /** Argument format codes exactly as sent: none, one, or one per argument. */
  readonly argFormats: readonly number[];
  /** Argument values; null is SQL NULL. */
  readonly arguments: readonly (Uint8Array | null)[];
  /** Format of the result: 0 text, 1 binary. */
  readonly resultFormat: number;
  constructor(opts: {
    functionOid: number;
    argFormats?: readonly number[];
    arguments?: readonly (Uint8Array | string | null)[];
    resultFormat?: number;
  }) {
    super();
    this.functionOid = opts.functionOid;
    this.argFormats = opts.argFormats ?? [];
    this.arguments = toByteList(opts.arguments ?? [], this, 'arguments');
    this.resultFormat = opts.resultFormat ?? 0;
  }
  writePayload(w: Writer): void {
    w.u32(this.functionOid, 'functionOid').formats(this.argFormats, 'argFormats');
    w.values(this.arguments, 'arguments').format(this.resultFormat, 'resultFormat');
  }
  /** Reads the payload: function OID, argument formats and values, result format. */
  static read(r: Reader): FunctionCall {
    const functionOid = r.u32('function OID');
    const argFormats = readFormatCodes(r, 'argument format code');
    const values = readValues(r, 'argument');
    return new FunctionCall({ functionOid, argFormats, arguments: values, resultFormat: readFormatCode(r, 'result format code') });
  }
}
defineMessage(FunctionCall, 'FunctionCall', FrontendCode.FunctionCall, 'frontend');

/** 'V': the result of a FunctionCall. */
export class FunctionCallResponse extends BackendMessage {
  declare readonly type: 'FunctionCallResponse';
  /** The function's result; null for NULL. */
  readonly result: Uint8Array | null;
  constructor(opts: { result: Uint8Array | string | null }) {
    super();
    this.result = toBytes(opts.result, this, 'result');
  }
  writePayload(w: Writer): void {
    w.lengthPrefixed(this.result, 'result');
  }
  /** Reads the payload: the length-prefixed result. */
  static read(r: Reader): FunctionCallResponse {
    return new FunctionCallResponse({ result: r.lengthPrefixed('result') });
  }
}
defineMessage(FunctionCallResponse, 'FunctionCallResponse', BackendCode.FunctionCallResponse, 'backend');
