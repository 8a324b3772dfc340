/**
 * The result sets recorded from a real PostgreSQL at bench time (the
 * `real-*` workloads) and fetched by the client suite. Issue 12 sizes them
 * at 1M narrow rows, 100k wide rows and 1k rows of 1 MiB text or bytea; a
 * default run takes 100 rows of the 1 MiB ones (a round of every variant
 * over 1k of them takes minutes), --issue-sizes takes all. Row counts then
 * scale with --scale; the query text, row count included, keys the
 * recording cache.
 */

export const REAL_NAMES = ['real-narrow', 'real-wide', 'real-text', 'real-bytea'] as const;
export type RealName = (typeof REAL_NAMES)[number];

export interface RealQuery {
  name: RealName;
  description: string;
  /** Rows at scale 1 in a default run. */
  rows: number;
  /** Rows at scale 1 with --issue-sizes (issue 12's size). */
  issueRows: number;
  sql(rows: number): string;
}

/** 20 columns of the types applications read most, a NULL now and then, some non-ASCII text. */
const WIDE_COLUMNS = [
  'g AS id',
  'g::int8 * 1000003 AS big',
  '(g % 1000)::int2 AS small',
  'md5(g::text) AS hash',
  'repeat(chr(97 + g % 26), 1 + g % 40) AS word',
  '(g * 1.37)::numeric(12, 2) AS amount',
  'g / 7.0::float8 AS ratio',
  'g % 3 = 0 AS flag',
  "date '2024-01-01' + g % 365 AS day",
  "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' AS at",
  'md5(g::text)::uuid AS uid',
  "jsonb_build_object('g', g, 'tag', 'x' || g % 10) AS doc",
  "CASE WHEN g % 20 = 0 THEN NULL ELSE 'note ' || g END AS note",
  'ARRAY[g, g + 1, g + 2] AS arr',
  "inet '10.0.0.0' + g % 65536 AS addr",
  "(g % 86400) * interval '1 second' AS span",
  "'héllo wörld ' || g AS utf8",
  "to_char(g, 'FM000000') AS code",
  "decode(md5(g::text), 'hex') AS digest",
  'point(g, g / 2.0) AS pt',
];

export const REAL_QUERIES: Record<RealName, RealQuery> = {
  'real-narrow': {
    name: 'real-narrow',
    description: 'int, md5 text, timestamptz',
    rows: 1_000_000,
    issueRows: 1_000_000,
    sql: (n) => `SELECT g, md5(g::text), now() FROM generate_series(1, ${n}) g`,
  },
  'real-wide': {
    name: 'real-wide',
    description: '20 mixed columns: ints, numeric, float, bool, date, timestamptz, uuid, jsonb, array, inet, interval, bytea, text (5% NULL, some non-ASCII)',
    rows: 100_000,
    issueRows: 100_000,
    sql: (n) => `SELECT ${WIDE_COLUMNS.join(', ')} FROM generate_series(1, ${n}) g`,
  },
  'real-text': {
    name: 'real-text',
    description: 'int + one text value of 1 MiB per row',
    rows: 100,
    issueRows: 1_000,
    sql: (n) => `SELECT g, repeat(md5(g::text), 32768) AS doc FROM generate_series(1, ${n}) g`,
  },
  'real-bytea': {
    name: 'real-bytea',
    description: 'int + one bytea value of 1 MiB per row (2 MiB of hex on the wire)',
    rows: 100,
    issueRows: 1_000,
    // 65536 × 32 hex digits decode to 1 MiB
    sql: (n) => `SELECT g, decode(repeat(md5(g::text), 65536), 'hex') AS blob FROM generate_series(1, ${n}) g`,
  },
};

/** Rows of a real result set at this scale (at least one), at the default or at issue 12's size. */
export function realRows(q: RealQuery, scale: number, issueSizes = false): number {
  return Math.max(1, Math.round((issueSizes ? q.issueRows : q.rows) * scale));
}
