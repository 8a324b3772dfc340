/** node-postgres's serializer (pg-protocol's `serialize`): the reference for the frontend messages it encodes. */
import { serialize } from 'pg-protocol';
import type { Encoder } from './types.ts';

export const pgProtocolEncoder: Encoder = {
  contender: 'pg-protocol',
  how: 'serialize',
  explain: "pg-protocol 1.16.1's serialize.query/parse/bind/execute/sync (Execute of the unnamed portal and Sync return prebuilt Buffers)",
  isReference: (k) => k.name !== 'DataRow',
  supports: (k) => k.name !== 'DataRow',
  prepare(k) {
    switch (k.name) {
      case 'Query':
        return (i) => serialize.query(k.queries[i]!);
      case 'Parse':
        return (i) => serialize.parse(k.parses[i]!);
      case 'Bind':
        return (i) => serialize.bind(k.binds[i]! as never);
      case 'Execute':
        return () => serialize.execute({ portal: '', rows: 0 });
      case 'Sync':
        return () => serialize.sync();
      case 'DataRow':
        throw new Error('pg-protocol encodes frontend messages only');
    }
  },
};
