/**
 * PostgreSQL's own regression suite through the proxy: a selection of
 * `src/test/regress/sql/` that needs no C module (regress.so is not built
 * here), run by psql as pg_regress runs it, directly and through a strict
 * pgcodec-proxy, each in a fresh copy of a database test_setup.sql filled.
 * The output must be the same, errors, notices and all. The files are
 * PostgreSQL 15's, fetched at test time (test/harness/regress-sources.ts),
 * so they run against the PostgreSQL 15 they were written for.
 */
import { startProxy, type PgProxy } from '@pgcodec/proxy';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../harness/index.ts';
import { regressSources } from '../harness/regress-sources.ts';
import { PG15, useServer } from '../support/servers.ts';

/**
 * The selection: the schedule's first groups after test_setup (types,
 * geometry, dates, text), then queries, DML, COPY to and from the client,
 * transactions, cursors, window functions, JSON and PL/pgSQL. Left out:
 * files that load regress.so or write files (tablespace, copy), and those
 * whose output differs between any two runs (random, txid, stats).
 */
const FILES = [
  'boolean', 'char', 'name', 'varchar', 'text', 'int2', 'int4', 'int8', 'oid', 'float4', 'float8', 'bit', 'numeric', 'uuid', 'enum', 'money',
  'rangetypes', 'pg_lsn', 'regproc', 'strings', 'numerology', 'point', 'lseg', 'line', 'box', 'path', 'polygon', 'circle', 'date', 'time',
  'timetz', 'timestamp', 'timestamptz', 'interval', 'inet', 'macaddr', 'macaddr8', 'multirangetypes', 'geometry', 'horology', 'tstypes',
  'regex', 'comments', 'expressions', 'unicode', 'copyselect', 'copydml', 'insert', 'insert_conflict', 'select', 'select_into',
  'select_distinct', 'subselect', 'union', 'case', 'join', 'aggregates', 'transactions', 'portals', 'arrays', 'window', 'with', 'json',
  'jsonb', 'prepare', 'plpgsql',
];

describe('PostgreSQL 15 regression SQL through pgcodec-proxy', () => {
  const s = useServer(PG15);
  let proxy: PgProxy;
  let regress: string;

  beforeAll(async () => {
    regress = await regressSources();
    proxy = await startProxy({ upstream: { host: s.cluster.host, port: s.cluster.port } });
    // test_setup.sql once, into a template each file's database is copied from. Its regress.so functions fail here.
    await s.cluster.sql('CREATE DATABASE regress_template');
    const setup = await psql(String(s.cluster.port), 'regress_template', 'test_setup');
    expect(setup.out).toContain('CREATE TABLE onek');
    expect((await s.cluster.sql('SELECT count(*) FROM onek', { database: 'regress_template' })).trim()).toBe('1000');
  }, 240_000);
  afterAll(async () => {
    await proxy?.close();
  });

  /** psql as pg_regress runs it (echoing each statement, errors to stderr, quiet). */
  async function psql(port: string, db: string, file: string) {
    const r = await runProcess(join(s.cluster.clientBinDir, 'psql'), ['-X', '-a', '-q', '-h', '127.0.0.1', '-p', port, '-U', 'postgres', '-d', db, '-v', 'HIDE_TABLEAM=on', '-v', 'HIDE_TOAST_COMPRESSION=on', '-f', join(regress, 'sql', `${file}.sql`)], {
      env: s.cluster.clientEnv({ PG_ABS_SRCDIR: regress, PG_ABS_BUILDDIR: regress, PG_LIBDIR: '/nonexistent', PG_DLSUFFIX: '.so', PGTZ: 'PST8PDT', PGDATESTYLE: 'Postgres, MDY' }),
      timeoutMs: 120_000,
      maxOutput: 64 << 20,
    });
    return { code: r.code, out: r.stdout, err: r.stderr };
  }

  /** Runs `file` in a fresh copy of the template, through `port`. The same database name both ways: output may show it. */
  async function run(port: string, file: string) {
    await s.cluster.sql('DROP DATABASE IF EXISTS regression; CREATE DATABASE regression TEMPLATE regress_template');
    return psql(port, 'regression', file);
  }

  it.each(FILES)('%s.sql: the same output through the proxy as direct', async (file) => {
    const direct = await run(String(s.cluster.port), file);
    const through = await run(String(proxy.address.port), file);
    expect(direct.out.length).toBeGreaterThan(200);
    expect(through).toEqual(direct);
    expect(proxy.errors).toEqual([]);
  }, 240_000);
});
