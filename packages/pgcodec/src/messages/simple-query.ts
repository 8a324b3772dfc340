/**
 * The simple query cycle and the row messages the extended one shares.
 *
 *   'Q' Query               String query
 *   'T' RowDescription      Int16 n | field × n:
 *                             String name | Int32 tableOid | Int16 columnAttr | Int32 typeOid
 *                             | Int16 typeSize | Int32 typeModifier | Int16 formatCode
 *   'D' DataRow             Int16 n | (Int32 len (-1: NULL) | Byte×len) × n
 *   'C' CommandComplete     String tag
 *   'I' EmptyQueryResponse  (empty)
 */
import { ErrorCode } from '../errors.js';
import type { Reader } from '../wire/reader.js';
import { fresh, ownedSource, type ColumnSource } from '../engine/scan-view.js';
import { checkIndex } from '../options.js';
import { scanText, shortAscii, utf8Range, valueText } from '../wire/value-text.js';
import { brief, quote } from './display.js';
import { show, type Writer } from '../wire/writer.js';
import { BackendMessage, FrontendMessage, bodyless, checkValueList, defineMessage, toBytes } from './base.js';
import { BackendCode, FrontendCode } from './codes.js';
import { readFormatCode } from './fields.js';
import { view } from '../wire/views.js';
import { isFormatAt, skipBytes, skipString, skipValues, u16At } from '../wire/skim.js';

/** 'Q': SQL to run with the simple query protocol (one or more statements). */
export class Query extends FrontendMessage {
  declare readonly type: 'Query';
  /** The SQL text. */
  readonly queryString: string;
  constructor(opts: { queryString: string }) {
    super();
    this.queryString = opts.queryString;
  }
  override sizeHint(): number {
    return 6 + this.queryString.length * 3;
  }
  writePayload(w: Writer): void {
    w.cstring(this.queryString, 'queryString');
  }
  override summary(): string {
    return quote(this.queryString);
  }
  /** Reads the payload: the query string. */
  static read(r: Reader): Query {
    return new Query({ queryString: r.cstring('query') });
  }
  /** The payload `read` takes, unread: one string. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skipString(buf, p, end) === end;
  }
}
defineMessage(Query, 'Query', FrontendCode.Query, 'frontend');

/** One column of a RowDescription. */
export class FieldDescription {
  /** The column's name. */
  readonly name: string;
  /** OID of the table the column comes from, or 0. */
  readonly tableOid: number;
  /** Attribute number of the column in that table, or 0. */
  readonly columnAttr: number;
  /** OID of the column's data type. */
  readonly typeOid: number;
  /** pg_type.typlen: negative for variable-width types. */
  readonly typeSize: number;
  /** pg_attribute.atttypmod. */
  readonly typeModifier: number;
  /** 0 text, 1 binary. */
  readonly formatCode: number;

  constructor(opts: {
    name: string;
    tableOid?: number;
    columnAttr?: number;
    typeOid: number;
    typeSize?: number;
    typeModifier?: number;
    formatCode?: number;
  }) {
    this.name = opts.name;
    this.tableOid = opts.tableOid ?? 0;
    this.columnAttr = opts.columnAttr ?? 0;
    this.typeOid = opts.typeOid;
    this.typeSize = opts.typeSize ?? -1;
    this.typeModifier = opts.typeModifier ?? -1;
    this.formatCode = opts.formatCode ?? 0;
  }
}

/** Bytes of a field after its name: 4+2+4+2+4+2. */
const FIELD_FIXED_BYTES = 18;

/** 'T': the columns of the rows that follow. */
export class RowDescription extends BackendMessage {
  declare readonly type: 'RowDescription';
  /** One per column, in order. */
  readonly fields: readonly FieldDescription[];
  constructor(opts: { fields: readonly FieldDescription[] }) {
    super();
    this.fields = opts.fields;
  }
  writePayload(w: Writer): void {
    w.count16(this.fields, 'fields');
    for (const f of this.fields) {
      if (typeof f !== 'object' || f === null) w.fail(ErrorCode.WRONG_TYPE, 'fields', `${show(f)} is not a FieldDescription`);
      w.cstring(f.name, 'fields.name')
        .u32(f.tableOid, 'fields.tableOid')
        .i16(f.columnAttr, 'fields.columnAttr')
        .u32(f.typeOid, 'fields.typeOid')
        .i16(f.typeSize, 'fields.typeSize')
        .i32(f.typeModifier, 'fields.typeModifier')
        .format(f.formatCode, 'fields.formatCode');
    }
  }
  /** `RowDescription(2) [id int4?, name]`: the column names. */
  override toString(): string {
    return `RowDescription(${this.fields.length}) ${brief(this.fields.map((f) => f.name))}`;
  }
  /** Reads the payload: field count, then each field. */
  static read(r: Reader): RowDescription {
    const n = r.count16(FIELD_FIXED_BYTES + 1, 'field count');
    const fields: FieldDescription[] = [];
    for (let i = 0; i < n; i++) {
      fields.push(
        new FieldDescription({
          name: r.cstring('field name'),
          tableOid: r.u32('table OID'),
          columnAttr: r.i16('column attribute number'),
          typeOid: r.u32('type OID'),
          typeSize: r.i16('type size'),
          typeModifier: r.i32('type modifier'),
          formatCode: readFormatCode(r, 'format code'),
        }),
      );
    }
    return new RowDescription({ fields });
  }
  /** The payload `read` takes, unread: an Int16 count, then per field a string and 18 bytes ending in a format code. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    if (p + 2 > end) return false;
    const n = u16At(buf, p);
    let q = p + 2;
    if (n * (FIELD_FIXED_BYTES + 1) > end - q) return false;
    for (let i = 0; i < n; i++) {
      q = skipBytes(skipString(buf, q, end), FIELD_FIXED_BYTES, end);
      if (q < 0 || !isFormatAt(buf, q - 2)) return false;
    }
    return q === end;
  }
}
defineMessage(RowDescription, 'RowDescription', BackendCode.RowDescription, 'backend');

const NO_VALUES = { columns: [] };

/**
 * A row of values. Decoded rows keep the frame's bytes and the scan's table
 * of (offset, length) pairs, so `bytes(i)`, `text(i)` and `isNull(i)` touch
 * one value without building the rest; `columns` is built on first use.
 *
 * A row from a stream decoder views the decoder's buffer: it is valid until
 * the next `feed` (after which its accessors throw StaleViewError), unless
 * the decoder was made with `{ owned: true }`.
 */
export class DataRow extends BackendMessage {
  declare readonly type: 'DataRow';
  // Declared, not initialised as class fields, so rows made by `fromColumns`
  // (the hot path) and by the constructor share one object shape.
  /** Bytes and column table; null for a row built from values. */
  private declare src: ColumnSource | null;
  /** Index of this row's first value in the column table. */
  private declare col0: number;
  private declare n: number;
  private declare cache: (Uint8Array | null)[] | null;
  /** The values a built row was given (strings are encoded straight into its wire bytes); null for decoded rows. */
  private declare given: readonly (Uint8Array | string | null)[] | null;

