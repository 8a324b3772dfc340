/**
 * The published shape of `pgcodec`: what a user gets after `npm install`
 * from the repo root (the workspace link to the built package).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as pg from 'pgcodec';
import { BackendMessageDecoder, ConnectionPhase, Query } from 'pgcodec';
import * as messages from 'pgcodec/messages';

const pkgDir = join(import.meta.dirname, '..', 'packages', 'pgcodec');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('package pgcodec', () => {
  it('resolves the main imports by package name', () => {
    expect(new Query({ queryString: 'SELECT 1' }).toWire()[0]).toBe(0x51);
    expect(new BackendMessageDecoder().phase).toBe(ConnectionPhase.STARTUP);
    expect(messages.Query).toBe(Query);
  });

  it('exports its API, not its helpers', () => {
    for (const internal of ['nameErrors', 'readAuthentication', 'readCancelKey', 'writeCancelKey', 'readFormatCode', 'readFormatCodes', 'readValues', 'Writer', 'Reader']) {
      expect(internal in pg, internal).toBe(false);
      expect(internal in messages, internal).toBe(false);
    }
    for (const api of ['version', 'MessageAction', 'STANDARD_REGISTRY', 'STARTUP_REGISTRY', 'defineMessage', 'FrontendMessage', 'DatabaseError', 'EncodingError']) expect(api in pg, api).toBe(true);
  });

  it('is ESM with types and no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './messages']));
    const built = files(join(pkgDir, 'dist'));
    expect(built).toContain(join(pkgDir, 'dist', 'index.d.ts'));
    expect(built).toContain(join(pkgDir, 'dist', 'messages', 'index.d.ts'));
  });

  it('library code uses only web-platform APIs (no Buffer, no node: modules), so it runs in browsers', () => {
    for (const f of files(join(pkgDir, 'src'))) {
      const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(src, f).not.toMatch(/from 'node:|require\(/);
      // One file may use Node's faster string codecs, found on globalThis when present, never required.
      if (f.endsWith('native-text.ts')) expect(src).toMatch(/globalThis as \{ Buffer\?/);
      else expect(src, f).not.toMatch(/\bBuffer\b/);
    }
  });
});
