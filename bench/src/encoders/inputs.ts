/**
 * What the encode suite encodes: for each message kind, a batch of
 * realistic field values drawn from a seeded PRNG (the same every run),
 * already in the shape each API takes, so only the encoding is timed.
 *
 *   Query     SQL text of 30–300 bytes, 1% with non-ASCII
 *   Parse     a named or unnamed statement, its text, 0–3 parameter type OIDs
 *   Bind      unnamed portal, a statement, 1–10 text parameters of 1–40 bytes, 5% NULL
 *   Execute   unnamed portal, all rows (what node-postgres sends for a plain query)
 *   Sync      nothing
 *   DataRow   10 text values of 1–40 bytes, 5% NULL, 1% non-ASCII
 */
import { Rng, asciiBytes } from '../prng.ts';
import { DEFAULT_SEED } from '../workloads/synthetic.ts';

export const MESSAGE_KINDS = ['Query', 'Parse', 'Bind', 'Execute', 'Sync', 'DataRow'] as const;
export type MessageName = (typeof MESSAGE_KINDS)[number];

export interface ParseInput {
  name: string;
  text: string;
  types: number[];
}

export interface BindInput {
  portal: string;
  statement: string;
  values: (string | null)[];
  /** pgcodec's Bind takes the format codes as sent: one 0 (text) per value, one 0 for the results, as pg-protocol writes them. */
  paramFormats: number[];
  resultFormats: number[];
}

export interface MessageKind {
  name: MessageName;
  count: number;
  queries: string[];
  parses: ParseInput[];
  binds: BindInput[];
  rows: (string | null)[][];
}

const MULTIBYTE = ['é', 'ж', '€', '日本', '😀'];
const TABLES = ['accounts', 'orders', 'events', 'line_items', 'sessions'];
const COLUMNS = ['id', 'account_id', 'created_at', 'status', 'total', 'payload', 'kind', 'email'];

function ascii(rng: Rng, n: number): string {
  return Buffer.from(asciiBytes(rng, n)).toString('latin1');
}

function text(rng: Rng, lo: number, hi: number, nonAscii: number): string {
  const s = ascii(rng, rng.int(lo, hi));
  return rng.chance(nonAscii) ? s + rng.pick(MULTIBYTE) : s;
}

function sql(rng: Rng): string {
  const cols = Array.from({ length: rng.int(1, 6) }, () => rng.pick(COLUMNS)).join(', ');
  let q = `SELECT ${cols} FROM ${rng.pick(TABLES)} WHERE ${rng.pick(COLUMNS)} = $1`;
  while (q.length < rng.int(30, 300)) q += ` AND ${rng.pick(COLUMNS)} <> '${ascii(rng, rng.int(1, 12))}'`;
  return rng.chance(0.01) ? `${q} -- ${rng.pick(MULTIBYTE)}` : q;
}

/** The inputs of one kind: `count` messages (scaled), the same on every run. */
export function messageKind(name: MessageName, scale = 1, seed = DEFAULT_SEED): MessageKind {
  const rng = new Rng(seed ^ 0xe4c0de ^ MESSAGE_KINDS.indexOf(name));
  const count = Math.max(1, Math.round(5_000 * scale));
  const kind: MessageKind = { name, count, queries: [], parses: [], binds: [], rows: [] };
  for (let i = 0; i < count; i++) {
    if (name === 'Query') kind.queries.push(sql(rng));
    if (name === 'Parse') {
      const types = Array.from({ length: rng.int(0, 3) }, () => rng.pick([23, 25, 20, 1184]));
      kind.parses.push({ name: rng.chance(0.5) ? `s${rng.int(1, 50)}` : '', text: sql(rng), types });
    }
    if (name === 'Bind') {
      const values = Array.from({ length: rng.int(1, 10) }, () => (rng.chance(0.05) ? null : text(rng, 1, 40, 0.01)));
      kind.binds.push({ portal: '', statement: rng.chance(0.5) ? `s${rng.int(1, 50)}` : '', values, paramFormats: values.map(() => 0), resultFormats: [0] });
    }
    if (name === 'DataRow') kind.rows.push(Array.from({ length: 10 }, () => (rng.chance(0.05) ? null : text(rng, 1, 40, 0.01))));
  }
  return kind;
}
