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
  SEVERITY: 'S',
  SEVERITY_NONLOCALIZED: 'V',
  CODE: 'C',
  MESSAGE: 'M',
  DETAIL: 'D',
  HINT: 'H',
  POSITION: 'P',
  INTERNAL_POSITION: 'p',
  INTERNAL_QUERY: 'q',
  WHERE: 'W',
  SCHEMA_NAME: 's',
  TABLE_NAME: 't',
  COLUMN_NAME: 'c',
  DATA_TYPE_NAME: 'd',
  CONSTRAINT_NAME: 'n',
  FILE: 'F',
  LINE: 'L',
  ROUTINE: 'R',
} as const;

/** One field as on the wire: its code letter and its value. */
export interface NoticeField {
  readonly code: string;
  readonly value: string;
}

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
  get detail(): string | undefined {
    return this.get(ErrorField.DETAIL);
  }
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

  protected static readFields(r: Reader): NoticeField[] {
    const fields: NoticeField[] = [];
    for (;;) {
      const code = r.u8('field code');
      if (code === 0) return fields;
      fields.push({ code: String.fromCharCode(code), value: r.cstring('field value') });
    }
  }
}

export class ErrorResponse extends NoticeBase {
  declare readonly type: 'ErrorResponse';
  static read(r: Reader): ErrorResponse {
    return new ErrorResponse({ fields: NoticeBase.readFields(r) });
  }
}
defineMessage(ErrorResponse, 'ErrorResponse', BackendCode.ErrorResponse, 'backend');

export class NoticeResponse extends NoticeBase {
  declare readonly type: 'NoticeResponse';
  static read(r: Reader): NoticeResponse {
    return new NoticeResponse({ fields: NoticeBase.readFields(r) });
  }
}
defineMessage(NoticeResponse, 'NoticeResponse', BackendCode.NoticeResponse, 'backend');