  /**
   * A row of the given values (strings are sent as UTF-8).
   *
   * @param opts the values, for a row you build
   * @param src for decoders (through `fromColumns`): a scan's column table to read the row from, instead of `opts`
   * @param col0 for decoders: index of the row's first value in `src`
   * @param n for decoders: how many values the row has
   */
  constructor(opts: { columns: readonly (Uint8Array | string | null)[] }, src: ColumnSource | null = null, col0 = 0, n = 0) {
    super();
    if (src !== null) {
      this.src = src;
      this.col0 = col0;
      this.n = n;
      this.cache = null;
      this.given = null;
      return;
    }
    const given = checkValueList(opts.columns, this, 'columns');
    this.src = null;
    this.col0 = 0;
    this.n = given.length;
    this.cache = null;
    this.given = given;
  }

  /** A row over a scan's column table (no copy). */
  static fromColumns(src: ColumnSource, col0: number, n: number): DataRow {
    return new DataRow(NO_VALUES, src, col0, n);
  }

  /** Values (null for SQL NULL). Built once, on first use; copies when the row views a decoder's buffer. */
  get columns(): readonly (Uint8Array | null)[] {
    if (this.cache === null) {
      const given = this.given;
      const cols = new Array<Uint8Array | null>(this.n);
      if (given !== null) for (let i = 0; i < this.n; i++) cols[i] = toBytes(given[i]!, this, 'columns');
      else for (let i = 0; i < this.n; i++) cols[i] = this.bytes(i)?.slice() ?? null;
      this.cache = cols;
      this.src = null;
    }
    return this.cache;
  }

  /** How many values the row has. */
  get columnCount(): number {
    return this.n;
  }

  /** Length of value i, -1 for NULL; a RangeError if there is no value i. */
  private lengthOf(i: number): number {
    checkIndex('DataRow column', i, this.n);
    if (this.cache === null && this.given !== null) this.columns;
    if (this.cache !== null) return this.cache[i]?.length ?? -1;
    const src = this.src!;
    fresh(src, 'DataRow');
    return src.columns[2 * (this.col0 + i) + 1]!;
  }

  /** Whether value i is SQL NULL (a RangeError if there is no value i). */
  isNull(i: number): boolean {
    return this.lengthOf(i) < 0;
  }

  /** The value's bytes as a view (no copy), or null for NULL (a RangeError if there is no value i). */
  bytes(i: number): Uint8Array | null {
    const len = this.lengthOf(i);
    if (this.cache !== null) return this.cache[i]!;
    if (len < 0) return null;
    const src = this.src!;
    const start = src.columns[2 * (this.col0 + i)]! - src.base;
    return view(src.ab, src.abOffset + start, len);
  }

