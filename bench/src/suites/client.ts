/**
 * Clients end to end: node-postgres, postgres.js and a minimal pgcodec
 * client fetch the same real result sets (postgres/queries.ts) from a
 * throwaway PostgreSQL over loopback TCP, every value as a string. Each
 * fetch runs in a child process of its own (children/client.ts), so its
 * peak RSS is its own; the clients alternate within each round, the order
 * rotated per round, and rows/s is compared with pg's round by round.
 */
import type { ClientArgs, ClientChildResult } from '../children/client.ts';
import { runChild } from '../children/run.ts';
import { REAL_NAMES, REAL_QUERIES, realRows } from '../postgres/queries.ts';
import { startServer } from '../postgres/server.ts';
import type { Progress } from '../progress.ts';
import { perRoundRatios, summarize } from '../ratios.ts';
import type { ClientRow } from '../results.ts';
import { roundOrder } from '../rounds.ts';
import { quartiles } from '../stats.ts';

export interface ClientOptions {
  scale: number;
  issueSizes: boolean;
  quick: boolean;
  progress: Progress;
}

export const CLIENTS: readonly ClientArgs['client'][] = ['pg', 'postgres.js', 'pgcodec'];

export async function runClient(o: ClientOptions): Promise<{ rows: ClientRow[]; note: string | null }> {
  let cluster;
  try {
    cluster = await startServer((l) => o.progress.update(l));
  } catch (e) {
    return { rows: [], note: `client suite skipped: PostgreSQL could not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
  const rounds = o.quick ? 1 : 3;
  const scale = o.quick ? o.scale * 0.01 : o.scale;
  const out: ClientRow[] = [];
  try {
    const total = REAL_NAMES.length * rounds * CLIENTS.length;
    let done = 0;
    for (const name of REAL_NAMES) {
      const q = REAL_QUERIES[name];
      const rows = realRows(q, scale, o.issueSizes);
      const sql = q.sql(rows);
      const got = CLIENTS.map(() => [] as ClientChildResult[]);
      for (let r = 0; r < rounds; r++) {
        for (const i of roundOrder(CLIENTS.length, r)) {
          o.progress.update(`${name} ${CLIENTS[i]}`, done++, total);
          const args: ClientArgs = { client: CLIENTS[i]!, host: cluster.host, port: cluster.port, user: cluster.users.trust, sql };
          const res = await runChild<ClientChildResult>('client', args, { nodeArgs: ['--max-old-space-size=16384'] });
          if (res.rows !== rows) throw new Error(`client ${CLIENTS[i]} got ${res.rows} rows of ${name}, expected ${rows}`);
          got[i]!.push(res);
        }
      }
      const pgMs = got[0]!.map((x) => x.ms);
      CLIENTS.forEach((client, i) => {
        const ms = got[i]!.map((x) => x.ms);
        out.push({
          client,
          resultSet: name,
          rows,
          bytes: Math.max(0, ...got.flat().map((x) => x.bytes)),
          rounds,
          rowsPerSec: quartiles(ms.map((t) => (rows * 1000) / t)),
          peakRss: quartiles(got[i]!.map((x) => x.peakRss)),
          baseRss: quartiles(got[i]!.map((x) => x.baseRss)).median,
          vsPg: i === 0 ? null : summarize(perRoundRatios(ms, pgMs)),
        });
      });
    }
  } finally {
    await cluster.stop();
  }
  return { rows: out, note: null };
}
