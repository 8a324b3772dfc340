/**
 * The server's error report as a JavaScript Error: what `ErrorResponse.toError()`
 * returns, each field named as node-postgres names it, so code written for
 * node-postgres's `DatabaseError` reads the same.
 */

/** Field codes of "Error and Notice Message Fields" by the property node-postgres gives them. */
export const DATABASE_ERROR_FIELDS = {
  /** 'S' */
  severity: 'S',
  /** 'C' */
  code: 'C',
  /** 'D' */
  detail: 'D',
  /** 'H' */
  hint: 'H',
  /** 'P' */
  position: 'P',
  /** 'p' */
  internalPosition: 'p',
  /** 'q' */
  internalQuery: 'q',
  /** 'W' */
  where: 'W',
  /** 's' */
  schema: 's',
  /** 't' */
  table: 't',
  /** 'c' */
  column: 'c',
  /** 'd' */
  dataType: 'd',
  /** 'n' */
  constraint: 'n',
  /** 'F' */
  file: 'F',
  /** 'L' */
  line: 'L',
  /** 'R' */
  routine: 'R',
} as const;

/** An ErrorResponse (or NoticeResponse) the server sent, thrown or logged as an Error; `message` is its 'M' field. */
export class DatabaseError extends Error {
  /** 'S': ERROR, FATAL, PANIC (possibly localized; 'V' has the English one). */
  readonly severity: string | undefined;
  /** 'C': the SQLSTATE, e.g. '42P01'. */
  readonly code: string | undefined;
  /** 'D': a secondary message with more detail. */
  readonly detail: string | undefined;
  /** 'H': a suggestion what to do about it. */
  readonly hint: string | undefined;
  /** 'P': a 1-based character index into the query. */
  readonly position: string | undefined;
  /** 'p': like `position`, but into `internalQuery`. */
  readonly internalPosition: string | undefined;
  /** 'q': the failed internally generated command (e.g. SQL a PL/pgSQL function ran). */
  readonly internalQuery: string | undefined;
  /** 'W': the context, such as a PL function call stack or the internal query. */
  readonly where: string | undefined;
  /** 's': the schema of the object the error concerns. */
  readonly schema: string | undefined;
  /** 't': the table the error concerns. */
  readonly table: string | undefined;
  /** 'c': the column the error concerns. */
  readonly column: string | undefined;
  /** 'd': the data type the error concerns. */
  readonly dataType: string | undefined;
  /** 'n': the constraint the error concerns. */
  readonly constraint: string | undefined;
  /** 'F': the PostgreSQL source file that reported the error. */
  readonly file: string | undefined;
  /** 'L': the line in that file. */
  readonly line: string | undefined;
  /** 'R': the source routine that reported the error. */
  readonly routine: string | undefined;
  /** Every field as sent, in order (unknown codes included). */
  readonly fields: readonly {
    /** The field's code letter. */
    readonly code: string;
    /** The field's text. */
    readonly value: string
  }[];

  constructor(fields: readonly { readonly code: string; readonly value: string }[]) {
    const get = (c: string) => fields.find((f) => f.code === c)?.value;
    super(get('M') ?? 'unknown server error');
    this.fields = fields;
    this.severity = get('S');
    this.code = get('C');
    this.detail = get('D');
    this.hint = get('H');
    this.position = get('P');
    this.internalPosition = get('p');
    this.internalQuery = get('q');
    this.where = get('W');
    this.schema = get('s');
    this.table = get('t');
    this.column = get('c');
    this.dataType = get('d');
    this.constraint = get('n');
    this.file = get('F');
    this.line = get('L');
    this.routine = get('R');
  }
}
Object.defineProperty(DatabaseError.prototype, 'name', { value: 'DatabaseError', writable: true, configurable: true });
