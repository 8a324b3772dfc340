/**
 * Child of the client suite: one client connects to PostgreSQL, fetches one
 * result set (every value as a string, all rows kept, as an application
 * holds a result), and reports the time of the query, the rows it got, its
 * RSS before the query and its peak RSS (process.resourceUsage().maxRSS).
 *   pg           client.query({ text, rowMode: 'array' }), type parsers off
 *   postgres.js  sql.unsafe(text).values(), type parsers off
 *   pgcodec      MiniClient (FrontendConnection), readRowBatch().strings()
 */
import pg from 'pg';
import postgres from 'postgres';
import { MiniClient } from '../postgres/client.ts';
import { PG_STRINGS, POSTGRES_JS_STRINGS } from '../postgres/strings-only.ts';
import { childArgs } from './run.ts';

export interface ClientArgs {
  client: 'pg' | 'postgres.js' | 'pgcodec';
  host: string;
  port: number;
  user: string;
  sql: string;
}

export interface ClientChildResult {
  rows: number;
  /** Bytes of the answer on the wire (known to the pgcodec client only; 0 otherwise). */
  bytes: number;
  ms: number;
  baseRss: number;
  peakRss: number;
}

type Rows = (string | null)[][];

/** Connects, then returns the query to time and how to close. */
let wire = 0;

async function connect(a: ClientArgs): Promise<{ query(): Promise<Rows>; close(): Promise<void> }> {
  switch (a.client) {
    case 'pg': {
      const c = new pg.Client({ host: a.host, port: a.port, user: a.user, database: 'postgres', types: PG_STRINGS as never });
      await c.connect();
      return {
        query: async () => (await c.query({ text: a.sql, rowMode: 'array' })).rows as Rows,
        close: () => c.end(),
      };
    }
    case 'postgres.js': {
      const sql = postgres({ host: a.host, port: a.port, user: a.user, database: 'postgres', max: 1, fetch_types: false, types: POSTGRES_JS_STRINGS as never });
      await sql.unsafe('SELECT 1');
      return {
        query: async () => (await sql.unsafe(a.sql).values()) as unknown as Rows,
        close: () => sql.end({ timeout: 1 }),
      };
    }
    case 'pgcodec': {
      const c = await MiniClient.connect(a.host, a.port, a.user);
      return {
        async query() {
          const rows: Rows = [];
          wire = await c.query(a.sql, {
            onRows(b) {
              for (const r of b.strings()) rows.push(r);
            },
          });
          return rows;
        },
        close: async () => c.close(),
      };
    }
  }
}

const a = childArgs<ClientArgs>();
const c = await connect(a);
const baseRss = process.memoryUsage.rss();
const t0 = performance.now();
const rows = await c.query();
const ms = performance.now() - t0;
await c.close();
const r: ClientChildResult = { rows: rows.length, bytes: wire, ms, baseRss, peakRss: process.resourceUsage().maxRSS * 1024 };
process.stdout.write(`${JSON.stringify(r)}\n`);
