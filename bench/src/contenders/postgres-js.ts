/**
 * postgres.js's parser, driven standalone. Its parser is not a module of
 * its own: it lives in the closure of a connection (node_modules/postgres/src/connection.js,
 * `data()` and the handlers after it), fed by the socket's 'data' events.
 * postgres.js takes a `socket` option, though, so the whole connection runs
 * here over an in-memory socket: it logs in to a fake server (the login
 * answer encoded with pgcodec's message classes), and every simple Query
 * it writes is answered with the workload's bytes, in the chunking's reads
 * (a fresh Buffer each, as a socket hands them over; it keeps views of them).
 *
 * So this row includes what postgres.js does per query besides parsing
 * (building the query, a promise, a setImmediate before its write): a few
 * microseconds, against milliseconds of parsing on every workload. Its type
 * parsers are switched off (every value a string, as in the rest of the
 * group), and rows go to forEach() rather than into a result array.
 */
import { EventEmitter } from 'node:events';
import postgres from 'postgres';
import { AuthenticationOk, BackendKeyData, ParameterStatus, ReadyForQuery, TransactionStatus } from 'pgcodec';
import { POSTGRES_JS_STRINGS } from '../postgres/strings-only.ts';
import { valueSum } from '../workloads/frames.ts';
import { CHUNK_SIZE, type Chunking, type Variant } from './types.ts';

const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** What the fake server says when postgres.js logs in: AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery. */
const LOGIN = Buffer.concat([
  new AuthenticationOk().toWire(),
  new ParameterStatus({ name: 'client_encoding', value: 'UTF8' }).toWire(),
  new ParameterStatus({ name: 'server_version', value: '15.0' }).toWire(),
  new ParameterStatus({ name: 'integer_datetimes', value: 'on' }).toWire(),
  new BackendKeyData({ processId: 4242, secretKey: new Uint8Array([1, 2, 3, 4]) }).toWire(),
  new ReadyForQuery({ status: TransactionStatus.IDLE }).toWire(),
]);

/** A socket with a fake server behind it: answers the login, then each Query with the stream. */
class InMemorySocket extends EventEmitter {
  readyState = 'open';
  private loggedIn = false;

  constructor(
    private readonly stream: Buffer,
    private readonly read: number,
  ) {
    super();
  }

  write(data: Uint8Array, cb?: () => void): boolean {
    const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    // answer after write() returns: postgres.js is still inside its own write
    process.nextTick(() => {
      if (!this.loggedIn) {
        this.loggedIn = true;
        this.emit('data', LOGIN);
      } else {
        for (let p = 0; p < b.length; p += 1 + b.readUInt32BE(p + 1)) {
          if (b[p] === QUERY) this.answer();
          if (b[p] === TERMINATE) this.end();
        }
      }
      cb?.();
    });
    return true;
  }

  private answer(): void {
    const s = this.stream;
    if (this.read >= s.length) {
      this.emit('data', s);
      return;
    }
    for (let off = 0; off < s.length; off += this.read) {
      const n = Math.min(this.read, s.length - off);
      const chunk = Buffer.allocUnsafe(n);
      s.copy(chunk, 0, off, off + n);
      this.emit('data', chunk);
    }
  }

  end(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    process.nextTick(() => this.emit('close'));
  }

  destroy(): void {
    this.end();
  }

  setKeepAlive(): void {}
}

function connect(stream: Buffer, chunking: Chunking) {
  const options = {
    max: 1,
    fetch_types: false,
    idle_timeout: 0,
    max_lifetime: null,
    types: POSTGRES_JS_STRINGS,
    // documented in postgres.js's README (Custom socket), absent from its typings
    socket: () => new InMemorySocket(stream, CHUNK_SIZE[chunking]),
  };
  return postgres(options);
}

const variant: Variant = {
  contender: 'postgres.js',
  how: 'forEach(), values()',
  explain: "postgres.js 3.4.9's connection over an in-memory socket: sql.unsafe(q).simple().values().forEach(), type parsers off",
  group: 'strings',
  supports: (w) => w.direction === 'backend',
  prepare({ workload, chunking }) {
    const sql = connect(workload.bytes, chunking);
    return {
      async run() {
        let sum = 0;
        await sql
          .unsafe('SELECT the workload')
          .simple()
          .values()
          .forEach((row) => {
            for (const v of row as unknown as (string | null)[]) sum += valueSum(v);
          });
        return sum;
      },
      close: () => sql.end({ timeout: 0 }),
    };
  },
};

export default [variant];
