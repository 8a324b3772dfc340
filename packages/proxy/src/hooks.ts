/**
 * What a heavy proxy does to the traffic, as hooks on decoded messages:
 * change the startup parameters, inspect, rewrite or refuse a client's
 * statements, mask or sample the rows coming back, and see each query as
 * it completes. A session decodes only what the hooks set ask for; with
 * none set, frames go through undecoded.
 *
 * A refusal is made the server's own error: the statement is replaced by
 * one that raises it (a DO block, RAISE with the SQLSTATE and message), so
 * the client gets an ErrorResponse in the place and transaction state
 * PostgreSQL itself would give, pipelines and all.
 */
import { Parse, Query, StartupMessage, type DataRow } from 'pgcodec';
import type { QueryRecord } from './queries.js';

/** Refuses a statement: the client gets an ErrorResponse with this message and SQLSTATE (default 42501, insufficient_privilege). */
export interface Refusal {
  refuse: string;
  code?: string;
}

/** The session a hook is called for (the parts a hook may read). */
export interface HookSession {
  readonly id: number;
  readonly user: string;
  readonly database: string;
}

/** Hooks on decoded messages; each is optional (see the module comment). */
export interface ProxyHooks {
  /** The client's StartupMessage before it goes upstream: return another to change its parameters. */
  startup?(msg: StartupMessage, session: HookSession): StartupMessage | void;
  /** Each Query and Parse from the client: return nothing (or it) to forward it, another Query or Parse to forward instead, or a Refusal. */
  statement?(msg: Query | Parse, session: HookSession): Query | Parse | Refusal | void;
  /** Each DataRow from the server: return another to send instead (masking). Rows are then decoded and re-encoded: slower. */
  dataRow?(row: DataRow, session: HookSession): DataRow | void;
  /** Each query as its ReadyForQuery comes: what it ran, rows, bytes, latency, its first error. */
  queryDone?(q: QueryRecord, session: HookSession): void;
}

/** The hooks of several, in order: startups and statements flow through each (the first refusal wins), rows too; every queryDone is called. */
export function combineHooks(...all: ProxyHooks[]): ProxyHooks {
  const out: ProxyHooks = {};
  if (all.some((h) => h.startup)) {
    out.startup = (m, s) => all.reduce<StartupMessage>((msg, h) => h.startup?.(msg, s) ?? msg, m);
  }
  if (all.some((h) => h.statement)) {
    out.statement = (m, s) => {
      let msg: Query | Parse = m;
      for (const h of all) {
        const r = h.statement?.(msg, s);
        if (r === undefined) continue;
        if (!(r instanceof Query || r instanceof Parse)) return r;
        msg = r;
      }
      return msg;
    };
  }
  if (all.some((h) => h.dataRow)) {
    out.dataRow = (row, s) => all.reduce<DataRow>((r, h) => h.dataRow?.(r, s) ?? r, row);
  }
  if (all.some((h) => h.queryDone)) {
    out.queryDone = (q, s) => {
      for (const h of all) h.queryDone?.(q, s);
    };
  }
  return out;
}

/** The text of a Query or Parse. */
export function statementText(m: Query | Parse): string {
  return m instanceof Query ? m.queryString : m.query;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const TAG = '$pgcodec_refusal$';

/** The statement that makes the server raise `r` (a DO block). */
function raising(r: Refusal): string {
  const code = r.code ?? '42501';
  if (!SQLSTATE.test(code)) throw new RangeError(`a refusal's code must be a SQLSTATE (5 digits or capitals), got ${JSON.stringify(code)}`);
  // An E'' literal with its backslashes and quotes escaped reads the same whatever standard_conforming_strings
  // says; NUL cannot be sent at all, and the dollar tag must not end the body early.
  const message = r.refuse.replaceAll('\0', '').replaceAll(TAG, '').replaceAll('\\', '\\\\').replaceAll("'", "''");
  return `DO ${TAG} BEGIN RAISE EXCEPTION USING ERRCODE = '${code}', MESSAGE = E'${message}'; END ${TAG}`;
}

/** The highest $n in a statement's text (a bound on the parameters its Bind will carry). */
function parameterCount(sql: string): number {
  let n = 0;
  for (const m of sql.matchAll(/\$(\d{1,5})/g)) n = Math.max(n, Number(m[1]));
  return n;
}

/**
 * The message that refuses `m` with `r`: a Query raising it, or a Parse of
 * the same statement name raising it when executed, taking as many
 * parameters as the client will bind (typed as the client typed them, text
 * otherwise), so its Bind still fits and its Execute meets the error.
 */
export function refusalFor(m: Query | Parse, r: Refusal): Query | Parse {
  const sql = raising(r);
  if (m instanceof Query) return new Query({ queryString: sql });
  const n = Math.max(m.paramTypes.length, parameterCount(m.query));
  const TEXT = 25;
  return new Parse({ statement: m.statement, query: sql, paramTypes: Array.from({ length: n }, (_, i) => m.paramTypes[i] || TEXT) });
}

/** Statements that would turn a read-only session writable. */
const ESCAPES = [/\bset\b[^;]*transaction_read_only\b/i, /\bset_config\s*\(/i, /\bread\s+write\b/i, /\bsession\s+characteristics\b/i];

/**
 * Read-only sessions: every session starts with
 * `default_transaction_read_only=on` (a startup parameter, so the server
 * refuses writes itself, with its own errors), and statements that would
 * turn it off (SET … transaction_read_only, set_config(), READ WRITE,
 * SET SESSION CHARACTERISTICS) are refused with read_only_sql_transaction.
 * A guard for honest clients, built on the hooks; not a security boundary
 * (the server's own privileges are).
 */
export function readOnlyHooks(): ProxyHooks {
  return {
    startup: (m) =>
      new StartupMessage({
        protocolVersion: m.protocolVersion,
        params: [...m.entries.filter(([k]) => k !== 'default_transaction_read_only'), ['default_transaction_read_only', 'on']],
      }),
    statement: (m) => {
      const sql = statementText(m);
      return ESCAPES.some((re) => re.test(sql)) ? { refuse: 'pgcodec-proxy is read-only: this statement would make the session writable', code: '25006' } : undefined;
    },
  };
}

/** A query log: one line per query as it completes, to `write`. */
export function queryLogHooks(write: (line: string) => void): ProxyHooks {
  return {
    queryDone: (q, s) => {
      const what = q.statements.map((t) => t.replace(/\s+/g, ' ').slice(0, 300)).join(' ; ') || `(${q.kind})`;
      write(`session ${s.id} ${q.latencyMs.toFixed(2)} ms ${q.rows} rows ${q.bytes} B${q.error ? ` ERROR ${q.error}` : ''}: ${what}`);
    },
  };
}
