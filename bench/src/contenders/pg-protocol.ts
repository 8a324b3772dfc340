/**
 * node-postgres's parser (pg-protocol), the baseline. It parses every backend
 * message in full — DataRow values become strings — whatever the consumer
 * needs, so it is one task per workload × chunking, shown for every mode.
 * Its Parser keeps references to the Buffers it is given, so each read is a
 * fresh Buffer. Backend streams only.
 */
import { Parser } from 'pg-protocol/dist/parser.js';
import { sessionContender, sink } from './types.ts';

export default sessionContender({
  name: 'pg-protocol',
  description: "node-postgres's parser (pg-protocol 1.16.1): full parse, values as strings",
  counts: 'units',
  modeIndependent: true,
  reference: true,
  retainsInput: true,
  load: { specifier: 'pg-protocol', setup: "new (require('pg-protocol/dist/parser.js').Parser)()" },
  supports: (_mode, workload) => workload.direction === 'backend',
  open() {
    const parser = new Parser();
    let rows = 0;
    let fields = 0;
    const onMessage = (msg: { name: string; fields?: unknown[] }) => {
      if (msg.name === 'dataRow') {
        rows++;
        fields += msg.fields!.length;
      }
    };
    return {
      feed: (chunk) => parser.parse(chunk, onMessage as never),
      end() {
        sink.value += fields;
        return rows;
      },
    };
  },
});
