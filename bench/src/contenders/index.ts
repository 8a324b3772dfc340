/**
 * The contender registry: every other .ts file of this directory that
 * default-exports a Contender, in file-name order, references first.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Contender } from './types.ts';

const DIR = dirname(fileURLToPath(import.meta.url));
const NOT_CONTENDERS = new Set(['index.ts', 'types.ts', 'pgcodec.ts']);

/** Report order: memcpy, pg-protocol, then the rest by name. */
const ORDER = ['memcpy', 'pg-protocol'];

export async function loadContenders(): Promise<Contender[]> {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_CONTENDERS.has(f))
    .sort();
  const out: Contender[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(`${DIR}/${f}`).href)) as { default?: Contender };
    const c = mod.default;
    if (!c || typeof c.prepare !== 'function' || typeof c.name !== 'string') {
      throw new Error(`bench/src/contenders/${f} does not default-export a Contender`);
    }
    out.push(c);
  }
  const names = new Set<string>();
  for (const c of out) {
    if (names.has(c.name)) throw new Error(`two contenders are named ${c.name}`);
    names.add(c.name);
  }
  const rank = (c: Contender) => (ORDER.includes(c.name) ? ORDER.indexOf(c.name) : ORDER.length);
  return out.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
