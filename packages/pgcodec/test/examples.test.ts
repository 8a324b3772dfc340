/**
 * The README's examples are real files: each runs as a user would run it
 * (importing 'pgcodec' through the workspace link to the built package),
 * prints exactly what its `Output:` block says, and appears verbatim in the
 * README.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = join(import.meta.dirname, '..', 'examples');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

const OUTPUT = /\/\* Output:\n([\s\S]*?)\*\/\s*$/;

const examples = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const source = (file: string) => readFileSync(join(dir, file), 'utf8');
// Examples that talk to a server run in test/examples.test.ts, which starts one.
const offline = examples.filter((f) => !source(f).includes('// needs: postgres'));

describe.each(offline)('example %s', (file) => {
  // Each example starts tsx (~0.7 s idle; several seconds on a loaded machine).
  it('prints its documented output', { timeout: 60_000 }, () => {
    const expected = OUTPUT.exec(source(file))?.[1];
    expect(expected, 'example has an Output block').toBeDefined();
    // Examples show the defaults: run them without the engine override of this test project.
    const { PGCODEC_ENGINE: _, ...env } = process.env;
    const out = execFileSync(tsx, [join(dir, file)], { cwd: root, encoding: 'utf8', env });
    expect(out).toBe(expected);
  });
});

describe.each(examples)('example %s', (file) => {
  it('is shown in the README as it is in the file', () => {
    const code = source(file).replace(OUTPUT, '').trimEnd();
    expect(readme).toContain(code);
  });
});
