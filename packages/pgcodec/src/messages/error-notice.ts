/**
 * ErrorResponse and NoticeResponse share one layout: a list of fields, each a
 * one-byte code and a string, ended by a zero byte. Field order and codes we
 * do not know are kept exactly, so a proxy can forward them unchanged.
 *
 *   'E' | 'N'  Int32 len | (Byte1 code, String value)* | Byte1 0
 */
import { EncodingError, ErrorCode } from '../errors.js';
import type { Reader } from '../wire/reader.js';
import { show, type Writer } from '../wire/writer.js';
import { BackendMessage, defineMessage } from './base.js';
import { DatabaseError } from './database-error.js';
import { BackendCode } from './codes.js';

/** Field codes from "Error and Notice Message Fields". */
export const ErrorField = {
  /** 'S': the severity: ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO or LOG, possibly localized. */
  SEVERITY: 'S',
  /** 'V': the severity, never localized. */
  SEVERITY_NONLOCALIZED: 'V',
  /** 'C': the SQLSTATE code. */
  CODE: 'C',
  /** 'M': the primary human-readable message. */
  MESSAGE: 'M',
  /** 'D': a secondary message with more detail. */
  DETAIL: 'D',
  /** 'H': a suggestion what to do about the problem. */
  HINT: 'H',
  /** 'P': a 1-based character index into the query. */
  POSITION: 'P',
  /** 'p': like 'P', but into the internally generated command ('q'). */
  INTERNAL_POSITION: 'p',
  /** 'q': the failed internally generated command (e.g. SQL a PL/pgSQL function ran). */
  INTERNAL_QUERY: 'q',
  /** 'W': the context: a call stack of PL functions or internal queries. */
  WHERE: 'W',
  /** 's': the schema of the object the error concerns. */
  SCHEMA_NAME: 's',
  /** 't': the table the error concerns. */
  TABLE_NAME: 't',
  /** 'c': the column the error concerns. */
  COLUMN_NAME: 'c',
  /** 'd': the data type the error concerns. */
  DATA_TYPE_NAME: 'd',
  /** 'n': the constraint the error concerns. */
  CONSTRAINT_NAME: 'n',
  /** 'F': the PostgreSQL source file that reported the error. */
  FILE: 'F',
  /** 'L': the line in that file. */
  LINE: 'L',
  /** 'R': the source routine that reported the error. */
  ROUTINE: 'R',
} as const;

/** One field as on the wire: its code letter and its value. */
export interface NoticeField {
  /** The field's code letter (see ErrorField). */
  readonly code: string;
  /** The field's text. */
  readonly value: string;
}

/**
 * Fields for the constructor: an object by code letter (`{ S: 'ERROR', C: '42P01', M: '...' }`),
 * or fields or [code, value] pairs in wire order.
 */
export type NoticeFields = Record<string, string> | Iterable<NoticeField | readonly [string, string]>;

function toFieldList(f: NoticeFields, type: string): NoticeField[] {
  if (typeof f !== 'object' || f === null) throw new EncodingError(ErrorCode.WRONG_TYPE, type, 'fields', `${show(f)} is not an object or a list of fields`);
  if (!(Symbol.iterator in f)) return Object.entries(f).map(([code, value]) => ({ code, value }));
  return [...(f as Iterable<NoticeField | readonly [string, string]>)].map((x) =>
    Array.isArray(x) ? { code: x[0], value: x[1] } : (x as NoticeField),
  );
}

abstract class NoticeBase extends BackendMessage {
  /** Fields in wire order; unknown codes included. */
  readonly fields: readonly NoticeField[];

  constructor(opts: { fields: NoticeFields }) {
    super();
    this.fields = toFieldList(opts.fields, this.type);
  }

  /** Value of the first field with this code letter. */
  get(code: string): string | undefined {
    for (const f of this.fields) if (f.code === code) return f.value;
    return undefined;
  }

  /** 'S': ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG (possibly localized). */
  get severity(): string | undefined {
    return this.get(ErrorField.SEVERITY);
  }
  /** 'C': the SQLSTATE code. */
  get code(): string | undefined {
    return this.get(ErrorField.CODE);
  }
  /** 'M': the primary human-readable message. */
  get message(): string | undefined {
    return this.get(ErrorField.MESSAGE);
  }
  /** 'D': a secondary message with more detail. */
  get detail(): string | undefined {
    return this.get(ErrorField.DETAIL);
  }
  /** 'H': a suggestion what to do about the problem. */
  get hint(): string | undefined {
    return this.get(ErrorField.HINT);
  }

  /** `ErrorResponse ERROR 42P01 relation "x" does not exist` */
  override summary(): string {
    return [this.severity, this.code, this.message].filter((x) => x !== undefined).join(' ');
  }

  /** The report as an Error with node-postgres's field names (`code`, `detail`, `hint`, `position`, ...): to throw or log. */
  toError(): DatabaseError {
    return new DatabaseError(this.fields);
  }

  writePayload(w: Writer): void {
    for (const f of this.fields) {
      const c = f?.code;
      // One byte, not NUL (which ends the list): otherwise the peer reads other fields than these.
      if (typeof c !== 'string' || c.length !== 1 || c === '\0' || c.charCodeAt(0) > 0xff) {
        w.fail(ErrorCode.INVALID_VALUE, 'fields', `field code ${show(c)} is not a single non-NUL byte character`);
      }
      w.u8(c.charCodeAt(0)).cstring(f.value, 'fields');
    }
    w.u8(0);
  }

  /** Reads the fields up to the terminating zero byte. */
  protected static readFields(r: Reader): NoticeField[] {
    const fields: NoticeField[] = [];
    for (;;) {
      const code = r.u8('field code');
      if (code === 0) return fields;
      fields.push({ code: String.fromCharCode(code), value: r.cstring('field value') });
    }
  }
}

/** 'E': the server reports an error; `toError()` makes it a DatabaseError to throw. */
export class ErrorResponse extends NoticeBase {
  declare readonly type: 'ErrorResponse';
  /** Reads the payload: the fields. */
  static read(r: Reader): ErrorResponse {
    return new ErrorResponse({ fields: NoticeBase.readFields(r) });
  }
}
defineMessage(ErrorResponse, 'ErrorResponse', BackendCode.ErrorResponse, 'backend');

/** 'N': a notice (a warning or information) the server may send at any time. */
export class NoticeResponse extends NoticeBase {
  declare readonly type: 'NoticeResponse';
  /** Reads the payload: the fields. */
  static read(r: Reader): NoticeResponse {
    return new NoticeResponse({ fields: NoticeBase.readFields(r) });
  }
}
defineMessage(NoticeResponse, 'NoticeResponse', BackendCode.NoticeResponse, 'backend');
