/**
 * node-postgres's parser (pg-protocol), the strings group's reference: it
 * always does its one full parse, a message object per frame and every
 * DataRow value as a string. Its Parser keeps references to the Buffers it
 * is given, so each read is a fresh Buffer. Backend streams only.
 */
import { Parser } from 'pg-protocol/dist/parser.js';
import { valueSum } from '../workloads/frames.ts';
import { sessionVariant } from './types.ts';

export default [
  sessionVariant({
    contender: 'pg-protocol',
    how: 'parse',
    explain: "node-postgres's Parser (pg-protocol 1.16.1): a message object per frame, DataRow fields as strings",
    group: 'strings',
    reference: true,
    retainsInput: true,
    supports: (w) => w.direction === 'backend',
    open() {
      const parser = new Parser();
      let sum = 0;
      const onMessage = (msg: { name: string; fields?: (string | null)[] }) => {
        if (msg.name === 'dataRow') for (const v of msg.fields!) sum += valueSum(v);
      };
      return {
        feed: (chunk) => parser.parse(chunk, onMessage as never),
        end: () => sum,
      };
    },
  }),
];
