/**
 * Runs a client library against the hostile server, one child process per
 * connection (a crash stays in the child), and classifies its reaction:
 *
 *   correct        the query's rows, as the server sent them
 *   wrong-result   rows, but not the ones sent
 *   clean-error    a rejected promise / error the application could handle
 *   uncaught       the process died of an exception the application could not catch
 *   hang           no result within the bound (the child is killed)
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ONE, type Result, type Scenario } from '../../src/live/scenarios.js';

const DRIVER = fileURLToPath(new URL('../../scripts/drive-client.mjs', import.meta.url));

export type Client = 'pg' | 'postgres' | 'pgcodec';
export type Reaction = 'correct' | 'wrong-result' | 'clean-error' | 'uncaught' | 'hang';

export interface ClientRun {
  client: Client;
  scenario: string;
  reaction: Reaction;
  detail: string;
  ms: number;
}

interface Digest {
  rows: number;
  columns: number;
  first: string;
  firstLength: number;
}

/** What the driver reports for a result the server sent. */
export function expectedDigest(sc: Scenario): Digest {
  const r: Result = sc.result?.() ?? ONE;
  const first = r.rows[0]?.[0] ?? 'undefined';
  return { rows: r.rows.length, columns: r.fields.length, first: String(first).slice(0, 20), firstLength: String(first).length };
}

/** Runs `client` against `port` with database `sc.name`, for at most `ms`. */
export function driveClient(client: Client, port: number, sc: Scenario, ms: number): Promise<ClientRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [DRIVER, client, String(port), sc.name], { timeout: ms, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      const run = (reaction: Reaction, detail: string) => resolve({ client, scenario: sc.name, reaction, detail: detail.slice(0, 240), ms: Date.now() - t0 });
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (err !== null && err.killed) return run('hang', `no result in ${ms} ms${stderr ? `; stderr: ${stderr.trim().split('\n')[0]}` : ''}`);
      if (line === undefined) {
        const at = stderr.split('\n').find((l) => /Error|error/.test(l)) ?? stderr.trim().split('\n')[0] ?? '';
        return run('uncaught', `exit ${err?.code ?? 0}: ${at.trim()}`);
      }
      const out = JSON.parse(line) as { outcome: 'ok' | 'error'; digest?: Digest; message?: string };
      if (out.outcome === 'error') return run('clean-error', out.message ?? '');
      const want = expectedDigest(sc);
      const same = JSON.stringify(out.digest) === JSON.stringify(want);
      return run(same ? 'correct' : 'wrong-result', same ? 'as sent' : `got ${JSON.stringify(out.digest)}, sent ${JSON.stringify(want)}`);
    });
  });
}

/** Runs `jobs` with at most `n` at once. */
export async function limited<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}
