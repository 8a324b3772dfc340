/**
 * Records real PostgreSQL client sessions (psql, pgbench, pg_recvlogical, node-postgres,
 * postgres.js, pgcodec's own client, plus a few hand-written raw protocol probes) through the
 * recording proxy and writes one fixture file per TCP connection, plus index.json.
 *
 *   npx tsx test/harness/record.ts [--server 15|18] [--out dir] [--list] [names...]
 *
 * --server 15 (the default) runs the PostgreSQL 15 recordings; --server 18 those against
 * PostgreSQL 18 (named pg18-*): 3.0 clients, and protocol 3.2 through pgcodec's client.
 * Without names every recording of that server runs and stale *.pgrec.gz files in the output
 * dir are removed. With names only those are re-recorded and index.json is merged.
 */
import { chownSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createConnection, type Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import postgres from 'postgres';
import * as codec from 'pgcodec';
import { rows, WireClient } from '../client/wire-client.ts';
import { runProcess, startCluster, type Cluster, type RunResult } from './pg-cluster.ts';
import { startCluster18 } from './postgres18.ts';
import { readSessionFile, startRecorder, writeSessionFile, type LiveSession, type Recorder } from './recorder.ts';
import { ALL_BACKEND_MESSAGES, ALL_FRONTEND_MESSAGES, frameSession, messageCounts } from './frames.ts';
import type { FixtureIndexEntry } from './index.ts';

const DEFAULT_OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/sessions');

// ---------------------------------------------------------------------------------------------
// types

interface ConnectionInfo {
  description?: string;
  auth?: string;
  notes?: string;
}

interface Ctx {
  cluster: Cluster;
  /** The recorder port: clients under test connect here. */
  port: number;
  host: string;
  /** Scratch dir for scripts and files (deleted at the end). */
  work: string;
  /** Run an external tool with a timeout; throws on a timeout or an exit code not in okCodes. */
  tool(cmd: string, args: string[], opts?: ToolOpts): Promise<RunResult>;
  /** Run psql against the recorder. */
  psql(opts: PsqlOpts): Promise<RunResult>;
  log(msg: string): void;
}

interface ToolOpts {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  okCodes?: number[];
}

interface PsqlOpts {
  user?: string;
  password?: string;
  sslmode?: 'prefer' | 'disable';
  script?: string;
  args?: string[];
  okCodes?: number[];
  timeoutMs?: number;
}

interface Recording {
  name: string;
  client: string;
  auth: string;
  description: string;
  notes?: string;
  /** Number of TCP connections the run is expected to open (default 1). */
  connections?: number;
  /** Per-connection overrides, by accept index (0 = first connection). */
  perConnection?: ConnectionInfo[];
  timeoutMs?: number;
  /** 'F:Name' / 'B:Name' message names (see frames.ts) that must occur in the recorded connections. */
  expect?: string[];
  /** Return a reason to skip this recording (its existing fixtures are kept). */
  skip?(ctx: Ctx): string | undefined;
  /** Preparation done directly against the cluster (not recorded). */
  setup?(ctx: Ctx): Promise<void>;
  run(ctx: Ctx): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout?: () => Promise<void> | void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      try { await onTimeout?.(); } catch { /* ignore */ }
      reject(new Error(`${what}: timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** 'D' lines etc. from a psql -At query against the cluster directly. */
async function direct(ctx: Ctx, sql: string): Promise<string> {
  return (await ctx.cluster.sql(sql)).trim();
}

function pgConfig(ctx: Ctx, user: string, password?: string): pg.ClientConfig {
  return { host: ctx.host, port: ctx.port, user, password, database: 'postgres', connectionTimeoutMillis: 10_000, application_name: 'fixture-node-pg' };
}

function pgjs(ctx: Ctx, user: string, password?: string, extra: postgres.Options<{}> = {}) {
  return postgres({
    host: ctx.host,
    port: ctx.port,
    user,
    pass: password,
    database: 'postgres',
    max: 1,
    connect_timeout: 10,
    idle_timeout: 0,
    onnotice: () => {},
    connection: { application_name: 'fixture-postgres-js' },
    ...extra,
  });
}

/** Deterministic pseudo-random bytes (xorshift32). */
function pseudoRandomBytes(n: number, seed = 0x2545f491): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// raw protocol client (hand-written frontend messages; the server side is real)

const enc = new TextEncoder();
const cstr = (s: string) => enc.encode(`${s}\0`);
const i16 = (n: number) => { const b = new Uint8Array(2); new DataView(b.buffer).setInt16(0, n); return b; };
const i32 = (n: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, n); return b; };
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const msg = (type: string, ...body: Uint8Array[]) => {
  const b = concat(...body);
  return concat(enc.encode(type), i32(b.length + 4), b);
};
const untyped = (...body: Uint8Array[]) => {
  const b = concat(...body);
  return concat(i32(b.length + 4), b);
};

class RawClient {
  private buf = new Uint8Array(0);
  private waiters: Array<() => void> = [];
  private ended = false;
  private constructor(private sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = concat(this.buf, new Uint8Array(d));
      this.wake();
    });
    sock.on('close', () => { this.ended = true; this.wake(); });
    sock.on('error', () => { this.ended = true; this.wake(); });
  }
  static connect(host: string, port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = createConnection({ host, port }, () => resolve(new RawClient(s)));
      s.setNoDelay(true);
      s.once('error', reject);
    });
  }
  private wake() { const w = this.waiters; this.waiters = []; w.forEach((f) => f()); }
  private async need(n: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (this.buf.length < n) {
      if (this.ended) throw new Error('raw: connection closed');
      if (Date.now() > deadline) throw new Error('raw: timeout');
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 100); });
    }
  }
  send(...msgs: Uint8Array[]) { this.sock.write(concat(...msgs)); }
  async byte(timeoutMs = 5000): Promise<string> {
    await this.need(1, timeoutMs);
    const c = String.fromCharCode(this.buf[0]);
    this.buf = this.buf.subarray(1);
    return c;
  }
  /** Read typed backend messages until one of type `until`; returns their type letters. */
  async readUntil(until: string, timeoutMs = 5000): Promise<string[]> {
    const types: string[] = [];
    for (;;) {
      await this.need(5, timeoutMs);
      const len = new DataView(this.buf.buffer, this.buf.byteOffset).getInt32(1);
      await this.need(len + 1, timeoutMs);
      const t = String.fromCharCode(this.buf[0]);
      this.buf = this.buf.subarray(len + 1);
      types.push(t);
      if (t === until) return types;
    }
  }
  end(): Promise<void> {
    return new Promise((r) => { this.sock.end(() => r()); this.sock.once('close', () => r()); });
  }
}

// ---------------------------------------------------------------------------------------------
// psql scripts

const PSQL_BASIC = String.raw`
-- simple queries, NULLs, unicode
SELECT 1 AS one;
SELECT NULL::int AS null_int, 'not null' AS txt, NULL AS null_unknown, ARRAY[1, NULL, 3] AS arr_with_null;
SELECT 'héllo wörld ☃ 日本語 🐘' AS unicode, length('🐘') AS len, E'tab\there' AS escaped;
SELECT * FROM fixture_items ORDER BY id;
-- several statements in ONE Query message (psql joins them with \;)
SELECT 1 AS a \; SELECT 2 AS b \; SELECT 'three' AS c;
-- ParameterStatus from SET
SET application_name = 'fixture-psql';
SET TimeZone = 'Europe/Berlin';
SELECT '2024-01-02 03:04:05+00'::timestamptz AS ts;
RESET TimeZone;
-- empty queries: psql sends ';' alone and a comment-only string as Query -> EmptyQueryResponse
;
/* only a comment */ ;
-- notices / warnings
DO $$ BEGIN RAISE NOTICE 'notice with value %', 42; END $$;
DO $$ BEGIN RAISE WARNING 'this is a warning'; END $$;
DO $$ BEGIN RAISE INFO 'info message'; END $$;
CREATE TEMP TABLE tmp_x (id int);
CREATE TEMP TABLE IF NOT EXISTS tmp_x (id int);
-- errors
SELEC 1;
SELECT 1/0;
BEGIN;
INSERT INTO tmp_x VALUES (1);
SELECT 1/0;
SELECT 'in failed transaction';
ROLLBACK;
SELECT count(*) AS rows_after_rollback FROM tmp_x;
DO $$ BEGIN RAISE EXCEPTION 'custom error' USING DETAIL = 'some detail', HINT = 'some hint', ERRCODE = 'P0001'; END $$;
-- a 128 KiB value: the DataRow spans many TCP chunks
SELECT repeat('0123456789abcdef', 8192) AS big;
SELECT g, md5(g::text) AS h FROM generate_series(1, 50) g;
`;

function psqlCopyScript(binFile: string): string {
  return String.raw`
CREATE TEMP TABLE c (id int, name text, amount numeric, note text);
COPY c FROM STDIN;
1	alpha	1.5	\N
2	beta	2.25	tab\there
3	gamma	\N	ünïcødé ☃
\.
COPY c FROM STDIN (FORMAT csv, HEADER true);
id,name,amount,note
4,delta,4,"quoted, with comma"
5,epsilon,,"multi
line"
\.
COPY c TO STDOUT;
COPY c TO STDOUT (FORMAT csv, HEADER true);
COPY c TO STDOUT (FORMAT binary);
\copy c TO '${binFile}' (FORMAT binary)
\copy c FROM '${binFile}' (FORMAT binary)
SELECT count(*) AS rows_after_binary_copy FROM c;
-- a bad row: ErrorResponse while copying in
COPY c FROM STDIN (FORMAT csv);
6,zeta,not_a_number,x
\.
COPY (SELECT g, repeat('x', g) FROM generate_series(1, 200) g) TO STDOUT;
`;
}

const PSQL_NOTIFY = String.raw`
LISTEN fixture_channel;
NOTIFY fixture_channel, 'hello from psql';
SELECT pg_notify('fixture_channel', 'via pg_notify ☃');
NOTIFY fixture_channel;
BEGIN;
NOTIFY fixture_channel, 'delivered at commit';
NOTIFY fixture_channel, 'second in same transaction';
COMMIT;
UNLISTEN *;
NOTIFY fixture_channel, 'nobody listens';
`;

function psqlLoScript(input: string, output: string): string {
  return String.raw`
\lo_import '${input}'
\set fixture_oid :LASTOID
\lo_export :fixture_oid '${output}'
\lo_list
\lo_unlink :fixture_oid
`;
}

const PSQL_CATALOG = String.raw`
\d
\dt
\d fixture_items
\l
\df
\dn
\du
`;

const PSQL_AUTH = String.raw`
SELECT current_user, session_user, current_setting('server_version_num') AS version;
`;

// ---------------------------------------------------------------------------------------------
// pgbench helpers

async function ensurePgbenchTables(ctx: Ctx): Promise<void> {
  const ok = await direct(ctx, `SELECT to_regclass('pgbench_accounts') IS NOT NULL AND to_regclass('pgbench_branches') IS NOT NULL;`);
  if (ok === 't') {
    const n = await direct(ctx, 'SELECT count(*) FROM pgbench_branches;');
    if (n === '1') return;
  }
  // server-side generation: nothing big travels over any socket
  const r = await runProcess('pgbench', ['-i', '-I', 'dtGvp', '-s', '1', '-q', '-h', ctx.cluster.socketDir, '-p', String(ctx.cluster.port), '-U', 'postgres', 'postgres'], {
    env: ctx.cluster.clientEnv(), timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`pgbench -i (direct) failed: ${r.stderr}`);
}

function pgbenchRun(mode: 'simple' | 'extended' | 'prepared'): Recording {
  return {
    name: `pgbench-${mode}`,
    client: 'pgbench',
    auth: 'trust',
    description: `pgbench -c 1 -t 5 -M ${mode} (built-in tpcb-like script), setup connection`,
    notes:
      'Connection 0 is pgbench\'s setup connection (scale check, VACUUM, TRUNCATE pgbench_history); connection 1 is the benchmark client. ' +
      (mode === 'simple' ? 'Simple protocol: Query only.' : mode === 'extended' ? 'Extended protocol with unnamed statements: Parse/Bind/Describe/Execute/Sync per command.' : 'Extended protocol with named prepared statements: Parse once per command, then Bind/Describe/Execute/Sync.'),
    connections: 2,
    expect: mode === 'simple' ? ['F:Query'] : ['F:Parse', 'F:Bind', 'F:Execute', 'F:Sync', 'B:ParseComplete', 'B:BindComplete'],
    perConnection: [{}, { description: `pgbench -c 1 -t 5 -M ${mode}: the benchmark client connection (5 tpcb-like transactions)` }],
    setup: ensurePgbenchTables,
    async run(ctx) {
      await ctx.tool('pgbench', ['-c', '1', '-t', '5', '-M', mode, '-h', ctx.host, '-p', String(ctx.port), '-U', 'postgres', 'postgres']);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// recordings

const SLOT = 'fixture_slot';

const RECORDINGS: Recording[] = [
  // ---------------- psql ----------------
  {
    name: 'psql-basic',
    expect: ['F:SSLRequest', 'B:SSLResponse', 'F:Query', 'B:EmptyQueryResponse', 'B:NoticeResponse', 'B:ErrorResponse', 'B:ParameterStatus', 'B:DataRow', 'F:Terminate'],
    client: 'psql',
    auth: 'trust',
    description: 'psql 15, sslmode=prefer (SSLRequest -> N): simple queries, NULLs, unicode, multi-statement Query, SET -> ParameterStatus, empty queries, NOTICE/WARNING/INFO, errors (syntax, division by zero, error in transaction + ROLLBACK, RAISE EXCEPTION with detail/hint), a 128 KiB DataRow',
    notes: "EmptyQueryResponse comes from psql sending ';' alone and '/* only a comment */ ;' as Query messages. The 128 KiB value is split over many B chunks.",
    async run(ctx) {
      await ctx.psql({ sslmode: 'prefer', script: PSQL_BASIC });
    },
  },
  {
    name: 'psql-copy',
    expect: ['B:CopyInResponse', 'B:CopyOutResponse', 'F:CopyData', 'F:CopyDone', 'B:CopyData', 'B:CopyDone', 'B:ErrorResponse'],
    client: 'psql',
    auth: 'trust',
    description: 'psql 15, sslmode=disable (no SSLRequest): COPY FROM STDIN text and csv, COPY TO STDOUT text/csv/binary, \\copy TO/FROM a binary file, a COPY FROM STDIN that fails on a bad row, a 200-row COPY TO STDOUT',
    notes: 'psql sends COPY data as CopyData + CopyDone; the bad csv row yields ErrorResponse during COPY IN. Binary COPY both ways.',
    async run(ctx) {
      const bin = join(ctx.work, 'copy.bin');
      await ctx.psql({ sslmode: 'disable', script: psqlCopyScript(bin) });
      assert(statSync(bin).size > 19, 'binary copy file written');
    },
  },
  {
    name: 'psql-notify',
    expect: ['B:NotificationResponse'],
    client: 'psql',
    auth: 'trust',
    description: 'psql 15: LISTEN, NOTIFY with and without payload, pg_notify(), two NOTIFYs in one transaction delivered at COMMIT, UNLISTEN *',
    notes: 'NotificationResponse messages arrive on the same connection right after CommandComplete, before ReadyForQuery.',
    async run(ctx) {
      const r = await ctx.psql({ script: PSQL_NOTIFY });
      assert(/Asynchronous notification "fixture_channel"/.test(r.stdout), 'psql printed notifications');
    },
  },
  {
    name: 'psql-lo',
    expect: ['F:FunctionCall', 'B:FunctionCallResponse'],
    client: 'psql',
    auth: 'trust',
    description: 'psql 15: \\lo_import of a 20000-byte file, \\lo_export, \\lo_list, \\lo_unlink',
    notes: 'libpq large-object API: looks up lo_* function OIDs with a Query, then FunctionCall/FunctionCallResponse (lo_creat/lo_open/lowrite/loread/lo_close, 8 KiB pieces) inside BEGIN/COMMIT.',
    async run(ctx) {
      const input = join(ctx.work, 'lo-in.bin');
      const output = join(ctx.work, 'lo-out.bin');
      writeFileSync(input, pseudoRandomBytes(20000));
      await ctx.psql({ script: psqlLoScript(input, output) });
      assert(Buffer.compare(readFileSync(input), readFileSync(output)) === 0, 'lo_export returned the imported bytes');
    },
  },
  {
    name: 'psql-catalog',
    client: 'psql',
    auth: 'trust',
    description: 'psql 15 catalog meta-commands: \\d, \\dt, \\d fixture_items, \\l, \\df, \\dn, \\du',
    notes: 'Many catalog queries with wide RowDescriptions (name, oid, char, aclitem[] ... columns).',
    async run(ctx) {
      await ctx.psql({ script: PSQL_CATALOG });
    },
  },
  {
    name: 'psql-md5',
    expect: ['B:AuthenticationMD5Password', 'F:PasswordMessage'],
    client: 'psql',
    auth: 'md5',
    description: 'psql 15 as md5_user (password via PGPASSWORD): AuthenticationMD5Password -> PasswordMessage (md5 hash)',
    async run(ctx) {
      const r = await ctx.psql({ user: 'md5_user', password: 'md5_pass', script: PSQL_AUTH });
      assert(r.stdout.includes('md5_user'), 'logged in as md5_user');
    },
  },
  {
    name: 'psql-scram',
    expect: ['B:AuthenticationSASL', 'F:SASLInitialResponse', 'B:AuthenticationSASLContinue', 'F:SASLResponse', 'B:AuthenticationSASLFinal'],
    client: 'psql',
    auth: 'scram-sha-256',
    description: 'psql 15 as scram_user: AuthenticationSASL (SCRAM-SHA-256) -> SASLInitialResponse -> SASLContinue -> SASLResponse -> SASLFinal -> AuthenticationOk',
    notes: 'No TLS, so no channel binding (SCRAM-SHA-256, not -PLUS; gs2 header "n,,").',
    async run(ctx) {
      const r = await ctx.psql({ user: 'scram_user', password: 'scram_pass', script: PSQL_AUTH });
      assert(r.stdout.includes('scram_user'), 'logged in as scram_user');
    },
  },
  {
    name: 'psql-password',
    expect: ['B:AuthenticationCleartextPassword', 'F:PasswordMessage'],
    client: 'psql',
    auth: 'password',
    description: 'psql 15 as password_user (hba method "password"): AuthenticationCleartextPassword -> PasswordMessage with the cleartext password',
    async run(ctx) {
      const r = await ctx.psql({ user: 'password_user', password: 'password_pass', script: PSQL_AUTH });
      assert(r.stdout.includes('password_user'), 'logged in as password_user');
    },
  },
  {
    name: 'psql-bad-password',
    expect: ['B:ErrorResponse'],
    client: 'psql',
    auth: 'scram-sha-256',
    description: 'psql 15 as scram_user with a wrong password: full SCRAM exchange, then ErrorResponse FATAL 28P01 and the server closes the connection',
    notes: 'psql exits with code 2. No ReadyForQuery, no Terminate.',
    async run(ctx) {
      const r = await ctx.psql({ user: 'scram_user', password: 'wrong', script: PSQL_AUTH, okCodes: [2] });
      assert(/password authentication failed/.test(r.stderr), 'auth failed');
    },
  },
  {
    name: 'psql-terminated',
    expect: ['B:ErrorResponse'],
    client: 'psql',
    auth: 'trust',
    description: 'psql 15: SELECT pg_terminate_backend(pg_backend_pid()) -> ErrorResponse FATAL 57P01 and the server closes the connection mid-session',
    notes: 'Server-initiated close: no Terminate from the client; psql exits with code 2.',
    async run(ctx) {
      await ctx.psql({ script: 'SELECT 1 AS before;\nSELECT pg_terminate_backend(pg_backend_pid());\nSELECT 2 AS never;\n', okCodes: [2] });
    },
  },

  // ---------------- pgbench ----------------
  {
    name: 'pgbench-init',
    client: 'pgbench',
    auth: 'trust',
    description: 'pgbench -i -I dtGvp -s 1: drop + create tables, server-side data generation (INSERT ... generate_series), VACUUM, primary keys',
    notes: 'Server-side generation (G) keeps the fixture tiny; see pgbench-init-copy for client-side generation through COPY.',
    async run(ctx) {
      await ctx.tool('pgbench', ['-i', '-I', 'dtGvp', '-s', '1', '-h', ctx.host, '-p', String(ctx.port), '-U', 'postgres', 'postgres'], { timeoutMs: 120_000 });
    },
  },
  {
    name: 'pgbench-init-copy',
    expect: ['B:CopyInResponse', 'F:CopyData', 'F:CopyDone'],
    client: 'pgbench',
    auth: 'trust',
    description: 'pgbench -i -I dtg -s 1: drop + create tables, client-side generation with COPY pgbench_accounts FROM STDIN (100000 rows, one CopyData message per row, about 1.5 MiB)',
    notes: 'The largest fixture: many large F chunks of CopyData. Tables are left without primary keys; later pgbench runs re-initialize directly.',
    timeoutMs: 120_000,
    async run(ctx) {
      await ctx.tool('pgbench', ['-i', '-I', 'dtg', '-s', '1', '-h', ctx.host, '-p', String(ctx.port), '-U', 'postgres', 'postgres'], { timeoutMs: 120_000 });
      // leave a clean state for the runs
      await direct(ctx, 'DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history;');
    },
  },
  pgbenchRun('simple'),
  pgbenchRun('extended'),
  pgbenchRun('prepared'),

  // ---------------- pg_recvlogical ----------------
  {
    name: 'recvlogical-create-slot',
    expect: ['F:Query', 'B:RowDescription'],
    client: 'pg_recvlogical',
    auth: 'trust',
    description: `pg_recvlogical --create-slot -S ${SLOT} --plugin=test_decoding (replication=database connection, IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT ... LOGICAL)`,
    async setup(ctx) {
      await direct(ctx, `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${SLOT}';`);
    },
    async run(ctx) {
      await ctx.tool('pg_recvlogical', ['--create-slot', '-S', SLOT, '--plugin=test_decoding', '-d', 'postgres', '-h', ctx.host, '-p', String(ctx.port), '-U', 'postgres']);
    },
  },
  {
    name: 'recvlogical-stream',
    expect: ['B:CopyBothResponse', 'B:CopyData', 'F:CopyData', 'F:CopyDone', 'B:CopyDone'],
    client: 'pg_recvlogical',
    auth: 'trust',
    description: `pg_recvlogical --start -S ${SLOT} --endpos=<lsn> -f -: START_REPLICATION ... LOGICAL, CopyBothResponse, XLogData and keepalive CopyData from the server, standby status updates from the client, CopyDone both ways at endpos`,
    notes: 'Decodes an INSERT of 3 rows, an UPDATE and a DELETE (3 transactions; test_decoding with include-xids=0, skip-empty-xacts=1); stops by itself at --endpos (end of the DELETE commit).',
    timeoutMs: 60_000,
    async setup(ctx) {
      const exists = await direct(ctx, `SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${SLOT}';`);
      if (exists === '0') await direct(ctx, `SELECT pg_create_logical_replication_slot('${SLOT}', 'test_decoding');`);
      await direct(ctx, `
        DROP TABLE IF EXISTS recvlogical_demo;
        CREATE TABLE recvlogical_demo (id int PRIMARY KEY, v text);
        INSERT INTO recvlogical_demo VALUES (1, 'one'), (2, 'two'), (3, 'three ☃');
        UPDATE recvlogical_demo SET v = 'TWO' WHERE id = 2;
        DELETE FROM recvlogical_demo WHERE id = 1;`);
      // insert position, not pg_current_wal_lsn(): with synchronous_commit=off the write position lags
      const lsn = await direct(ctx, 'SELECT pg_current_wal_insert_lsn();');
      // WAL beyond endpos, committed synchronously so everything up to here is flushed
      // (walsenders only send flushed WAL) and the stream is guaranteed to reach endpos
      await direct(ctx, `SET synchronous_commit = on; INSERT INTO recvlogical_demo VALUES (99, 'after endpos');`);
      endposLsn = lsn;
    },
    async run(ctx) {
      const r = await ctx.tool('pg_recvlogical', [
        '--start', '-S', SLOT, '-f', '-', `--endpos=${endposLsn}`, '--no-loop', '-s', '1',
        '-o', 'include-xids=0', '-o', 'skip-empty-xacts=1',
        '-d', 'postgres', '-h', ctx.host, '-p', String(ctx.port), '-U', 'postgres',
      ], { timeoutMs: 45_000 });
      assert(r.stdout.includes("table public.recvlogical_demo: UPDATE: id[integer]:2 v[text]:'TWO'"), `decoded changes in output: ${r.stdout}`);
    },
  },
  {
    name: 'recvlogical-drop-slot',
    client: 'pg_recvlogical',
    auth: 'trust',
    description: `pg_recvlogical --drop-slot -S ${SLOT} (replication=database connection, DROP_REPLICATION_SLOT)`,
    async setup(ctx) {
      const exists = await direct(ctx, `SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${SLOT}';`);
      if (exists === '0') await direct(ctx, `SELECT pg_create_logical_replication_slot('${SLOT}', 'test_decoding');`);
    },
    async run(ctx) {
      await ctx.tool('pg_recvlogical', ['--drop-slot', '-S', SLOT, '-d', 'postgres', '-h', ctx.host, '-p', String(ctx.port), '-U', 'postgres']);
    },
  },

  // ---------------- node-postgres ----------------
  {
    name: 'node-pg-scram',
    expect: ['B:AuthenticationSASLFinal', 'F:Parse', 'F:Bind', 'F:Describe', 'F:Execute', 'F:Flush', 'B:PortalSuspended', 'B:NoData', 'B:EmptyQueryResponse', 'B:NoticeResponse', 'B:ParameterStatus'],
    client: 'node-pg',
    auth: 'scram-sha-256',
    description: 'node-postgres (pg 8) as scram_user: simple queries, parameterized queries (text params, a Buffer sent as a binary bytea param, NULL param), binary result format, a named prepared statement used 3 times, paged fetch with `rows` (Execute row limit + Flush -> PortalSuspended), INSERT via extended protocol (NoData), parse/bind/runtime errors, notice, SET -> ParameterStatus, empty query, a 256 KiB text result',
    notes: 'pg sends Parse/Bind/Describe(portal)/Execute/Sync per parameterized query; for a named statement already prepared it skips Parse. The `rows` query uses Flush between Executes and Sync only at the end.',
    async run(ctx) {
      const c = new pg.Client(pgConfig(ctx, 'scram_user', 'scram_pass'));
      c.on('error', () => {});
      c.on('notice', () => {});
      await c.connect();
      await c.query('SELECT 1 AS one, NULL::text AS nothing, true AS yes');
      await c.query('SELECT $1::int + $2::int AS sum, $3::text AS t, $4::text AS null_param', [1, 2, 'héllo ☃', null]);
      await c.query('SELECT $1::bytea AS b, length($1::bytea) AS n', [Buffer.from([0, 1, 2, 0xfe, 0xff])]);
      await c.query({ text: 'SELECT $1::int4 AS i, 1.5::float8 AS f, \'2024-01-02T03:04:05Z\'::timestamptz AS ts, ARRAY[1,2,NULL]::int4[] AS arr', values: [7], binary: true } as pg.QueryConfig);
      for (const n of [1, 2, 3]) await c.query({ name: 'fixture_doubler', text: 'SELECT $1::int * 2 AS doubled', values: [n] });
      const paged = await c.query({ text: 'SELECT g, md5(g::text) AS h FROM generate_series(1, 7) g', rows: 3 } as pg.QueryConfig);
      assert(paged.rows.length === 7, 'paged query returned all rows');
      await c.query('CREATE TEMP TABLE np (id int, v text)');
      await c.query('INSERT INTO np VALUES ($1, $2)', [1, 'one']);
      await c.query('SELECT * FROM np WHERE id = $1', [1]);
      await c.query('SELEC 1').catch(() => {}); // syntax error (simple protocol)
      await c.query('SELECT $1::int AS bad', ['not a number']).catch(() => {}); // error at Bind
      await c.query('SELECT 1/$1::int AS boom', [0]).catch(() => {}); // error at Execute
      await c.query("DO $$ BEGIN RAISE NOTICE 'notice from node-pg'; END $$");
      await c.query("SET application_name = 'fixture-node-pg-renamed'");
      await c.query('');
      const big = await c.query("SELECT repeat('node-pg ', 32768) AS big");
      assert((big.rows[0] as { big: string }).big.length === 8 * 32768, 'big value');
      await c.end();
    },
  },
  {
    name: 'node-pg-md5',
    expect: ['B:AuthenticationMD5Password'],
    client: 'node-pg',
    auth: 'md5',
    description: 'node-postgres as md5_user: AuthenticationMD5Password -> PasswordMessage, a simple and a parameterized query',
    async run(ctx) {
      const c = new pg.Client(pgConfig(ctx, 'md5_user', 'md5_pass'));
      c.on('error', () => {});
      await c.connect();
      await c.query('SELECT current_user');
      await c.query('SELECT $1::text AS echo', ['md5']);
      await c.end();
    },
  },
  {
    name: 'node-pg-bad-password',
    expect: ['B:ErrorResponse'],
    client: 'node-pg',
    auth: 'md5',
    description: 'node-postgres as md5_user with a wrong password: AuthenticationMD5Password -> PasswordMessage -> ErrorResponse FATAL 28P01, server closes',
    async run(ctx) {
      const c = new pg.Client(pgConfig(ctx, 'md5_user', 'wrong'));
      c.on('error', () => {});
      const err = await c.connect().then(() => undefined, (e: Error) => e);
      assert(err && /password authentication failed/.test(err.message), 'auth failed');
      await c.end().catch(() => {});
    },
  },
  {
    name: 'node-pg-pipeline',
    expect: ['B:ErrorResponse', 'F:Sync'],
    client: 'node-pg',
    auth: 'trust',
    description: 'node-postgres with { pipeline: true } (pg >= 8.20): five queries written back to back before any response, one of them failing (division by zero), each with its own Sync',
    notes: 'The error in the third query does not affect the others because each query ends with its own Sync.',
    async run(ctx) {
      const c = new pg.Client({ ...pgConfig(ctx, 'postgres'), pipeline: true });
      c.on('error', () => {});
      await c.connect();
      const res = await Promise.allSettled([
        c.query('SELECT 1 AS a'),
        c.query('SELECT $1::int AS b', [2]),
        c.query('SELECT 1/0 AS boom'),
        c.query({ text: 'SELECT $1::text AS d', values: ['after the error'] }),
        c.query({ name: 'fixture_pipelined', text: 'SELECT $1::int + 1 AS e', values: [41] }),
      ]);
      assert(res.map((r) => r.status).join() === 'fulfilled,fulfilled,rejected,fulfilled,fulfilled', `pipeline results ${res.map((r) => r.status)}`);
      await c.end();
    },
  },
  {
    name: 'node-pg-cancel',
    expect: ['F:CancelRequest', 'B:ErrorResponse'],
    client: 'node-pg',
    auth: 'trust',
    description: 'node-postgres: SELECT pg_sleep(10) cancelled after 300 ms with Client#cancel(client, query) -> ErrorResponse 57014 on the main connection',
    connections: 2,
    perConnection: [{}, { description: 'node-postgres cancel connection: a single CancelRequest (pid + secret key from BackendKeyData), no response, server closes', auth: 'none' }],
    async run(ctx) {
      const c = new pg.Client(pgConfig(ctx, 'postgres'));
      c.on('error', () => {});
      await c.connect();
      await c.query('SELECT pg_backend_pid()');
      const q = new pg.Query('SELECT pg_sleep(10)');
      const finished = new Promise<Error | undefined>((res) => {
        q.on('error', (e: Error) => res(e));
        q.on('end', () => res(undefined));
      });
      c.query(q);
      await sleep(300);
      const canceller = new pg.Client(pgConfig(ctx, 'postgres')) as pg.Client & { cancel(c: pg.Client, q: pg.Query): void };
      canceller.cancel(c, q);
      const err = await finished;
      assert(err && (err as Error & { code?: string }).code === '57014', `query cancelled (${err?.message})`);
      await c.query('SELECT 1 AS still_alive');
      await c.end();
    },
  },
  {
    name: 'node-pg-copy',
    expect: ['F:CopyFail', 'B:CopyOutResponse', 'B:CopyInResponse', 'B:ErrorResponse'],
    client: 'node-pg',
    auth: 'trust',
    description: 'node-postgres without pg-copy-streams: COPY TO STDOUT in text and binary (CopyOutResponse/CopyData/CopyDone, data ignored by pg) and COPY FROM STDIN, which pg answers with CopyFail("No source stream defined") -> ErrorResponse 57014',
    notes: 'The only fixture from a real client containing a frontend CopyFail besides postgres-copy.',
    async run(ctx) {
      const c = new pg.Client(pgConfig(ctx, 'postgres'));
      c.on('error', () => {});
      await c.connect();
      await c.query('CREATE TEMP TABLE nc (id int, name text)');
      await c.query("INSERT INTO nc VALUES (1, 'a'), (2, NULL), (3, 'ç')");
      await c.query('COPY nc TO STDOUT');
      await c.query('COPY nc TO STDOUT (FORMAT binary)');
      const err = await c.query('COPY nc FROM STDIN').then(() => undefined, (e: Error) => e);
      assert(err, 'COPY FROM STDIN without a stream fails');
      await c.query('SELECT count(*) FROM nc');
      await c.end();
    },
  },

  // ---------------- postgres.js ----------------
  {
    name: 'postgres-scram',
    expect: ['B:PortalSuspended', 'F:Close', 'B:CloseComplete', 'B:ParameterDescription', 'B:NoData', 'B:ErrorResponse'],
    client: 'postgres.js',
    auth: 'scram-sha-256',
    description: 'postgres.js 3 (max: 1, prepare: true) as scram_user: type fetch on connect, parameters of several types, a named prepared statement reused, 5 pipelined queries, a pipeline with an error in the middle, cursors (Execute row limit -> PortalSuspended; early break -> Close portal -> CloseComplete), describe() (ParameterDescription + NoData), simple-protocol multi-statement, a transaction with bulk insert, errors, notice',
    notes: 'postgres.js writes Parse/Describe(statement)/Sync for unknown statements first, then Bind/Execute/Sync; pipelined queries share the connection without waiting for ReadyForQuery.',
    async run(ctx) {
      const sql = pgjs(ctx, 'scram_user', 'scram_pass');
      try {
        await sql`select 1 as one, null::int as nothing`;
        await sql`select ${42}::int4 as i, ${'héllo ☃'}::text as t, ${null}::text as n, ${Buffer.from([0, 1, 2, 0xff])}::bytea as b, ${new Date('2024-01-02T03:04:05Z')}::timestamptz as d, ${[1, 2, 3]}::int[] as arr, ${true}::bool as flag`;
        for (const n of [1, 2, 3]) await sql`select ${n}::int * 2 as doubled`;
        await Promise.all([1, 2, 3, 4, 5].map((i) => sql`select ${i}::int as i, pg_backend_pid() as pid`));
        const settled = await Promise.allSettled([sql`select 1 as ok`, sql`select 1/0 as boom`, sql`select 3 as ok`]);
        assert(settled[1].status === 'rejected', 'pipelined error');
        let pages = 0;
        for await (const rows of sql`select g from generate_series(1, 10) g`.cursor(4)) { pages++; void rows; }
        assert(pages === 3, `cursor pages ${pages}`);
        for await (const rows of sql`select g from generate_series(1, 100) g`.cursor(5)) { void rows; break; }
        await sql`insert into fixture_items (id, name) values (${1000}, ${'never inserted'})`.describe();
        await sql.unsafe('select 1 as a; select 2 as b').simple();
        await sql.begin(async (tx) => {
          await tx`create temp table pj (id int, doc jsonb)`;
          await tx`insert into pj ${tx([{ id: 1, doc: { a: 1 } }, { id: 2, doc: null }])}`;
          await tx`select * from pj order by id`;
        });
        await sql`select * from no_such_table`.catch(() => {});
        await sql`do $$ begin raise notice 'notice from postgres.js'; end $$`;
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  },
  {
    name: 'postgres-md5',
    expect: ['B:AuthenticationMD5Password'],
    client: 'postgres.js',
    auth: 'md5',
    description: 'postgres.js as md5_user with prepare: false (unnamed statements): AuthenticationMD5Password, parameterized queries, an error',
    async run(ctx) {
      const sql = pgjs(ctx, 'md5_user', 'md5_pass', { prepare: false });
      try {
        await sql`select current_user`;
        for (const n of [1, 2]) await sql`select ${n}::int as n, ${'x'.repeat(n)} as s`;
        await sql`select ${'abc'}::int`.catch(() => {});
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  },
  {
    name: 'postgres-cancel',
    expect: ['F:CancelRequest', 'B:ErrorResponse'],
    client: 'postgres.js',
    auth: 'trust',
    description: 'postgres.js: select pg_sleep(10) cancelled with query.cancel() after 300 ms -> ErrorResponse 57014',
    connections: 2,
    perConnection: [{}, { description: 'postgres.js cancel connection: a single CancelRequest, no response', auth: 'none' }],
    async run(ctx) {
      const sql = pgjs(ctx, 'postgres');
      try {
        await sql`select 1 as warmup`;
        const q = sql`select pg_sleep(10)`;
        const result = q.then(() => undefined, (e: Error & { code?: string }) => e);
        await sleep(300);
        q.cancel();
        const err = await result;
        assert(err && err.code === '57014', `cancelled (${err?.message})`);
        await sql`select 1 as still_alive`;
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  },
  {
    name: 'postgres-copy',
    expect: ['F:CopyFail', 'F:CopyData', 'F:CopyDone', 'B:CopyInResponse', 'B:CopyOutResponse', 'B:ErrorResponse'],
    client: 'postgres.js',
    auth: 'trust',
    description: 'postgres.js COPY streams: .writable() for COPY FROM STDIN (text and csv), .readable() for COPY TO STDOUT (text and binary), and a writable destroyed with an error -> CopyFail -> ErrorResponse',
    async run(ctx) {
      const sql = pgjs(ctx, 'postgres');
      try {
        await sql`create temp table pc (id int, name text, note text)`;
        await pipeline(Readable.from(['1\talpha\t\\N\n', '2\tbeta\tx\n', '3\tgämma\t\\N\n']), await sql`copy pc from stdin`.writable());
        await pipeline(Readable.from(['4,delta,"a, b"\n', '5,epsilon,\n']), await sql`copy pc (id, name, note) from stdin (format csv)`.writable());
        const chunks: Buffer[] = [];
        await pipeline(await sql`copy pc to stdout`.readable(), new Writable({ write(c, _e, cb) { chunks.push(c); cb(); } }));
        assert(Buffer.concat(chunks).toString().split('\n').length === 6, 'copy out rows');
        await pipeline(await sql`copy pc to stdout (format binary)`.readable(), new Writable({ write(_c, _e, cb) { cb(); } }));
        // CopyFail
        const q = sql`copy pc from stdin`;
        const w = await q.writable();
        w.on('error', () => {});
        await new Promise<void>((r) => w.write('6\tzeta\t\\N\n', () => r()));
        w.destroy(new Error('client aborted the copy'));
        // queued behind the failed COPY on the single connection
        const [{ count }] = await sql`select count(*)::int as count from pc`;
        assert(count === 5, `rows after CopyFail: ${count}`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  },
  {
    name: 'postgres-listen',
    expect: ['B:NotificationResponse'],
    client: 'postgres.js',
    auth: 'trust',
    description: 'postgres.js sql.listen / sql.notify: the main connection sends NOTIFYs; connection 1 is the dedicated LISTEN connection',
    connections: 2,
    perConnection: [{}, { description: 'postgres.js dedicated LISTEN connection: LISTEN, then NotificationResponse messages arriving asynchronously while the connection is idle' }],
    notes: 'Notifications arrive on the listener while it is idle (no query in flight), outside any request/response pair.',
    async run(ctx) {
      const sql = pgjs(ctx, 'postgres');
      try {
        await sql`select 1 as main_connection_first`;
        const got: string[] = [];
        await sql.listen('fixture_channel', (payload) => got.push(payload));
        await sql.notify('fixture_channel', 'hello from postgres.js');
        await sql`select pg_notify('fixture_channel', 'second ☃')`;
        await waitFor(() => got.length === 2, 5000, 'notifications');
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  },

  // ---------------- raw probes ----------------
  {
    name: 'raw-gss-auth',
    client: 'raw',
    auth: 'gss',
    description: "Hand-written StartupMessage as gss_user (hba method gss): AuthenticationGSS, then a bogus GSSResponse token -> ErrorResponse FATAL (accepting GSS security context failed), server closes",
    notes: 'No Kerberos is configured; this only exercises AuthenticationGSS and the GSSResponse framing. AuthenticationGSSContinue needs a real KDC, AuthenticationSSPI a Windows server.',
    expect: ['B:AuthenticationGSS', 'F:GSSResponse', 'B:ErrorResponse'],
    skip: (ctx) => (ctx.cluster.users.gss ? undefined : 'server built without GSSAPI (no hba method gss)'),
    async run(ctx) {
      const c = await RawClient.connect(ctx.host, ctx.port);
      c.send(untyped(i32(3 << 16), cstr('user'), cstr(ctx.cluster.users.gss!), cstr('database'), cstr('postgres'), new Uint8Array([0])));
      const auth = await c.readUntil('R');
      assert(auth.join('') === 'R', 'authentication request');
      c.send(msg('p', enc.encode('not a GSS-API token')));
      await c.readUntil('E');
      await c.end();
    },
  },
  {
    name: 'raw-gssenc',
    client: 'raw',
    auth: 'none',
    description: "Hand-written GSSENCRequest against the real server: the server (built with GSSAPI) answers 'G' (willing to do GSSAPI encryption); the client then closes without a GSSAPI handshake",
    notes: "The server answers 'N' only on Unix sockets or without GSSAPI support, so over TCP to Debian's PostgreSQL 15 the answer is 'G'. libpq never sends GSSENCRequest without Kerberos credentials.",
    expect: ['F:GSSENCRequest', 'B:GSSENCResponse'],
    async run(ctx) {
      const c = await RawClient.connect(ctx.host, ctx.port);
      c.send(untyped(i32(80877104)));
      const answer = await c.byte();
      assert(answer === 'G' || answer === 'N', `GSSENC answer ${answer}`);
      await c.end();
    },
  },
  {
    name: 'raw-negotiate',
    expect: ['B:NegotiateProtocolVersion', 'F:Close', 'B:CloseComplete', 'F:Flush', 'B:EmptyQueryResponse'],
    client: 'raw',
    auth: 'trust',
    description: 'Hand-written frontend bytes against the real server: SSLRequest -> N, StartupMessage requesting protocol 3.2 with an unknown _pq_ option -> NegotiateProtocolVersion (3.0, option rejected); then extended protocol with explicit Flush, Describe statement + portal, named portal, binary param/result, Close portal + statement -> CloseComplete, a Parse error skipping to Sync, an empty Query, Terminate',
    notes: 'Provokes messages no installed client sends: NegotiateProtocolVersion and a frontend Close of a statement. PostgreSQL 15 only speaks 3.0, so 3.2 is negotiated down to 3.0 and _pq_.fixture_option is listed as unrecognized.',
    async run(ctx) {
      const c = await RawClient.connect(ctx.host, ctx.port);
      c.send(untyped(i32(80877103))); // SSLRequest
      assert((await c.byte()) === 'N', 'SSL refused');
      c.send(untyped(i32((3 << 16) | 2), cstr('user'), cstr('postgres'), cstr('database'), cstr('postgres'), cstr('application_name'), cstr('fixture-raw'), cstr('_pq_.fixture_option'), cstr('on'), new Uint8Array([0])));
      const startup = await c.readUntil('Z');
      assert(startup[0] === 'v', `NegotiateProtocolVersion first (${startup.join('')})`);
      // Parse named statement + Describe it, flushed without Sync
      c.send(
        msg('P', cstr('fixture_stmt'), cstr('SELECT $1::int4 AS v, $2::text AS t, NULL::text AS n'), i16(2), i32(23), i32(25)),
        msg('D', enc.encode('S'), cstr('fixture_stmt')),
        msg('H'),
      );
      await c.readUntil('T');
      // Bind a named portal with a binary int4 and a text param, binary results; Describe portal; Execute; Close both
      const int4 = i32(42);
      const text = enc.encode('héllo');
      c.send(
        msg('B', cstr('fixture_portal'), cstr('fixture_stmt'), i16(2), i16(1), i16(0), i16(2), i32(int4.length), int4, i32(text.length), text, i16(1), i16(1)),
        msg('D', enc.encode('P'), cstr('fixture_portal')),
        msg('E', cstr('fixture_portal'), i32(0)),
        msg('C', enc.encode('P'), cstr('fixture_portal')),
        msg('C', enc.encode('S'), cstr('fixture_stmt')),
        msg('S'),
      );
      await c.readUntil('Z');
      // error in Parse: Bind/Execute are skipped until Sync
      c.send(msg('P', cstr(''), cstr('SELEC 1'), i16(0)), msg('B', cstr(''), cstr(''), i16(0), i16(0), i16(0)), msg('E', cstr(''), i32(0)), msg('S'));
      await c.readUntil('Z');
      c.send(msg('Q', cstr('')));
      await c.readUntil('Z');
      c.send(msg('X'));
      await c.end();
    },
  },
];

/** PostgreSQL 15 recordings re-run against PostgreSQL 18 by 3.0 clients (PostgreSQL 15's psql and pgbench, node-postgres, postgres.js). */
const AGAIN_ON_18 = ['psql-basic', 'psql-copy', 'psql-md5', 'psql-scram', 'pgbench-init', 'pgbench-extended', 'node-pg-scram', 'node-pg-pipeline', 'node-pg-cancel', 'postgres-scram'];

/** A pgcodec client through the recorder (strict FrontendConnection over TCP). */
function pgcodecClient(ctx: Ctx, o: Partial<Parameters<typeof WireClient.connect>[0]> = {}): Promise<WireClient> {
  return WireClient.connect({ host: ctx.host, port: ctx.port, user: 'postgres', ...o });
}

const V3_2 = codec.StartupRequestCode.V3_2;

const RECORDINGS_18: Recording[] = [
  ...AGAIN_ON_18.map((name): Recording => {
    const r = RECORDINGS.find((x) => x.name === name)!;
    return { ...r, name: `pg18-${name}`, notes: [r.notes, 'Recorded against PostgreSQL 18 (protocol 3.0: the client does not ask for 3.2).'].filter(Boolean).join(' ') };
  }),
  {
    name: 'pg18-pgcodec-3.2',
    expect: ['B:BackendKeyData', 'B:AuthenticationSASLFinal', 'F:Parse', 'B:DataRow'],
    client: 'pgcodec',
    auth: 'scram-sha-256',
    description: "pgcodec's strict FrontendConnection asking for protocol 3.2 as scram_user: SCRAM, a BackendKeyData with PostgreSQL 18's 32-byte key, a simple query and an extended pipeline with two Syncs",
    notes: 'PostgreSQL 18 accepts 3.2 without NegotiateProtocolVersion.',
    async run(ctx) {
      const c = await pgcodecClient(ctx, { protocolVersion: V3_2, user: 'scram_user', password: 'scram_pass' });
      assert(c.backendKey?.secretKey.length === 32, `32-byte key (got ${c.backendKey?.secretKey.length})`);
      assert(rows(await c.query("SELECT 1 AS one, 'deux' AS two, NULL AS three")).length === 1, 'simple query');
      for (const n of [1, 2]) {
        c.send(new codec.Parse({ query: 'SELECT $1::int * 10 AS n' }));
        c.send(new codec.Bind({ paramValues: [String(n)] }));
        c.send(new codec.Describe({ kind: 'P' }));
        c.send(new codec.Execute());
        c.send(new codec.Sync());
      }
      await c.untilReady();
      await c.untilReady();
      await c.close();
    },
  },
  {
    name: 'pg18-pgcodec-cancel-3.2',
    connections: 2,
    expect: ['F:CancelRequest', 'B:ErrorResponse'],
    client: 'pgcodec',
    auth: 'trust',
    description: "pgcodec's client on protocol 3.2: SELECT pg_sleep(300) cancelled by a 44-byte CancelRequest carrying the 32-byte key -> ErrorResponse 57014",
    perConnection: [{}, { auth: 'none', description: 'The 44-byte CancelRequest (protocol 3.2 key of 32 bytes); the server closes the connection without an answer.' }],
    notes: 'The cancel is sent once pg_stat_activity (read directly, not recorded) shows the backend inside pg_sleep.',
    async run(ctx) {
      const c = await pgcodecClient(ctx, { protocolVersion: V3_2 });
      const { processId, secretKey } = c.backendKey!;
      c.send(new codec.Query({ queryString: 'SELECT pg_sleep(300)' }));
      while ((await direct(ctx, `SELECT wait_event FROM pg_stat_activity WHERE pid = ${processId}`)) !== 'PgSleep');
      const canceller = await WireClient.open(ctx.host, ctx.port);
      canceller.send(new codec.CancelRequest({ processId, secretKey }));
      canceller.socket.end();
      const r = await c.untilReady();
      assert(r.some((m) => m instanceof codec.ErrorResponse && m.code === '57014'), 'cancelled');
      await c.close();
    },
  },
  {
    name: 'pg18-pgcodec-negotiate',
    expect: ['B:NegotiateProtocolVersion', 'B:BackendKeyData'],
    client: 'pgcodec',
    auth: 'md5',
    description: "pgcodec's client asking for protocol 3.9 with two unknown _pq_ options as md5_user: NegotiateProtocolVersion (newest 3.2, both options listed), then MD5 and a 32-byte key on 3.2",
    async run(ctx) {
      const c = await pgcodecClient(ctx, { protocolVersion: codec.protocolVersion(3, 9), user: 'md5_user', password: 'md5_pass', params: { '_pq_.fixture_a': '1', '_pq_.fixture_b': 'on' } });
      assert(c.negotiated?.newestMinor === 2 && c.negotiated.unrecognized.length === 2, 'negotiated down to 3.2, options listed');
      assert(c.backendKey?.secretKey.length === 32, '32-byte key');
      await c.query('SELECT current_user');
      await c.close();
    },
  },
];

/** Every recording, for the index: PostgreSQL 15's, then 18's. */
const ALL_RECORDINGS = [...RECORDINGS, ...RECORDINGS_18];

let endposLsn = '';

// ---------------------------------------------------------------------------------------------
// main

function parseArgs(argv: string[]) {
  let out = DEFAULT_OUT;
  let list = false;
  let server = 15;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--server') server = Number(argv[++i]);
    else if (a === '--out') out = resolve(argv[++i] ?? '');
    else if (a.startsWith('--out=')) out = resolve(a.slice(6));
    else if (a === '--list') list = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: npx tsx test/harness/record.ts [--server 15|18] [--out dir] [--list] [names...]');
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else names.push(a);
  }
  if (server !== 15 && server !== 18) throw new Error(`--server takes 15 or 18, not ${server}`);
  return { out, list, names, server };
}

function fileNameFor(name: string, i: number): string {
  return `${name}${i === 0 ? '' : `-${i}`}.pgrec.gz`;
}

function belongsTo(file: string, name: string): boolean {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-\\d+)?\\.pgrec\\.gz$`).test(file);
}

function fmtBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function firstTypes(session: LiveSession, dir: 'F' | 'B', n: number): string {
  const names = frameSession(session).messages.filter((m) => m.dir === dir).map((m) => m.name);
  const out: string[] = [];
  for (const nm of names) {
    if (out.length && out[out.length - 1].replace(/×\d+$/, '') === nm) {
      const last = out[out.length - 1];
      const k = Number(/×(\d+)$/.exec(last)?.[1] ?? 1) + 1;
      out[out.length - 1] = `${nm}×${k}`;
    } else out.push(nm);
    if (out.length > n) break;
  }
  return out.slice(0, n).join(' ') + (out.length > n ? ' …' : '');
}

interface Summary { file: string; events: number; f: number; b: number; gz: number; firstF: string; firstB: string }

async function main(): Promise<number> {
  const { out, list, names, server } = parseArgs(process.argv.slice(2));
  const mine = server === 18 ? RECORDINGS_18 : RECORDINGS;
  if (list) {
    for (const r of mine) console.log(`${r.name.padEnd(26)} ${r.description}`);
    return 0;
  }
  const unknown = names.filter((n) => !mine.some((r) => r.name === n));
  if (unknown.length) throw new Error(`unknown recording(s) for PostgreSQL ${server}: ${unknown.join(', ')}; use --list`);
  const selected = names.length ? mine.filter((r) => names.includes(r.name)) : mine;
  const fullRun = names.length === 0;

  mkdirSync(out, { recursive: true });
  const t0 = Date.now();
  const log = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}`);
  const cluster = server === 18 ? await startCluster18({ log }) : await startCluster({ log });
  log(`PostgreSQL ${cluster.version}`);
  // scratch files live inside the cluster's temp dir, so every cleanup path of the cluster (stop,
  // exit/signal handlers, watchdog running as the dir's owner) removes them too
  const work = join(cluster.baseDir, 'work');
  mkdirSync(work);
  const owner = statSync(cluster.baseDir);
  if (process.getuid?.() === 0) chownSync(work, owner.uid, owner.gid);

  const summaries: Summary[] = [];
  const newEntries = new Map<string, FixtureIndexEntry[]>();
  const failures: string[] = [];
  const skipped: string[] = [];
  try {
    // shared schema, created directly (not recorded)
    await cluster.sql(`
      CREATE TABLE fixture_items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[], created timestamptz DEFAULT '2024-01-01 00:00:00+00', note text);
      INSERT INTO fixture_items (id, name, price, tags, note) VALUES
        (1, 'apple', 1.25, '{fruit,red}', NULL),
        (2, 'bänänä', 0.5, '{fruit}', 'ünïcødé'),
        (3, 'carrot', NULL, NULL, 'no price'),
        (4, '雪', 9.99, '{}', E'line1\nline2');
      CREATE VIEW fixture_view AS SELECT id, name FROM fixture_items;
      CREATE FUNCTION fixture_add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
    `);

    for (const rec of selected) {
      let recorder: Recorder | undefined;
      const ctx: Ctx = {
        cluster,
        port: 0,
        host: cluster.host,
        work,
        log,
        async tool(cmd, args, o = {}) {
          const r = await runProcess(cmd, args, {
            env: cluster.clientEnv(o.env),
            input: o.input,
            timeoutMs: o.timeoutMs ?? 30_000,
            cwd: work,
          });
          if (r.timedOut || !(o.okCodes ?? [0]).includes(r.code ?? -1)) {
            throw new Error(
              `${cmd} ${args.join(' ')}: ${r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`}\n${r.stderr.slice(-3000)}${r.stdout ? `\nstdout: ${r.stdout.slice(-1000)}` : ''}`,
            );
          }
          return r;
        },
        async psql(o) {
          const conn = [
            `host=${ctx.host}`, `port=${ctx.port}`, `user=${o.user ?? 'postgres'}`, 'dbname=postgres',
            `sslmode=${o.sslmode ?? 'prefer'}`, 'gssencmode=disable',
          ].join(' ');
          const args = ['-X', '-v', 'ON_ERROR_STOP=0', '-P', 'pager=off', '-d', conn, ...(o.args ?? [])];
          if (o.script !== undefined) {
            const f = join(work, `${rec.name}.sql`);
            writeFileSync(f, o.script);
            args.push('-f', f);
          }
          return ctx.tool('psql', args, { env: { PGPASSWORD: o.password }, okCodes: o.okCodes, timeoutMs: o.timeoutMs });
        },
      };
      const skipReason = rec.skip?.(ctx);
      if (skipReason) {
        log(`${rec.name}: SKIPPED: ${skipReason}`);
        skipped.push(`${rec.name}: ${skipReason}`);
        continue;
      }
      try {
        log(`${rec.name}: setup`);
        await rec.setup?.(ctx);
        recorder = await startRecorder({ host: cluster.host, port: cluster.port });
        ctx.port = recorder.port;
        const r = recorder;
        log(`${rec.name}: recording via proxy :${r.port}`);
        await withTimeout(rec.run(ctx), rec.timeoutMs ?? 60_000, rec.name, () => r.close());
        const sessions = await r.waitForAllClosed({ timeoutMs: 15_000 });
        const expected = rec.connections ?? 1;
        if (sessions.length !== expected) throw new Error(`${rec.name}: expected ${expected} connection(s), recorded ${sessions.length}`);
        const seen = new Set(sessions.flatMap((s) => Object.keys(messageCounts(s))));
        const missing = (rec.expect ?? []).filter((m) => !seen.has(m));
        if (missing.length) throw new Error(`${rec.name}: expected message(s) not recorded: ${missing.join(', ')}`);
        const entries: FixtureIndexEntry[] = [];
        const staged: Array<{ path: string; session: LiveSession }> = [];
        for (const s of sessions) {
          const fr = frameSession(s);
          if (fr.problem || fr.leftover.F || fr.leftover.B) {
            throw new Error(`${rec.name} #${s.index}: stream does not frame cleanly (${fr.problem ?? `leftover F=${fr.leftover.F} B=${fr.leftover.B}`})`);
          }
          const file = fileNameFor(rec.name, s.index);
          const pc = rec.perConnection?.[s.index] ?? {};
          entries.push({
            file,
            server: `PostgreSQL ${cluster.version}`,
            description: pc.description ?? rec.description,
            client: rec.client,
            auth: pc.auth ?? rec.auth,
            notes: [s.index > 0 ? `Connection #${s.index} (0-based, accept order) of recording '${rec.name}'.` : sessions.length > 1 ? `Connection #0 of ${sessions.length} of recording '${rec.name}'.` : '', pc.notes ?? rec.notes ?? '']
              .filter(Boolean)
              .join(' '),
            messages: messageCounts(s),
          });
          staged.push({ path: join(out, file), session: s });
        }
        // success: replace this recording's files
        for (const f of readdirSync(out)) if (belongsTo(f, rec.name)) rmSync(join(out, f));
        for (const { path, session } of staged) {
          writeSessionFile(path, session);
          const bytes = (d: 'F' | 'B') => session.events.filter((e) => e.dir === d).reduce((n, e) => n + e.bytes.length, 0);
          summaries.push({
            file: path.slice(out.length + 1),
            events: session.events.length,
            f: bytes('F'),
            b: bytes('B'),
            gz: statSync(path).size,
            firstF: firstTypes(session, 'F', 6),
            firstB: firstTypes(session, 'B', 6),
          });
        }
        newEntries.set(rec.name, entries);
        log(`${rec.name}: ${sessions.length} connection(s), ${sessions.map((s) => s.events.length).join('+')} events`);
      } catch (err) {
        failures.push(`${rec.name}: ${(err as Error).message}`);
        log(`${rec.name}: FAILED: ${(err as Error).message}`);
      } finally {
        await recorder?.close();
      }
    }
  } finally {
    await cluster.stop(); // removes `work` too
  }

  // index.json: keep entries of recordings not (successfully) re-recorded, in RECORDINGS order
  const indexPath = join(out, 'index.json');
  let old: FixtureIndexEntry[] = [];
  if (existsSync(indexPath)) {
    try { old = JSON.parse(readFileSync(indexPath, 'utf8')) as FixtureIndexEntry[]; } catch { old = []; }
  }
  const index: FixtureIndexEntry[] = [];
  const claimed = new Set<string>();
  for (const rec of ALL_RECORDINGS) {
    const fresh = newEntries.get(rec.name);
    const entries = fresh ?? old.filter((e) => belongsTo(e.file, rec.name) && existsSync(join(out, e.file)));
    for (const e of entries) { index.push(e); claimed.add(e.file); }
  }
  if (fullRun && failures.length === 0) {
    for (const f of readdirSync(out)) {
      if (f.endsWith('.pgrec.gz') && !claimed.has(f)) { rmSync(join(out, f)); console.log(`removed stale ${f}`); }
    }
  } else {
    // keep entries for files we know nothing about (e.g. hand-added fixtures)
    for (const e of old) if (!claimed.has(e.file) && existsSync(join(out, e.file)) && !ALL_RECORDINGS.some((r) => belongsTo(e.file, r.name))) index.push(e);
  }
  writeFileSync(indexPath, `${JSON.stringify(index, null, 2)}\n`);

  // summary
  console.log('\nfixture'.padEnd(31) + 'events'.padStart(7) + 'F bytes'.padStart(11) + 'B bytes'.padStart(11) + 'gz'.padStart(11) + '  first messages (F | B)');
  for (const s of summaries) {
    console.log(
      s.file.padEnd(30) + String(s.events).padStart(7) + fmtBytes(s.f).padStart(11) + fmtBytes(s.b).padStart(11) + fmtBytes(s.gz).padStart(11) +
        `  ${s.firstF} | ${s.firstB}`,
    );
  }
  const total = index.reduce((n, e) => n + statSync(join(out, e.file)).size, 0);
  console.log(`\n${index.length} fixtures in ${out}, ${fmtBytes(total)} total`);

  // coverage over every fixture in the index
  const seen = new Set<string>();
  for (const e of index) for (const m of frameSession(readSessionFile(join(out, e.file))).messages) seen.add(`${m.dir}:${m.name.replace(/\(.*\)$/, '')}`);
  const missF = ALL_FRONTEND_MESSAGES.filter((n) => !seen.has(`F:${n}`));
  const missB = ALL_BACKEND_MESSAGES.filter((n) => !seen.has(`B:${n}`));
  console.log(`message types not present in any fixture: frontend [${missF.join(', ')}] backend [${missB.join(', ')}]`);

  if (skipped.length) console.log(`\n${skipped.length} recording(s) skipped (old fixtures kept):\n  ${skipped.join('\n  ')}`);
  if (failures.length) {
    console.error(`\n${failures.length} recording(s) FAILED:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  return 0;
}

// A client library failing in the background must not kill the run before the cluster is stopped
// and the summary is printed; the recording in progress fails through its own checks/timeouts.
process.on('unhandledRejection', (err) => {
  console.error(`unhandled rejection: ${err instanceof Error ? err.message : String(err)}`);
});

main().then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.stack ?? err.message : err); process.exitCode = 1; },
);
