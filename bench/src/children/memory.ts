/**
 * Child of the memory suite (run with --expose-gc): makes `count` idle
 * decoders or connections of one engine, each fed a small realistic
 * exchange and read to the end, keeps them all alive, and reports how much
 * the process grew per item after a GC. Stops early (capped) if RSS grows
 * past `capBytes`: the per-item figures hold, the total is extrapolated.
 */
import {
  AuthenticationOk,
  BackendKeyData,
  BackendMessageDecoder,
  Bind,
  CommandComplete,
  ConnectionPhase,
  DataRow,
  Describe,
  Execute,
  FieldDescription,
  FrontendConnection,
  FrontendMessageDecoder,
  ParameterStatus,
  Parse,
  ReadyForQuery,
  RowDescription,
  StartupMessage,
  Sync,
  TransactionStatus,
  type EngineName,
} from 'pgcodec';
import { childArgs } from './run.ts';

export interface MemoryArgs {
  engine: EngineName;
  what: 'BackendMessageDecoder' | 'FrontendMessageDecoder' | 'FrontendConnection';
  count: number;
  capBytes: number;
}

export interface MemoryChildResult {
  count: number;
  capped: boolean;
  error: string | null;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rssTotal: number;
}

const cat = (parts: Uint8Array[]) => Buffer.concat(parts);

/** A query's answer: RowDescription, one DataRow, CommandComplete, ReadyForQuery. */
const ANSWER = cat([
  new RowDescription({ fields: [new FieldDescription({ name: 'id', typeOid: 23, typeSize: 4 }), new FieldDescription({ name: 'name', typeOid: 25 })] }).toWire(),
  new DataRow({ columns: ['42', 'forty-two'] }).toWire(),
  new CommandComplete({ tag: 'SELECT 1' }).toWire(),
  new ReadyForQuery({ status: TransactionStatus.IDLE }).toWire(),
]);

/** A client's extended-query request: Parse, Bind, Describe, Execute, Sync. */
const REQUEST = cat([
  new Parse({ statement: '', query: 'SELECT id, name FROM accounts WHERE id = $1', paramTypes: [23] }).toWire(),
  new Bind({ paramValues: ['42'] }).toWire(),
  new Describe({ kind: 'P' }).toWire(),
  new Execute({}).toWire(),
  new Sync().toWire(),
]);

/** A server's answer to a login with trust auth. */
const LOGIN = cat([
  new AuthenticationOk().toWire(),
  new ParameterStatus({ name: 'client_encoding', value: 'UTF8' }).toWire(),
  new ParameterStatus({ name: 'server_version', value: '15.0' }).toWire(),
  new BackendKeyData({ processId: 4242, secretKey: new Uint8Array([1, 2, 3, 4]) }).toWire(),
  new ReadyForQuery({ status: TransactionStatus.IDLE }).toWire(),
]);

function make(a: MemoryArgs): object {
  const engine = a.engine;
  switch (a.what) {
    case 'BackendMessageDecoder': {
      const d = new BackendMessageDecoder({ engine });
      d.feed(ANSWER);
      for (const _ of d);
      return d;
    }
    case 'FrontendMessageDecoder': {
      const d = new FrontendMessageDecoder({ engine, phase: ConnectionPhase.READY });
      d.feed(REQUEST);
      for (const _ of d);
      return d;
    }
    case 'FrontendConnection': {
      const c = new FrontendConnection({ engine });
      c.send(new StartupMessage({ params: { user: 'bench', database: 'bench' } }));
      for (const _ of c.receive(LOGIN));
      if (!c.isReady) throw new Error(`connection not ready after login: ${c.phase}`);
      return c;
    }
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const collect = () => {
  gc!();
  gc!();
};

const a = childArgs<MemoryArgs>();
make(a); // first use: modules, the engine's compiled code
collect();
const base = process.memoryUsage();
const keep: object[] = [];
let capped = false;
let error: string | null = null;
try {
  for (let i = 0; i < a.count; i++) {
    keep.push(make(a));
    if (i % 256 === 255 && process.memoryUsage.rss() - base.rss > a.capBytes) {
      capped = true;
      break;
    }
  }
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
collect();
const now = process.memoryUsage();
const r: MemoryChildResult = {
  count: keep.length,
  capped,
  error,
  rss: now.rss - base.rss,
  heapUsed: now.heapUsed - base.heapUsed,
  external: now.external - base.external,
  arrayBuffers: now.arrayBuffers - base.arrayBuffers,
  rssTotal: now.rss,
};
process.stdout.write(`${JSON.stringify(r)}\n`);
