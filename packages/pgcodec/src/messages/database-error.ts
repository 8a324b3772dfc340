/**
 * The server's error report as a JavaScript Error: what `ErrorResponse.toError()`
 * returns, each field named as node-postgres names it, so code written for
 * node-postgres's `DatabaseError` reads the same.
 */

/** Field codes of "Error and Notice Message Fields" by the property node-postgres gives them. */
export const DATABASE_ERROR_FIELDS = {
  severity: 'S',
  code: 'C',
  detail: 'D',
  hint: 'H',
  position: 'P',
  internalPosition: 'p',
  internalQuery: 'q',
  where: 'W',
  schema: 's',
  table: 't',
  column: 'c',
  dataType: 'd',
  constraint: 'n',
  file: 'F',
  line: 'L',
  routine: 'R',
} as const;

/** An ErrorResponse (or NoticeResponse) the server sent, thrown or logged as an Error; `message` is its 'M' field. */
export class DatabaseError extends Error {
  /** 'S': ERROR, FATAL, PANIC (possibly localized; 'V' has the English one). */
  readonly severity: string | undefined;
  /** 'C': the SQLSTATE, e.g. '42P01'. */
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** 'P': a 1-based character index into the query. */
  readonly position: string | undefined;
  readonly internalPosition: string | undefined;
  readonly internalQuery: string | undefined;
  readonly where: string | undefined;
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly dataType: string | undefined;
  readonly constraint: string | undefined;
  readonly file: string | undefined;
  readonly line: string | undefined;
  readonly routine: string | undefined;
  /** Every field as sent, in order (unknown codes included). */
  readonly fields: readonly { readonly code: string; readonly value: string }[];

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
