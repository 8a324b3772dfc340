/** Every counterexample a fuzz run ever found, replayed: fast-check's seed and path, and the shrunk bytes. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as pg from 'pgcodec';
import { loadRegressions, replayRegression } from '../src/index.js';

const DIR = fileURLToPath(new URL('../regressions', import.meta.url));
const cases = loadRegressions(DIR);

describe('fuzz regressions', () => {
  it('are kept in fuzz/regressions', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const [file, r] of cases) {
    it(`${file}: ${r.note ?? r.error.split('\n')[0]}`, { timeout: 30_000 }, () => {
      expect(() => replayRegression(pg, r)).not.toThrow();
    });
  }
});
