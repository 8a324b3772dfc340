/**
 * Settings that make node-postgres and postgres.js hand every value over as
 * the string the server sent (no type parsing), as pgcodec's strings paths
 * do: so the clients compared do the same work.
 */
import type { PostgresType } from 'postgres';

/** node-postgres: `types` whose parser for every type and format returns the text as is. */
export const PG_STRINGS = { getTypeParser: () => (text: string) => text };

/**
 * postgres.js: its default type names, each left without a parser (values
 * stay strings). Its typings want a parse and a serialize per type; leaving
 * `parse` out is what makes the value the server's text.
 */
export const POSTGRES_JS_STRINGS = {
  number: { to: 0, from: [21, 23, 26, 700, 701] },
  json: { to: 114, from: [114, 3802] },
  boolean: { to: 16, from: [16] },
  date: { to: 1184, from: [1082, 1114, 1184] },
  bytea: { to: 17, from: [17] },
} as unknown as Record<string, PostgresType>;
