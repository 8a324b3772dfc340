/** pgcodec-fuzz, as a user runs it: a bounded run with a seed, and the same under c8 for coverage. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args], { maxBuffer: 1 << 24 });
const dir = mkdtempSync(join(tmpdir(), 'pgcodec-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pgcodec-fuzz', () => {
  it('lists the properties with their invariants', { timeout: 30_000 }, async () => {
    const { stdout } = await run(['--list']);
    for (const p of ['round-trip', 'encoder-safety', 'chunking', 'differential', 'robustness', 'ownership', 'model']) expect(stdout).toContain(p);
  });

  it('runs the properties asked for, for the time asked, with the seed given, and reports what it reached', { timeout: 60_000 }, async () => {
    const { stdout } = await run(['--minutes', '0.05', '--seed', '5', '--property', 'round-trip,robustness', '--regressions', dir]);
    expect(stdout).toMatch(/^ok {3}round-trip +\d+ runs in [\d.]+ s \(seed 5\)$/m);
    expect(stdout).toMatch(/^ok {3}robustness +\d+ runs in [\d.]+ s \(seed 5\)$/m);
    expect(stdout).not.toContain('chunking');
    expect(stdout).toMatch(/^error codes reached: \d+\/\d+/m);
    expect(stdout).toMatch(/^message decoders reached: \d+\/\d+/m);
    expect(stdout).toMatch(/ over 2 properties, 0 failed$/m);
  });

  it('refuses an unknown property and a bad budget', { timeout: 30_000 }, async () => {
    await expect(run(['--property', 'nope'])).rejects.toThrow(/no property 'nope'/);
    await expect(run(['--minutes=-1'])).rejects.toThrow(/--minutes must be a positive number/);
  });

  it('--coverage reports v8 line and branch coverage of pgcodec reached by the run alone', { timeout: 120_000 }, async () => {
    const out = join(dir, 'coverage');
    const { stdout } = await run(['--coverage', '--coverage-dir', out, '--minutes', '0.1', '--seed', '5', '--regressions', dir]);
    expect(stdout).toContain('Coverage summary');
    const total = JSON.parse(readFileSync(join(out, 'coverage-summary.json'), 'utf8')).total;
    // Sources, not the build: the source maps are followed.
    const files = Object.keys(JSON.parse(readFileSync(join(out, 'coverage-summary.json'), 'utf8'))).filter((f) => f !== 'total');
    expect(files.some((f) => f.endsWith('src/decoder/message-decoder.ts'))).toBe(true);
    expect(files.some((f) => f.includes('/dist/') || f.includes('/auth/'))).toBe(false);
    // Even six seconds of fuzzing reaches most of the codec; the README has a full run's figures.
    expect(total.lines.pct).toBeGreaterThan(70);
    expect(total.branches.pct).toBeGreaterThan(60);
  });
});
