/**
 * Messages that are pleasant to look at: toJSON() with the type, a one-line
 * toString(), and the same line from Node's util.inspect (console.log).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import { fixtures } from './support/fixtures.js';

describe('every message', () => {
  it.each(fixtures.map((f) => [f.name, f.message] as const))('%s: JSON with its type, one readable line, inspect the same', (_name, m) => {
    const json = m.toJSON();
    expect(json.type).toBe(m.type);
    expect(JSON.parse(JSON.stringify(m))).toEqual(json);
    const line = m.toString();
    expect(line.startsWith(m.type)).toBe(true);
    expect(line).not.toContain('\n');
    expect(inspect(m)).toBe(line);
    expect(`${m}`).toBe(line);
  });
});

describe('the lines', () => {
  it('DataRow(3) with its values', () => {
    expect(String(new pg.DataRow({ columns: ['42', null, 'héllo'] }))).toBe("DataRow(3) ['42', NULL, 'héllo']");
  });

  it('ErrorResponse with severity, SQLSTATE and message', () => {
    const e = new pg.ErrorResponse({ fields: { S: 'ERROR', V: 'ERROR', C: '42P01', M: 'relation "x" does not exist' } });
    expect(String(e)).toBe('ErrorResponse ERROR 42P01 relation "x" does not exist');
  });

  it('a few more', () => {
    expect(String(new pg.Query({ queryString: 'SELECT 1' }))).toBe("Query 'SELECT 1'");
    expect(String(new pg.ReadyForQuery({ status: 'T' }))).toBe('ReadyForQuery T');
    expect(String(new pg.Sync())).toBe('Sync');
    expect(String(new pg.StartupMessage({ protocolVersion: pg.StartupRequestCode.V3_2, params: { user: 'alice' } }))).toBe("StartupMessage 3.2 user='alice'");
    expect(String(new pg.ParameterStatus({ name: 'server_version', value: '18.4' }))).toBe("ParameterStatus server_version='18.4'");
    expect(String(new pg.BackendKeyData({ processId: 7, secretKey: new Uint8Array(32) }))).toBe('BackendKeyData processId=7 secretKey=<32 bytes>');
    expect(String(new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'id', typeOid: 23 })] }))).toBe("RowDescription(1) ['id']");
    expect(String(new pg.Query({ queryString: 'x'.repeat(100) })).length).toBeLessThan(80);
  });

  it('JSON: bytes as hex, DataRow values as text', () => {
    expect(new pg.CopyData({ data: 'hi\n' }).toJSON()).toEqual({ type: 'CopyData', data: '68690a' });
    expect(JSON.stringify(new pg.DataRow({ columns: ['1', null] }))).toBe('{"type":"DataRow","columns":["1",null]}');
    expect(new pg.ErrorResponse({ fields: { C: '42P01' } }).toJSON()).toEqual({ type: 'ErrorResponse', fields: [{ code: 'C', value: '42P01' }] });
  });
});
