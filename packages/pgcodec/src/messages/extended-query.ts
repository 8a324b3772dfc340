/**
 * The extended query protocol: the client's Parse/Bind/Describe/Execute/Close
 * with Sync and Flush, and the server's acknowledgements.
 *
 *   'P' Parse                 String statement | String query | Int16 n | Int32 typeOid × n
 *   'B' Bind                  String portal | String statement
 *                             | Int16 nf | Int16 format × nf
 *                             | Int16 np | (Int32 len (-1: NULL) | Byte×len) × np
 *                             | Int16 nr | Int16 resultFormat × nr
 *   'D' Describe              Byte1 'S' | 'P' | String name
 *   'E' Execute               String portal | Int32 maxRows (0: all)
 *   'C' Close                 Byte1 'S' | 'P' | String name
 *   'S' Sync, 'H' Flush       (empty)
 *   '1' ParseComplete, '2' BindComplete, '3' CloseComplete, 'n' NoData, 's' PortalSuspended  (empty)
 *   't' ParameterDescription  Int16 n | Int32 typeOid × n
 */
import { ErrorCode } from '../errors.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { BackendMessage, FrontendMessage, bodyless, checkValueList, defineMessage, toBytes } from './base.js';
import { fieldsLine, plain } from './display.js';
import { BackendCode, FrontendCode } from './codes.js';
import { readFormatCodes, readValues } from './fields.js';
import { skipBytes, skipFormats, skipString, skipValues, u16At } from '../wire/skim.js';

