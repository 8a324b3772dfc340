/**
 * The contender registry: every other .ts file of this directory
 * default-exports the variants of one contender; they are loaded in
 * file-name order and reported references first.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Variant } from './types.ts';

const DIR = dirname(fileURLToPath(import.meta.url));
const NOT_CONTENDERS = new Set(['index.ts', 'types.ts', 'pgcodec.ts']);

/** Report order within a group: its reference, the other libraries, then pgcodec; a contender's variants in its own order. */
export function byReportOrder(a: Variant, b: Variant): number {
  return rank(a) - rank(b) || a.contender.localeCompare(b.contender);
}

function rank(v: Variant): number {
  return v.reference ? 0 : v.contender.startsWith('pgcodec') ? 2 : 1;
}

export async function loadVariants(): Promise<Variant[]> {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_CONTENDERS.has(f))
    .sort();
  const out: Variant[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(`${DIR}/${f}`).href)) as { default?: Variant[] };
    const vs = mod.default;
    if (!Array.isArray(vs) || vs.some((v) => typeof v.prepare !== 'function' || typeof v.contender !== 'string')) {
      throw new Error(`bench/src/contenders/${f} does not default-export an array of variants`);
    }
    out.push(...vs);
  }
  const seen = new Set<string>();
  for (const v of out) {
    const k = variantKey(v);
    if (seen.has(k)) throw new Error(`two variants are named ${k}`);
    seen.add(k);
  }
  // a stable sort keeps each contender's own order of its variants
  return out.sort(byReportOrder);
}

/** "pgcodec-wasm text(i)": how a variant is named in labels and keys. */
export function variantKey(v: Pick<Variant, 'contender' | 'how'>): string {
  return `${v.contender} ${v.how}`;
}
