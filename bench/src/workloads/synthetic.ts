/**
 * The synthetic workloads: complete byte streams generated from a seed (the
 * same bytes on every run and machine) with pgcodec's own message classes.
 * Backend streams are one query's answer: RowDescription, N DataRows,
 * CommandComplete, ReadyForQuery. The frontend stream is client traffic.
 */
import {
  Bind,
  CommandComplete,
  CopyData,
  CopyDone,
  DataRow,
  Describe,
  Execute,
  FieldDescription,
  Parse,
  Query,
  ReadyForQuery,
  RowDescription,
  Sync,
  TransactionStatus,
} from 'pgcodec';
import { Rng, asciiBytes } from '../prng.ts';

export type Direction = 'backend' | 'frontend';

export const DEFAULT_SEED = 0x5eed_2024;

interface Recipe {
  description: string;
  direction: Direction;
  build(rng: Rng, scale: (n: number) => number): Buffer;
}

const enc = new TextEncoder();
const INT4 = 23;
const TEXT = 25;

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

function resultSet(fields: FieldDescription[], rows: Iterable<(Uint8Array | string | null)[]>): Buffer {
  const parts: Uint8Array[] = [new RowDescription({ fields }).toWire()];
  let n = 0;
  for (const columns of rows) {
    parts.push(new DataRow({ columns }).toWire());
    n++;
  }
  parts.push(new CommandComplete({ tag: `SELECT ${n}` }).toWire());
  parts.push(new ReadyForQuery({ status: TransactionStatus.IDLE }).toWire());
  return concat(parts);
}

function* times<T>(n: number, f: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i++) yield f(i);
}

/** Multibyte characters (2, 3 and 4 bytes in UTF-8) for the ~1% non-ASCII values. */
const MULTIBYTE = ['é', 'ß', 'ж', '€', '日', '本', '語', '😀', '🐘'];

/** A text value of exactly `len` UTF-8 bytes, mixing ASCII and multibyte characters. */
function utf8Value(rng: Rng, len: number): string {
  let s = '';
  let bytes = 0;
  while (bytes < len) {
    const ch = rng.chance(0.4) ? rng.pick(MULTIBYTE) : String.fromCharCode(97 + rng.int(0, 25));
    const b = enc.encode(ch).length;
    if (bytes + b > len) {
      s += 'x'.repeat(len - bytes);
      break;
    }
    s += ch;
    bytes += b;
  }
  return s;
}

