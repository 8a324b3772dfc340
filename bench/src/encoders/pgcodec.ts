/** pgcodec's message classes: `new Message(fields).toWire()`, the same for both engines (encoding is TypeScript). */
import { Bind, DataRow, Execute, Parse, Query, Sync } from 'pgcodec';
import type { Encoder } from './types.ts';

export const pgcodecEncoder: Encoder = {
  contender: 'pgcodec',
  how: 'new Message(…).toWire()',
  explain: "pgcodec's message classes: construct the message, then toWire() (one exact-size Uint8Array each)",
  isReference: () => false,
  supports: () => true,
  prepare(k) {
    switch (k.name) {
      case 'Query':
        return (i) => new Query({ queryString: k.queries[i]! }).toWire();
      case 'Parse':
        return (i) => {
          const p = k.parses[i]!;
          return new Parse({ statement: p.name, query: p.text, paramTypes: p.types }).toWire();
        };
      case 'Bind':
        return (i) => {
          const b = k.binds[i]!;
          return new Bind({ portal: b.portal, statement: b.statement, paramFormats: b.paramFormats, paramValues: b.values, resultFormats: b.resultFormats }).toWire();
        };
      case 'Execute':
        return () => new Execute({ portal: '', maxRows: 0 }).toWire();
      case 'Sync':
        return () => new Sync().toWire();
      case 'DataRow':
        return (i) => new DataRow({ columns: k.rows[i]! }).toWire();
    }
  },
};
