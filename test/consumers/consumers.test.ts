/**
 * The package as a user gets it: `npm pack`, installed from the tarball into
 * a throwaway project, then used from every place TypeScript users are —
 * Node as an ES module and through require(), TypeScript under each module
 * resolution (ESM and CommonJS consumers), are-the-types-wrong, an esbuild
 * --minify bundle, Bun, Deno without permission flags, and Debian's Chromium
 * driven by playwright-core running a browser bundle. Every runtime runs the
 * same check (app/check.mjs) and must report the same thing.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
/** TypeScript 5.9: the last that has moduleResolution node10 (the project itself builds with 7). */
const tsc5 = join(import.meta.dirname, 'node_modules', '.bin', 'tsc');
const CHROMIUM = '/usr/bin/chromium';

let dir: string;
let tarball: string;

/** Runs a command in the consumer project with a clean environment (no PGCODEC_ENGINE), failing with its output. */
function run(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const { PGCODEC_ENGINE: _, ...rest } = process.env;
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...rest, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** What every runtime must report (see app/check.mjs). */
const expected = {
  version: JSON.parse(readFileSync(join(root, 'packages', 'pgcodec', 'package.json'), 'utf8')).version as string,
  engine: 'wasm',
  rows: [
    ['1', 'ada'],
    ['2', null],
    ['3', 'grâce'],
  ],
  scramVerified: true,
  error: { name: 'FramingError', code: 'ERR_LENGTH_TOO_SMALL', isProtocolError: true },
  frontendMessage: true,
};

/** The runtime matrix, printed at the end for the record. */
const matrix: string[] = [];
const report = (runtime: string, out: string) => {
  const line = out.trim().split('\n').at(-1)!;
  matrix.push(`${runtime.padEnd(34)} ${line}`);
  return JSON.parse(line) as unknown;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgcodec-consumer-'));
  execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: join(root, 'packages', 'pgcodec'), encoding: 'utf8' });
  tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  cpSync(join(import.meta.dirname, 'app'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pgcodec-consumer', private: true }));
  // The tarball has no dependencies: nothing but itself is installed.
  run('npm', ['install', `./${tarball}`, '--offline', '--no-audit', '--no-fund', '--ignore-scripts']);
}, 120_000);

afterAll(() => {
  console.log(`runtime matrix (${tarball}):\n${matrix.join('\n')}`);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the build, the types, the README, LICENSE and CHANGELOG', () => {
    const files = execFileSync('tar', ['-tzf', join(dir, tarball)], { encoding: 'utf8' }).split('\n');
    for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/auth/index.js', 'dist/messages/index.d.ts', 'dist/engine/wasm-binary.generated.js']) {
      expect(files, f).toContain(`package/${f}`);
    }
  });

  it('passes are-the-types-wrong (require of ESM aside: Node >= 20.19 runs it)', () => {
    const out = run(bin('attw'), [tarball, '--ignore-rules', 'cjs-resolves-to-esm']);
    expect(out).toContain('No problems found');
  }, 120_000);
});

describe('Node', () => {
  it('as an ES module', () => {
    expect(report('node (import)', run(process.execPath, ['esm.mjs']))).toEqual(expected);
  }, 60_000);

  it('through require() (require of ES modules, Node >= 20.19)', () => {
    expect(report('node (require)', run(process.execPath, ['cjs.cjs']))).toEqual(expected);
  }, 60_000);

  it('bundled by esbuild --minify: error names survive', () => {
    run(bin('esbuild'), ['esm.mjs', '--bundle', '--minify', '--platform=node', '--format=esm', '--outfile=min.mjs', '--log-level=warning']);
    expect(report('node (esbuild --minify)', run(process.execPath, ['min.mjs']))).toEqual(expected);
  }, 60_000);
});

describe('TypeScript consumers (5.9), declarations checked too', () => {
  it.each(['node10', 'node16-esm', 'node16-cjs', 'nodenext-esm', 'nodenext-cjs', 'bundler'])('%s', (config) => {
    run(tsc5, ['-p', `tsconfig.${config}.json`]);
    matrix.push(`${`tsc (${config})`.padEnd(34)} typechecks`);
  }, 60_000);
});

describe('other runtimes', () => {
  it('Bun, as an ES module and through require()', () => {
    expect(report('bun (import)', run(bin('bun'), ['esm.mjs']))).toEqual(expected);
    expect(report('bun (require)', run(bin('bun'), ['cjs.cjs']))).toEqual(expected);
  }, 60_000);

  it('Deno without permission flags', () => {
    expect(report('deno run (no flags)', run(bin('deno'), ['run', 'esm.mjs'], { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }))).toEqual(expected);
  }, 120_000);

  describe('a real browser', () => {
    let server: Server;
    beforeAll(async () => {
      run(bin('esbuild'), ['browser.mjs', '--bundle', '--minify', '--format=esm', '--outfile=bundle.js', '--log-level=warning']);
      const bundle = readFileSync(join(dir, 'bundle.js'));
      server = createServer((req, res) => {
        if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
        else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    }, 60_000);
    afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

    it("Chromium runs the esbuild bundle: the WebAssembly engine decodes, WebCrypto does SCRAM", async () => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} (.ci/run installs Debian's chromium)`).toBe(true);
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        // Debian's Chromium as root, on a machine without outside network.
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
        await page.waitForFunction(() => (window as { report?: unknown }).report !== undefined, null, { timeout: 60_000 });
        const got = await page.evaluate(() => JSON.stringify((window as { report?: unknown }).report));
        expect(report(`chromium ${browser.version()}`, got)).toEqual(expected);
      } finally {
        await browser.close();
      }
    }, 120_000);
  });
});