const GENERATORS: Record<SyntheticName, Recipe> = {
  narrow: {
    description: '3 columns: int as text, short text, NULL',
    direction: 'backend',
    build(rng, scale) {
      const fields = [
        new FieldDescription({ name: 'id', typeOid: INT4, typeSize: 4 }),
        new FieldDescription({ name: 'name', typeOid: TEXT }),
        new FieldDescription({ name: 'note', typeOid: TEXT }),
      ];
      return resultSet(
        fields,
        times(scale(30_000), () => [String(rng.int(1, 2_000_000)), asciiBytes(rng, rng.int(3, 12)), null]),
      );
    },
  },
  wide: {
    description: '20 text columns of 1–40 B, ~5% NULL, ~1% non-ASCII',
    direction: 'backend',
    build(rng, scale) {
      const fields = Array.from({ length: 20 }, (_, i) => new FieldDescription({ name: `c${i + 1}`, typeOid: TEXT }));
      return resultSet(
        fields,
        times(scale(5_000), () =>
          Array.from({ length: 20 }, () => {
            if (rng.chance(0.05)) return null;
            const len = rng.int(1, 40);
            return rng.chance(0.01) ? utf8Value(rng, len) : asciiBytes(rng, len);
          }),
        ),
      );
    },
  },
  large: {
    description: 'int + 2 text columns of 1–8 KiB',
    direction: 'backend',
    build(rng, scale) {
      const fields = [
        new FieldDescription({ name: 'id', typeOid: INT4, typeSize: 4 }),
        new FieldDescription({ name: 'a', typeOid: TEXT }),
        new FieldDescription({ name: 'b', typeOid: TEXT }),
      ];
      return resultSet(
        fields,
        times(scale(300), (i) => [String(i + 1), asciiBytes(rng, rng.int(1024, 8192)), asciiBytes(rng, rng.int(1024, 8192))]),
      );
    },
  },
  huge: {
    description: 'int + 1 text column of 1–4 MiB, few rows',
    direction: 'backend',
    build(rng, scale) {
      const fields = [
        new FieldDescription({ name: 'id', typeOid: INT4, typeSize: 4 }),
        new FieldDescription({ name: 'doc', typeOid: TEXT }),
      ];
      const mib = 1 << 20;
      // scale shrinks the values too, so a tiny smoke run stays tiny
      const s = Math.min(1, scale(1_000_000) / 1_000_000);
      return resultSet(
        fields,
        times(Math.max(1, scale(6)), (i) => [String(i + 1), asciiBytes(rng, Math.max(1, Math.round(rng.int(mib, 4 * mib) * s)))]),
      );
    },
  },
  frontend: {
    description: 'client traffic: pipelined Parse/Bind/Describe/Execute/Sync batches and COPY FROM STDIN CopyData',
    direction: 'frontend',
    build(rng, scale) {
      const parts: Uint8Array[] = [];
      const batches = scale(1_200);
      for (let b = 0; b < batches; b++) {
        // a pipeline: one named statement, then 10 executions of it, one Sync
        const stmt = `s${b % 50}`;
        parts.push(
          new Parse({
            statement: stmt,
            query: 'INSERT INTO events (account_id, kind, payload) VALUES ($1, $2, $3) RETURNING id',
            paramTypes: [INT4, TEXT, TEXT],
          }).toWire(),
        );
        for (let k = 0; k < 10; k++) {
          parts.push(
            new Bind({
              statement: stmt,
              paramValues: [String(rng.int(1, 1_000_000)), rng.pick(['click', 'view', 'buy', 'login']), asciiBytes(rng, rng.int(8, 120))],
            }).toWire(),
          );
          parts.push(new Describe({ kind: 'P' }).toWire());
          parts.push(new Execute({ maxRows: 0 }).toWire());
        }
        parts.push(new Sync().toWire());
        // now and then a COPY FROM STDIN: one CopyData per line, as psql sends it
        if (b % 100 === 99 || b === batches - 1) {
          parts.push(new Query({ queryString: 'COPY events (account_id, kind, payload) FROM STDIN' }).toWire());
          for (let line = 0, lines = scale(1_000); line < lines; line++) {
            const text = `${rng.int(1, 1_000_000)}\t${rng.pick(['click', 'view', 'buy'])}\t`;
            const row = new Uint8Array(text.length + rng.int(10, 80) + 1);
            row.set(enc.encode(text));
            row.set(asciiBytes(rng, row.length - text.length - 1), text.length);
            row[row.length - 1] = 0x0a;
            parts.push(new CopyData({ data: row }).toWire());
          }
          parts.push(new CopyDone().toWire());
        }
      }
      return concat(parts);
    },
  },
};

/** The synthetic workloads, in report order. */
export const SYNTHETIC_NAMES = ['narrow', 'wide', 'large', 'huge', 'frontend'] as const;
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

export function isSynthetic(name: string): name is SyntheticName {
  return (SYNTHETIC_NAMES as readonly string[]).includes(name);
}

/** The bytes of a synthetic workload; `scale` multiplies its row and batch counts. */
export function generate(name: SyntheticName, seed = DEFAULT_SEED, scale = 1): { description: string; direction: Direction; bytes: Buffer } {
  const gen = GENERATORS[name];
  // one seed per workload, so selecting a subset does not change any workload's bytes
  const rng = new Rng(seed ^ hashName(name));
  const scaled = (n: number) => Math.max(1, Math.round(n * scale));
  return { description: gen.description, direction: gen.direction, bytes: gen.build(rng, scaled) };
}

function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
