/**
 * The fuzz run bites: each known bug, planted in a copy of the built
 * package, is reported by the property meant to catch it within that
 * property's share of the CI budget (the same share fuzz/test/properties.test.ts
 * gives it). A plant whose text no longer occurs in the build fails loudly:
 * update it with the code it targets.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROPERTIES, runProperties, type Pg } from '../src/index.js';

const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 60_000);
const TOTAL_WEIGHT = PROPERTIES.reduce((n, p) => n + (p.weight ?? 1), 0);
const SEED = 0x5eed;
const PACKAGE = fileURLToPath(new URL('../../packages/pgcodec/', import.meta.url));

interface Plant {
  name: string;
  /** File under dist/, the text to replace (must occur once), and the bug. */
  file: string;
  find: string;
  replace: string;
  caughtBy: string;
}

const PLANTS: Plant[] = [
  {
    name: 'a DataRow column length off by one (js engine)',
    file: 'engine/js-engine.js',
    find: 'cols[nc * 2 + 1] = vlen;',
    replace: 'cols[nc * 2 + 1] = vlen > 0 ? vlen - 1 : vlen;',
    caughtBy: 'differential',
  },
  {
    name: 'a skipped NUL check in String fields (encoder)',
    file: 'wire/writer.js',
    find: "if (s.includes('\\0'))",
    replace: 'if (false)',
    caughtBy: 'encoder-safety',
  },
  {
    name: 'a state-machine row that lets the server send DataRow when idle',
    file: 'state-machine.js',
    find: "READY: { ...ASYNC, ErrorResponse: 'error' },",
    replace: "READY: { ...ASYNC, DataRow: 'stay', ErrorResponse: 'error' },",
    caughtBy: 'model',
  },
  {
    name: 'an engine that keeps back the last frame of a chunk (js engine)',
    file: 'engine/js-engine.js',
    find: 'if (len + 1 > end - p)',
    replace: 'if (len + 1 >= end - p)',
    caughtBy: 'differential',
  },
  {
    name: 'a DataRow column length off by one (message decoder)',
    file: 'messages/simple-query.js',
    find: 'table[2 * i + 1] = len;',
    replace: 'table[2 * i + 1] = len > 0 ? len - 1 : len;',
    caughtBy: 'differential',
  },
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the built package, with `plant` applied if given, imported fresh. */
async function copyOfPackage(plant?: Plant): Promise<Pg> {
  const dir = mkdtempSync(join(tmpdir(), 'pgcodec-planted-'));
  dirs.push(dir);
  cpSync(join(PACKAGE, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(PACKAGE, 'src'), join(dir, 'src'), { recursive: true }); // what the source maps point at
  cpSync(join(PACKAGE, 'package.json'), join(dir, 'package.json'));
  if (plant !== undefined) {
    const file = join(dir, 'dist', plant.file);
    const text = readFileSync(file, 'utf8');
    const at = text.split(plant.find).length - 1;
    if (at !== 1) throw new Error(`plant '${plant.name}': '${plant.find}' occurs ${at} times in dist/${plant.file}; update the plant`);
    writeFileSync(file, text.replace(plant.find, plant.replace));
  }
  return (await import(pathToFileURL(join(dir, 'dist', 'index.js')).href)) as Pg;
}

describe('planted bugs are caught within the CI budget', () => {
  it('the copy itself, unplanted, passes (the copying is not what fails)', { timeout: 120_000 }, async () => {
    const pg = await copyOfPackage();
    const reports = runProperties({ pg, budgetMs: 6000, seed: SEED, only: [...new Set(PLANTS.map((p) => p.caughtBy))] });
    expect(reports.filter((r) => r.failed).map((r) => `${r.name}: ${r.error}`)).toEqual([]);
  });

  for (const plant of PLANTS) {
    const property = PROPERTIES.find((p) => p.name === plant.caughtBy)!;
    const share = Math.round((BUDGET_MS * (property.weight ?? 1)) / TOTAL_WEIGHT);
    it(`${plant.name}: ${plant.caughtBy} reports it within ${(share / 1000).toFixed(1)} s`, { timeout: share * 3 + 60_000 }, async () => {
      const pg = await copyOfPackage(plant);
      const [r] = runProperties({ pg, budgetMs: share, seed: SEED, only: [plant.caughtBy] });
      console.log(`planted: ${plant.name} → ${r!.name} ${r!.failed ? `caught after ${r!.runs} cases, ${r!.msToFailure} ms (${r!.ms} ms with shrinking): ${r!.error?.split('\n')[0]}` : `NOT caught in ${r!.runs} cases`}`);
      expect(r!.failed, `${plant.name} went unnoticed by ${plant.caughtBy} in ${r!.runs} cases`).toBe(true);
    });
  }
});
