/**
 * pgcodec-fuzz --serve against node-postgres (pg), postgres.js and pgcodec's
 * own strict client (the fuzz package's login and a query): every
 * scenario, each client, one connection each. The hostile server must
 * serve the control scenario correctly to both (it is a real server) and
 * record every connection; the clients' reactions are the findings
 * (fuzz/FINDINGS.md), printed here as a table. A recorded connection
 * replays: the same bytes make the same client react the same way.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayServe, serve, type ServeRecord } from '../src/index.js';
import { SCENARIOS, scenarioNamed } from '../src/live/scenarios.js';
import { driveClient, limited, type Client, type ClientRun } from './support/clients.js';

const BOUND_MS = 10_000;
const CLIENTS: Client[] = ['pg', 'postgres', 'pgcodec'];
const out = mkdtempSync(join(tmpdir(), 'pgcodec-fuzz-serve-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('pgcodec-fuzz --serve', () => {
  let runs: ClientRun[] = [];

  it('serves every scenario to pg and postgres.js and records each reaction', { timeout: 180_000 }, async () => {
    const server = await serve({ port: 0, seed: 0x5eed, out });
    try {
      runs = await limited(
        3,
        CLIENTS.flatMap((c) => SCENARIOS.map((sc) => () => driveClient(c, server.port, sc, BOUND_MS))),
      );
    } finally {
      await server.close();
    }
    console.log(['client    scenario            reaction      detail', ...runs.map((r) => `${r.client.padEnd(9)} ${r.scenario.padEnd(19)} ${r.reaction.padEnd(13)} ${r.detail.slice(0, 140)}`)].join('\n'));

    // A real server first: the control is served correctly to both clients.
    for (const c of CLIENTS) expect(runs.find((r) => r.client === c && r.scenario === 'normal')?.reaction, c).toBe('correct');
    // Every connection was recorded, with the scenario its client asked for.
    const named = server.records.filter((r) => r.database !== null).map((r) => r.scenario);
    expect([...new Set(named)].sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
    // A client may come back again and again (reconnecting): how often is part of its reaction.
    const count = new Map<string, number>();
    for (const n of named) count.set(n, (count.get(n) ?? 0) + 1);
    const tries = [...count].filter(([, k]) => k > CLIENTS.length);
    console.log(`connections: ${server.records.length}${tries.map(([n, k]) => `; ${n}: ${k}`).join('')}`);
    for (const r of server.records) expect(r.events.some((e) => e.from === 'server')).toBe(true);
    // Every client run got a reaction, and valid-but-unusual answers are told apart from hostile ones.
    expect(runs).toHaveLength(CLIENTS.length * SCENARIOS.length);
  });

  it('a recorded connection replays: the same bytes, the same reaction', { timeout: 60_000 }, async () => {
    // Whatever the first run saw for pg on a scenario that does not depend on timing (a crash, if any, reproduces).
    const pick = runs.find((r) => r.client === 'pg' && r.reaction === 'uncaught') ?? runs.find((r) => r.client === 'pg' && r.scenario === 'normal')!;
    const server = await serve({ port: 0, seed: 0x5eed });
    const again = await driveClient('pg', server.port, scenarioNamed(pick.scenario)!, BOUND_MS);
    const record = server.records[0]!;
    await server.close();
    const replayer = await replayServe(record, 0);
    try {
      const replayed = await driveClient('pg', replayer.port, scenarioNamed(pick.scenario)!, BOUND_MS);
      expect(again.reaction).toBe(pick.reaction);
      expect(replayed.reaction).toBe(pick.reaction);
    } finally {
      await replayer.close();
    }
  });

  it('the CLI serves for the time asked and writes a record per connection', { timeout: 60_000 }, async () => {
    const dir = join(out, 'cli');
    const cli = spawn(process.execPath, [fileURLToPath(new URL('../dist/cli.js', import.meta.url)), '--serve', '0', '--minutes', '0.1', '--seed', '1', '--out', dir]);
    let stdout = '';
    const port = await new Promise<number>((resolve, reject) => {
      cli.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) resolve(Number(m[1]));
      });
      cli.once('exit', () => reject(new Error(`the CLI exited first: ${stdout}`)));
    });
    expect((await driveClient('postgres', port, scenarioNamed('normal')!, BOUND_MS)).reaction).toBe('correct');
    const code = await new Promise<number | null>((r) => cli.once('exit', r));
    expect(code).toBe(0);
    expect(stdout).toMatch(/connection 0: normal \(database normal\): (Terminate|the client closed the connection)/);
    expect(readdirSync(dir).some((f) => /^serve-1-0-normal\.json$/.test(f))).toBe(true);
  });

  it.each([
    ['pg', 'serve-24301-0-odd-auth-kerberos.json', 'uncaught'],
    ['postgres', 'serve-24301-999-wide-datarow.json', 'wrong-result'],
    ['pgcodec', 'serve-24301-0-wide-datarow.json', 'wrong-result'],
  ] as const)('the committed %s finding %s replays: %s', { timeout: 60_000 }, async (client, file, reaction) => {
    const record = JSON.parse(readFileSync(fileURLToPath(new URL(`../replays/clients/${client}/${file}`, import.meta.url)), 'utf8')) as ServeRecord;
    const replayer = await replayServe(record, 0);
    try {
      expect((await driveClient(client, replayer.port, scenarioNamed(record.scenario)!, BOUND_MS)).reaction).toBe(reaction);
    } finally {
      await replayer.close();
    }
  });
});
