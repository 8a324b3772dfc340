/**
 * ErrorResponse.toError(): the server's report as an Error subclass with
 * every field named as node-postgres names it.
 */
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';

describe('ErrorResponse.toError()', () => {
  it('names every field as node-postgres does', () => {
    const fields = {
      S: 'ERROR',
      V: 'ERROR',
      C: '23505',
      M: 'duplicate key value violates unique constraint "t_pkey"',
      D: 'Key (id)=(1) already exists.',
      H: 'try another',
      P: '15',
      p: '3',
      q: 'SELECT 1',
      W: 'SQL function "f"',
      s: 'public',
      t: 't',
      c: 'id',
      d: 'int4',
      n: 't_pkey',
      F: 'nbtinsert.c',
      L: '666',
      R: '_bt_check_unique',
      Z: 'an unknown field',
    };
    const e = new pg.ErrorResponse({ fields }).toError();
    expect(e).toBeInstanceOf(pg.DatabaseError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DatabaseError');
    expect(e.message).toBe(fields.M);
    expect({
      severity: e.severity,
      code: e.code,
      detail: e.detail,
      hint: e.hint,
      position: e.position,
      internalPosition: e.internalPosition,
      internalQuery: e.internalQuery,
      where: e.where,
      schema: e.schema,
      table: e.table,
      column: e.column,
      dataType: e.dataType,
      constraint: e.constraint,
      file: e.file,
      line: e.line,
      routine: e.routine,
    }).toEqual({
      severity: 'ERROR',
      code: '23505',
      detail: fields.D,
      hint: 'try another',
      position: '15',
      internalPosition: '3',
      internalQuery: 'SELECT 1',
      where: fields.W,
      schema: 'public',
      table: 't',
      column: 'id',
      dataType: 'int4',
      constraint: 't_pkey',
      file: 'nbtinsert.c',
      line: '666',
      routine: '_bt_check_unique',
    });
    expect(e.fields.at(-1)).toEqual({ code: 'Z', value: 'an unknown field' });
    expect(Object.keys(pg.DATABASE_ERROR_FIELDS).every((k) => k in e)).toBe(true);
  });

  it('missing fields are undefined; a report without a message still reads', () => {
    const e = new pg.NoticeResponse({ fields: { S: 'WARNING' } }).toError();
    expect([e.severity, e.code, e.message]).toEqual(['WARNING', undefined, 'unknown server error']);
  });
});
