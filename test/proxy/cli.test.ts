/**
 * pgcodec-proxy, the CLI: with no --upstream it starts the embedded
 * PostgreSQL 18 (the npm package's real binaries) in a temporary directory,
 * proxies psql to it, prints counters on SIGUSR2, and on SIGTERM closes,
 * stops the server and removes its directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BIN_DIR, runProcess } from '../harness/index.ts';

const CLI = join(dirname(createRequire(import.meta.url).resolve('@pgcodec/proxy/package.json')), 'dist', 'cli.js');

/** Collects a stream's text and waits for a pattern in it. */
function watch(p: ChildProcess, which: 'stdout' | 'stderr') {
  let text = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  p[which]!.on('data', (d: Buffer) => {
    text += d.toString();
    for (const w of [...waiters]) {
      const m = text.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  return {
    get text() {
      return text;
    },
    wait(re: RegExp, ms = 90_000): Promise<RegExpMatchArray> {
      const m = text.match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        setTimeout(() => reject(new Error(`timed out waiting for ${re} in ${which}:\n${text}`)), ms).unref();
      });
    },
  };
}

describe('pgcodec-proxy CLI', () => {
  it('with no --upstream: an embedded PostgreSQL 18 behind the proxy, psql through it, stats on SIGUSR2, a clean stop on SIGTERM', async () => {
    const p = spawn(process.execPath, [CLI, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = watch(p, 'stdout');
    const err = watch(p, 'stderr');
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    try {
      const [line] = await out.wait(/^\{.*\}$/m);
      const info = JSON.parse(line) as { listening: { host: string; port: number }; embedded: boolean };
      expect(info.embedded).toBe(true);
      const dir = (await err.wait(/its data lives in (\S+)/))[1]!;
      expect(existsSync(dir)).toBe(true);
      const r = await runProcess(join(DEFAULT_BIN_DIR, 'psql'), ['-X', '-At', '-h', info.listening.host, '-p', String(info.listening.port), '-U', 'postgres', '-d', 'postgres', '-c', 'SELECT version()', '-c', 'SELECT count(*) FROM generate_series(1, 1000)'], { timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^PostgreSQL 18\.\d+/);
      expect(r.stdout).toContain('\n1000');
      await err.wait(/session \d+ postgres@postgres/); // the summary line as the session ends
      p.kill('SIGUSR2');
      await err.wait(/stats: sessions 0 open, 1 total, 0 ended by protocol errors/);
      p.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err.text).toContain('removed');
      expect(existsSync(dir)).toBe(false);
    } finally {
      if (p.exitCode === null) p.kill('SIGKILL');
    }
  }, 180_000);

  it('refuses bad options with its usage and exit code 2', async () => {
    for (const args of [['--log', 'loud'], ['--upstream', 'nowhere'], ['--tls-cert', 'x.pem'], ['--bogus']]) {
      const r = await runProcess(process.execPath, [CLI, ...args], { timeoutMs: 30_000 });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: pgcodec-proxy');
    }
  }, 60_000);
});