export class Parse extends FrontendMessage {
  declare readonly type: 'Parse';
  /** Prepared statement name; '' is the unnamed statement. */
  readonly statement: string;
  /** The SQL text, with $1, $2, ... for the parameters. */
  readonly query: string;
  /** Parameter type OIDs the client fixes; 0 leaves one to the server. */
  readonly paramTypes: readonly number[];
  constructor(opts: { statement?: string; query: string; paramTypes?: readonly number[] }) {
    super();
    this.statement = opts.statement ?? '';
    this.query = opts.query;
    this.paramTypes = opts.paramTypes ?? [];
  }
  override sizeHint(): number {
    return 9 + this.statement.length * 3 + this.query.length * 3 + this.paramTypes.length * 4;
  }
  writePayload(w: Writer): void {
    w.cstring(this.statement, 'statement').cstring(this.query, 'query').oids(this.paramTypes, 'paramTypes');
  }
  /** Reads the payload: statement name, query, parameter types. */
  static read(r: Reader): Parse {
    const statement = r.cstring('statement name');
    const query = r.cstring('query');
    const n = r.count16(4, 'parameter type count');
    const paramTypes = new Array<number>(n);
    for (let i = 0; i < n; i++) paramTypes[i] = r.u32('parameter type OID');
    return new Parse({ statement, query, paramTypes });
  }
  /** The payload `read` takes, unread: two strings, an Int16 count, that many Int32s. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    const q = skipBytes(skipString(buf, skipString(buf, p, end), end), 2, end);
    return q >= 0 && q + 4 * u16At(buf, q - 2) === end;
  }
}
defineMessage(Parse, 'Parse', FrontendCode.Parse, 'frontend');

/** 'B': make a portal from a prepared statement, with parameter values and the result formats. */
export class Bind extends FrontendMessage {
  declare readonly type: 'Bind';
  /** Destination portal; '' is the unnamed portal. */
  readonly portal: string;
  /** Source prepared statement; '' is the unnamed statement. */
  readonly statement: string;
  /** Parameter format codes exactly as sent: none (all text), one (applies to all), or one per parameter. */
  readonly paramFormats: readonly number[];
  /** The values as given: strings are encoded straight into the wire bytes, not first into arrays of their own. */
  readonly #given: readonly (Uint8Array | string | null)[];
  #values: readonly (Uint8Array | null)[] | null = null;
  /** Result column format codes exactly as sent: none, one, or one per column. */
  readonly resultFormats: readonly number[];
  constructor(opts: {
    portal?: string;
    statement?: string;
    paramFormats?: readonly number[];
    paramValues?: readonly (Uint8Array | string | null)[];
    resultFormats?: readonly number[];
  }) {
    super();
    this.portal = opts.portal ?? '';
    this.statement = opts.statement ?? '';
    this.paramFormats = opts.paramFormats ?? [];
    this.#given = checkValueList(opts.paramValues ?? [], this, 'paramValues');
    this.resultFormats = opts.resultFormats ?? [];
  }
  /** Parameter values (UTF-8 bytes for those given as strings); null is SQL NULL. */
  get paramValues(): readonly (Uint8Array | null)[] {
    return (this.#values ??= this.#given.map((v) => (v === null ? null : toBytes(v, this, 'paramValues'))));
  }
  /** The fields in order, parameter values included (they are not an own property). */
  override toJSON(): {
    /** 'Bind' */
    type: string;
    [field: string]: unknown
  } {
    const { portal, statement, paramFormats, paramValues, resultFormats } = this;
    return { type: this.type, ...(plain({ portal, statement, paramFormats, paramValues, resultFormats }) as object) };
  }
  override summary(): string {
    const { portal, statement, paramFormats, paramValues, resultFormats } = this;
    return fieldsLine({ portal, statement, paramFormats, paramValues, resultFormats });
  }
  /** The format of parameter i, applying the 0/1/N rule. */
  paramFormat(i: number): number {
    const f = this.paramFormats;
    return f.length === 0 ? 0 : f.length === 1 ? f[0]! : (f[i] ?? 0);
  }
  override sizeHint(): number {
    let n = 16 + (this.portal.length + this.statement.length) * 3 + 2 * (this.paramFormats.length + this.resultFormats.length);
    for (const p of this.#given) n += 4 + (p === null ? 0 : typeof p === 'string' ? 3 * p.length : p.length);
    return n;
  }
  writePayload(w: Writer): void {
    w.cstring(this.portal, 'portal').cstring(this.statement, 'statement').formats(this.paramFormats, 'paramFormats');
    const given = this.#given;
    w.size16(given.length, 'paramValues');
    for (let i = 0; i < given.length; i++) {
      const v = given[i]!;
      if (typeof v === 'string') w.lengthPrefixedText(v, 'paramValues');
      else w.lengthPrefixed(v, 'paramValues');
    }
    w.formats(this.resultFormats, 'resultFormats');
  }
  /** Reads the payload: portal, statement, parameter formats and values, result formats. */
  static read(r: Reader): Bind {
    const portal = r.cstring('portal name');
    const statement = r.cstring('statement name');
    const paramFormats = readFormatCodes(r, 'parameter format code');
    const paramValues = readValues(r, 'parameter');
    const resultFormats = readFormatCodes(r, 'result format code');
    return new Bind({ portal, statement, paramFormats, paramValues, resultFormats });
  }
  /** The payload `read` takes, unread: two strings, format codes, values, format codes. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skipFormats(buf, skipValues(buf, skipFormats(buf, skipString(buf, skipString(buf, p, end), end), end), end), end) === end;
  }
}
defineMessage(Bind, 'Bind', FrontendCode.Bind, 'frontend');

/** 'S' names a prepared statement, 'P' a portal. */
export type TargetKind = 'S' | 'P';

/** A Describe's or Close's payload, unread: 'S' or 'P', then a string. */
function skimTarget(buf: Uint8Array, p: number, end: number): boolean {
  return p < end && (buf[p] === 0x53 || buf[p] === 0x50) && skipString(buf, p + 1, end) === end;
}

function readKind(r: Reader): TargetKind {
  const b = r.u8('target kind');
  if (b !== 0x53 && b !== 0x50) r.fail(ErrorCode.INVALID_VALUE, `target kind ${b} is not 'S' or 'P'`, r.pos - 1);
  return b === 0x53 ? 'S' : 'P';
}

/** Describe and Close share their layout: what kind of object, and its name. */
abstract class TargetMessage extends FrontendMessage {
  /** 'S' a prepared statement, 'P' a portal. */
  readonly kind: TargetKind;
  /** Its name; '' is the unnamed one. */
  readonly name: string;
  constructor(opts: { kind: TargetKind; name?: string }) {
    super();
    this.kind = opts.kind;
    this.name = opts.name ?? '';
  }
  writePayload(w: Writer): void {
    w.char(this.kind, 'SP', 'kind').cstring(this.name, 'name');
  }
}

/**
 * 'D': describe a prepared statement (ParameterDescription, then
 * RowDescription or NoData) or a portal (RowDescription or NoData).
 */
export class Describe extends TargetMessage {
  declare readonly type: 'Describe';
  /** Reads the payload: kind, then name. */
  static read(r: Reader): Describe {
    const kind = readKind(r);
    return new Describe({ kind, name: r.cstring('name') });
  }
  /** The payload `read` takes, unread. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skimTarget(buf, p, end);
  }
}
defineMessage(Describe, 'Describe', FrontendCode.Describe, 'frontend');

/** 'C': close a prepared statement or a portal; CloseComplete answers. */
export class Close extends TargetMessage {
  declare readonly type: 'Close';
  /** Reads the payload: kind, then name. */
  static read(r: Reader): Close {
    const kind = readKind(r);
    return new Close({ kind, name: r.cstring('name') });
  }
  /** The payload `read` takes, unread. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skimTarget(buf, p, end);
  }
}
defineMessage(Close, 'Close', FrontendCode.Close, 'frontend');

/** 'E': run a portal, returning at most `maxRows` rows. */
export class Execute extends FrontendMessage {
  declare readonly type: 'Execute';
  /** The portal to run; '' is the unnamed portal. */
  readonly portal: string;
  /** Most rows to return; 0 for no limit. A limit reached yields PortalSuspended. */
  readonly maxRows: number;
  constructor(opts: { portal?: string; maxRows?: number } = {}) {
    super();
    this.portal = opts.portal ?? '';
    this.maxRows = opts.maxRows ?? 0;
  }
  /** The unnamed portal without a row limit (nearly every Execute) always has the same bytes: one shared buffer, never to be modified. */
  override toWire(): Uint8Array {
    return this.portal === '' && this.maxRows === 0 ? EXECUTE_UNNAMED : super.toWire();
  }
  writePayload(w: Writer): void {
    w.cstring(this.portal, 'portal').i32(this.maxRows, 'maxRows');
  }
  /** Reads the payload: portal, then the row limit. */
  static read(r: Reader): Execute {
    const portal = r.cstring('portal name');
    return new Execute({ portal, maxRows: r.i32('max rows') });
  }
  /** The payload `read` takes, unread: a string, an Int32. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skipBytes(skipString(buf, p, end), 4, end) === end;
  }
}
defineMessage(Execute, 'Execute', FrontendCode.Execute, 'frontend');
/** Execute of the unnamed portal with no row limit: 'E', length 9, portal '' (its NUL), maxRows 0. */
const EXECUTE_UNNAMED = Uint8Array.of(FrontendCode.Execute, 0, 0, 0, 9, 0, 0, 0, 0, 0);

/** 't': the parameter types of a prepared statement, answering Describe 'S'. */
export class ParameterDescription extends BackendMessage {
  declare readonly type: 'ParameterDescription';
  /** Type OID of each parameter, in order. */
  readonly typeOids: readonly number[];
  constructor(opts: { typeOids: readonly number[] }) {
    super();
    this.typeOids = opts.typeOids;
  }
  writePayload(w: Writer): void {
    w.oids(this.typeOids, 'typeOids');
  }
  /** Reads the payload: parameter count, then each type OID. */
  static read(r: Reader): ParameterDescription {
    const n = r.count16(4, 'parameter count');
    const typeOids = new Array<number>(n);
    for (let i = 0; i < n; i++) typeOids[i] = r.u32('parameter type OID');
    return new ParameterDescription({ typeOids });
  }
  /** The payload `read` takes, unread: an Int16 count, that many Int32s. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return p + 2 <= end && p + 2 + 4 * u16At(buf, p) === end;
  }
}
defineMessage(ParameterDescription, 'ParameterDescription', BackendCode.ParameterDescription, 'backend');

/**
 * 'S': ends an extended-query batch; ReadyForQuery answers it. After an
 * error the server skips everything up to the next Sync.
 * @class
 */
export const Sync = bodyless('Sync', FrontendCode.Sync, 'frontend');
export type Sync = InstanceType<typeof Sync>;
/**
 * 'H': asks the server to send the output it holds, without ending the batch.
 * @class
 */
export const Flush = bodyless('Flush', FrontendCode.Flush, 'frontend');
export type Flush = InstanceType<typeof Flush>;
/**
 * '1': answers Parse.
 * @class
 */
export const ParseComplete = bodyless('ParseComplete', BackendCode.ParseComplete, 'backend');
export type ParseComplete = InstanceType<typeof ParseComplete>;
/**
 * '2': answers Bind.
 * @class
 */
export const BindComplete = bodyless('BindComplete', BackendCode.BindComplete, 'backend');
export type BindComplete = InstanceType<typeof BindComplete>;
/**
 * '3': answers Close.
 * @class
 */
export const CloseComplete = bodyless('CloseComplete', BackendCode.CloseComplete, 'backend');
export type CloseComplete = InstanceType<typeof CloseComplete>;
/**
 * 'n': answers Describe for a statement or portal that returns no rows.
 * @class
 */
export const NoData = bodyless('NoData', BackendCode.NoData, 'backend');
export type NoData = InstanceType<typeof NoData>;
/**
 * 's': Execute reached its row limit; executing the portal again returns more.
 * @class
 */
export const PortalSuspended = bodyless('PortalSuspended', BackendCode.PortalSuspended, 'backend');
export type PortalSuspended = InstanceType<typeof PortalSuspended>;
