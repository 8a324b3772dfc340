/**
 * Every property under a fixed total budget (FUZZ_BUDGET_MS, default 60 s,
 * shared by weight), with the seed printed. The seed is fixed unless
 * PGCODEC_FUZZ_SEED says otherwise ('random', or a number): CI explores the
 * same sequence every time, as far as the budget reaches on a loaded
 * machine; `npm run fuzz` is where new seeds are tried.
 */
import { describe, expect, it } from 'vitest';
import { PROPERTIES, runProperties } from '../src/index.js';

const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 60_000);
const env = process.env.PGCODEC_FUZZ_SEED;
const SEED = env === 'random' ? (Math.random() * 2 ** 31) | 0 : Number(env ?? 0x5eed);
const TOTAL_WEIGHT = PROPERTIES.reduce((n, p) => n + (p.weight ?? 1), 0);

describe(`fuzz properties (seed ${SEED}, ${BUDGET_MS / 1000} s in all)`, () => {
  for (const p of PROPERTIES) {
    const budget = Math.round((BUDGET_MS * (p.weight ?? 1)) / TOTAL_WEIGHT);
    it(`${p.name}: ${p.invariant}`, { timeout: budget * 3 + 30_000 }, () => {
      const [r] = runProperties({ budgetMs: budget, seed: SEED, only: [p.name], log: (l) => console.log(l) });
      expect(r!.failed, `${r!.error}\ncounterexample: ${r!.counterexample}\nreplay: npm run fuzz -- --property ${p.name} --seed ${SEED} (path ${r!.path})`).toBe(false);
      // A budget that ran nothing would pass silently: on the busiest day each property still runs dozens of cases.
      expect(r!.runs).toBeGreaterThan(20);
    });
  }
});
