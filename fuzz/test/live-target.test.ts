/**
 * pgcodec-fuzz --target against the harness's throwaway PostgreSQL 15 and
 * 18: each must stay up and answer correctly throughout (every health
 * probe logs in and gets its row; valid traffic is answered; nothing
 * hangs); every finding must be one PostgreSQL's source explains
 * (explain.ts) — anything new fails here, to be looked at. The report is
 * printed as part of the test output.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVERS, useServer } from '../../test/support/servers.ts';
import { formatTargetReport, fuzzTarget, replayTargetFinding, type TargetFinding } from '../src/index.js';

const SECONDS = Number(process.env.FUZZ_LIVE_SECONDS ?? 20);
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'pgcodec-fuzz-target-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.each(SERVERS)('pgcodec-fuzz --target $name', (server) => {
  const pg = useServer(server);

  it(`stays up and answers correctly through ${SECONDS} s of fuzzing`, { timeout: SECONDS * 1000 * 3 + 60_000 }, async () => {
    await pg.cluster.sql("CREATE ROLE fuzz LOGIN PASSWORD 'fuzz'");
    const dir = join(out, String(server.major));
    const r = await fuzzTarget({ host: pg.cluster.host, port: pg.cluster.port, cred: { user: 'fuzz', database: 'postgres' }, minutes: SECONDS / 60, seed: 0x5eed, out: dir });
    console.log(`${server.name}\n${formatTargetReport(r)}`);
    expect(r.down).toBeNull();
    expect(r.probes).toBeGreaterThan(2);
    expect(r.sessions).toBeGreaterThan(30);
    expect(r.outcomes.answered ?? 0).toBeGreaterThan(0);
    expect(r.outcomes.refused ?? 0).toBeGreaterThan(0);
    expect(r.outcomes.hang ?? 0).toBe(0);
    expect(r.outcomes['no-login'] ?? 0).toBe(0);
    expect(r.findings.filter((f) => f.known === null).map((f) => `${f.outcome}: ${f.detail} (${f.file})`)).toEqual([]);

    // A finding replays: the same bytes, the same outcome.
    const f = r.findings.find((x) => x.outcome === 'closed-silently' && x.kind === 'before-login');
    expect(f, 'a silent close before login (an invalid startup packet)').toBeDefined();
    const again = await replayTargetFinding(f!.file, { user: 'fuzz', database: 'postgres' });
    expect(again.outcome).toBe('closed-silently');
    const cli = await promisify(execFile)(process.execPath, [CLI, '--replay', f!.file]);
    expect(cli.stdout).toMatch(/^replayed .*: closed-silently \(was closed-silently\)/m);
  });

  it('the CLI runs a bounded --target and reports', { timeout: 60_000 }, async () => {
    const { host, port } = pg.cluster;
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--target', `${host}:${port}`, '--user', 'fuzz', '--database', 'postgres', '--minutes', '0.05', '--seed', '3', '--out', join(out, 'cli')]);
    expect(stdout).toMatch(/^target .*, seed 3: \d+ sessions/m);
    expect(stdout).toMatch(/health probes: \d+, all answered/);
  });

  it('the committed findings (fuzz/replays) replay as recorded', { timeout: 120_000 }, async () => {
    const dir = fileURLToPath(new URL(`../replays/postgresql-${server.major}`, import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const was = JSON.parse(readFileSync(join(dir, f), 'utf8')) as TargetFinding;
      const now = await replayTargetFinding(join(dir, f), { user: 'fuzz', database: 'postgres' }, { host: pg.cluster.host, port: pg.cluster.port });
      // A server that is slow on a loaded machine may read our end of file before it acts on bad bytes
      // (not so for a bad startup length or a cancel: those close at once).
      const instant = /startup packet length|CancelRequest/.test(was.known ?? '');
      const allowed = was.outcome === 'closed-silently' && !instant ? ['closed-silently', 'closed-at-eof'] : [was.outcome];
      expect(allowed, `${f}: ${now.detail}`).toContain(now.outcome);
    }
  });
});