  /** The value as a UTF-8 string, or null. */
  text(i: number): string | null {
    // lengthOf and bytes inlined: this is the message API's hot path.
    if (i >>> 0 !== i || i >= this.n) checkIndex('DataRow column', i, this.n);
    // src is null for a built row and once `columns` has copied the values out: one test for the decoded case.
    const src = this.src;
    if (src === null) return this.givenText(i);
    if (src.stale) fresh(src, 'DataRow');
    const k = this.col0 + i;
    const len = src.columns[2 * k + 1]!;
    if (len < 0) return null;
    const start = src.columns[2 * k]! - src.base;
    const flags = src.flags;
    const flag = k < flags.length ? flags[k]! : -1;
    // valueText's common case inlined: a short value the scan flagged ASCII is a substring of the scan's latin1 image.
    if (shortAscii(flag, start, len, src.textLo, src.textHi)) return scanText(src).substring(start - src.textLo, start + len - src.textLo);
    return valueText(src, start, len, flag);
  }

  /** text(i) of a built row (its given values) or of one whose values `columns` copied out. */
  private givenText(i: number): string | null {
    const v = this.given !== null ? this.given[i]! : this.cache![i]!;
    return v === null || typeof v === 'string' ? v : utf8Range(v, 0, v.length);
  }

  /** Values as text (null for NULL), not the buffer under them. */
  override toJSON(): {
    /** 'DataRow' */
    type: 'DataRow';
    /** The values as text; null for NULL. */
    columns: (string | null)[]
  } {
    const columns: (string | null)[] = [];
    for (let i = 0; i < this.n; i++) columns.push(this.text(i));
    return { type: 'DataRow', columns };
  }

  /** `DataRow(3) ['42', NULL, 'héllo']` */
  override toString(): string {
    return `DataRow(${this.n}) ${brief(this.toJSON().columns)}`;
  }

  override sizeHint(): number {
    let n = 7;
    const given = this.given;
    if (given !== null) {
      for (let i = 0; i < this.n; i++) {
        const v = given[i]!;
        n += 4 + (v === null ? 0 : typeof v === 'string' ? 3 * v.length : v.length);
      }
      return n;
    }
    for (let i = 0; i < this.n; i++) n += 4 + (this.bytes(i)?.length ?? 0);
    return n;
  }

  writePayload(w: Writer): void {
    w.size16(this.n, 'columns');
    const given = this.given;
    if (given !== null) {
      for (let i = 0; i < this.n; i++) {
        const v = given[i]!;
        if (typeof v === 'string') w.lengthPrefixedText(v, 'columns');
        else w.lengthPrefixed(v, 'columns');
      }
      return;
    }
    for (let i = 0; i < this.n; i++) w.lengthPrefixed(this.bytes(i), 'columns');
  }

  /** Reads the payload into a row over its bytes: values are not copied or decoded until asked for. */
  static read(r: Reader): DataRow {
    const n = r.count16(4, 'column count');
    const table = new Int32Array(n * 2);
    const b = r.buf;
    const end = r.end;
    let p = r.pos;
    for (let i = 0; i < n; i++) {
      if (end - p < 4) r.fail(ErrorCode.TRUNCATED, `column ${i} length needs 4 bytes but ${end - p} remain`, p);
      const len = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
      if (len < -1) r.fail(ErrorCode.NEGATIVE_LENGTH, `column ${i} length ${len} is negative and not -1`, p);
      p += 4;
      table[2 * i] = p;
      table[2 * i + 1] = len;
      if (len > 0) {
        if (len > end - p) r.fail(ErrorCode.TRUNCATED, `column ${i} length ${len} exceeds the ${end - p} bytes left in the frame`, p - 4);
        p += len;
      }
    }
    r.pos = p;
    return DataRow.fromColumns(ownedSource(b, table), 0, n);
  }
  /** The payload `read` takes, unread: an Int16 count, that many length-prefixed values. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skipValues(buf, p, end) === end;
  }
}
defineMessage(DataRow, 'DataRow', BackendCode.DataRow, 'backend');

/** 'C': a command finished; `tag` says which, and how many rows it touched. */
export class CommandComplete extends BackendMessage {
  declare readonly type: 'CommandComplete';
  /** The command tag, e.g. "SELECT 3", "INSERT 0 1", "COPY 10". */
  readonly tag: string;
  constructor(opts: { tag: string }) {
    super();
    this.tag = opts.tag;
  }
  writePayload(w: Writer): void {
    w.cstring(this.tag, 'tag');
  }
  override summary(): string {
    return quote(this.tag);
  }
  /** Reads the payload: the command tag. */
  static read(r: Reader): CommandComplete {
    return new CommandComplete({ tag: r.cstring('command tag') });
  }
  /** The payload `read` takes, unread: one string. */
  static skim(buf: Uint8Array, p: number, end: number): boolean {
    return skipString(buf, p, end) === end;
  }
}
defineMessage(CommandComplete, 'CommandComplete', BackendCode.CommandComplete, 'backend');

/**
 * 'I': the answer to an empty query string, instead of CommandComplete.
 * @class
 */
export const EmptyQueryResponse = bodyless('EmptyQueryResponse', BackendCode.EmptyQueryResponse, 'backend');
export type EmptyQueryResponse = InstanceType<typeof EmptyQueryResponse>;
