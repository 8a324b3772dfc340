/**
 * The proxy's hooks against real servers: statements refused (the error
 * comes from the server, in its place, with PostgreSQL's own transaction
 * semantics) or rewritten, rows masked, every query logged with its rows,
 * bytes and errors, and the read-only mode built on them.
 */
import { combineHooks, queryLogHooks, readOnlyHooks, startProxy, statementText, type PgProxy, type QueryRecord } from '@pgcodec/proxy';
import pgClient from 'pg';
import * as pg from 'pgcodec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../harness/index.ts';
import { SERVERS, useServer } from '../support/servers.ts';

describe.each(SERVERS)('proxy hooks in front of $name', (server) => {
  const s = useServer(server);
  let proxy: PgProxy;
  let readOnly: PgProxy;
  const queries: QueryRecord[] = [];
  const logged: string[] = [];
  const client = async (p: PgProxy) => {
    const c = new pgClient.Client({ host: '127.0.0.1', port: p.address.port, user: 'postgres', database: 'postgres' });
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    await s.cluster.sql("CREATE TABLE people (id int, email text); INSERT INTO people VALUES (1, 'ann@example.com'), (2, 'bob@example.org'); CREATE TABLE forbidden_table (x int)");
    const upstream = { host: s.cluster.host, port: s.cluster.port };
    proxy = await startProxy({
      upstream,
      hooks: combineHooks(
        {
          statement: (m) => {
            const sql = statementText(m);
            if (/forbidden_table/.test(sql)) return { refuse: "no, you don't: forbidden_table", code: '42501' };
            if (/tricky_refusal/.test(sql)) return { refuse: "it's a \\back\\slash\0 and 'quotes' $pgcodec_refusal$ %s", code: '42501' };
            if (/hook_throws/.test(sql)) throw new Error('the hook failed');
            if (sql === 'SELECT 1 AS rewritten') return new pg.Query({ queryString: 'SELECT 2 AS rewritten' });
          },
          dataRow: (row) => {
            const cols = Array.from({ length: row.columnCount }, (_, i) => row.text(i));
            return cols.some((v) => v !== null && v.includes('@')) ? new pg.DataRow({ columns: cols.map((v) => (v !== null && v.includes('@') ? '***' : v)) }) : undefined;
          },
          queryDone: (q) => queries.push(q),
        },
        queryLogHooks((line) => logged.push(line)),
      ),
    });
    readOnly = await startProxy({ upstream, hooks: readOnlyHooks() });
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await readOnly?.close();
  });

  it('a refused statement: the client gets the error where the server would give it, the transaction aborts as it would, the session goes on', async () => {
    const c = await client(proxy);
    await expect(c.query('SELECT * FROM forbidden_table')).rejects.toMatchObject({ message: "no, you don't: forbidden_table", code: '42501' });
    // Extended protocol, with a parameter the Bind still carries.
    await expect(c.query('SELECT x FROM forbidden_table WHERE x = $1', [1])).rejects.toMatchObject({ code: '42501' });
    await c.query('BEGIN');
    await expect(c.query('SELECT 1 FROM forbidden_table')).rejects.toMatchObject({ code: '42501' });
    await expect(c.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' }); // in_failed_sql_transaction, as PostgreSQL does
    await c.query('ROLLBACK');
    expect((await c.query('SELECT 3 AS ok')).rows).toEqual([{ ok: 3 }]);
    await c.end();
  });

  it("a refusal's message reaches the client as written (quotes, backslashes, the dollar tag, a %; a NUL, which cannot be sent, dropped)", async () => {
    const c = await client(proxy);
    await expect(c.query("SELECT 'tricky_refusal'")).rejects.toMatchObject({ code: '42501', message: "it's a \\back\\slash and 'quotes'  %s" });
    await c.query("SET standard_conforming_strings = off");
    await expect(c.query("SELECT 'tricky_refusal'")).rejects.toMatchObject({ message: "it's a \\back\\slash and 'quotes'  %s" });
    await c.end();
  });

  it('a hook that throws ends its own session (FATAL XX000, an error record), not the proxy', async () => {
    const before = proxy.errors.length;
    const c = await client(proxy);
    c.on('error', () => {});
    await expect(c.query("SELECT 'hook_throws'")).rejects.toMatchObject({ message: expect.stringContaining('the hook failed') });
    // The record is kept as the session ends, once both its sockets have closed.
    const end = Date.now() + 30_000;
    while (proxy.errors.length === before && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    const rec = proxy.errors.at(-1)!;
    expect(proxy.errors.length).toBe(before + 1);
    expect([rec.side, rec.kind, rec.code, rec.message]).toEqual(['client', 'Error', 'INTERNAL', 'the hook failed']);
    const other = await client(proxy);
    expect((await other.query('SELECT 5 AS ok')).rows).toEqual([{ ok: 5 }]);
    await other.end();
  });

  it('a rewritten statement, and rows masked on the way back', async () => {
    const c = await client(proxy);
    expect((await c.query('SELECT 1 AS rewritten')).rows).toEqual([{ rewritten: 2 }]);
    expect((await c.query('SELECT id, email FROM people ORDER BY id')).rows).toEqual([
      { id: 1, email: '***' },
      { id: 2, email: '***' },
    ]);
    expect((await c.query('SELECT $1::text AS plain', ['no at sign'])).rows).toEqual([{ plain: 'no at sign' }]);
    await c.end();
  });

  it('every query logged: its statements (by prepared name too), rows, bytes, latency and first error', async () => {
    queries.length = 0;
    const c = await client(proxy);
    await c.query('SELECT g FROM generate_series(1, 50) g');
    await c.query({ name: 'named', text: 'SELECT $1::int + g FROM generate_series(1, 3) g', values: [10] });
    await c.query({ name: 'named', text: 'SELECT $1::int + g FROM generate_series(1, 3) g', values: [20] }); // Bind by name only
    await expect(c.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await c.end();
    const mine = queries.filter((q) => q.statements.length > 0);
    expect(mine.map((q) => [q.kind, q.statements, q.rows, q.error])).toEqual([
      ['simple', ['SELECT g FROM generate_series(1, 50) g'], 50, null],
      ['extended', ['SELECT $1::int + g FROM generate_series(1, 3) g'], 3, null],
      ['extended', ['SELECT $1::int + g FROM generate_series(1, 3) g'], 3, null],
      ['simple', ['SELECT 1/0'], 0, 'division by zero'],
    ]);
    expect(mine[0]!.bytes).toBeGreaterThan(50 * 11);
    expect(mine.every((q) => q.latencyMs > 0)).toBe(true);
    expect(logged.some((l) => /\d+\.\d\d ms 50 rows \d+ B: SELECT g FROM generate_series/.test(l))).toBe(true);
    expect(logged.some((l) => /ERROR division by zero: SELECT 1\/0/.test(l))).toBe(true);
  });

  it('read-only: the server refuses writes itself; statements that would make the session writable are refused', async () => {
    const c = await client(readOnly);
    expect((await c.query('SHOW default_transaction_read_only')).rows).toEqual([{ default_transaction_read_only: 'on' }]);
    await expect(c.query('INSERT INTO people VALUES (3, $1)', ['x'])).rejects.toMatchObject({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' });
    for (const escape of ['SET default_transaction_read_only = off', 'BEGIN READ WRITE', "SELECT set_config('default_transaction_read_only', 'off', false)", 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE']) {
      await expect(c.query(escape), escape).rejects.toMatchObject({ code: '25006', message: expect.stringContaining('read-only') });
    }
    expect((await c.query('SELECT count(*)::int AS n FROM people')).rows).toEqual([{ n: 2 }]);
    await c.end();
    // psql, the same.
    const r = await runProcess('psql', ['-X', '-h', '127.0.0.1', '-p', String(readOnly.address.port), '-U', 'postgres', '-d', 'postgres', '-c', 'CREATE TABLE nope (x int)'], { env: s.cluster.clientEnv(), timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('cannot execute CREATE TABLE in a read-only transaction');
    expect(readOnly.errors).toEqual([]);
  });
});
