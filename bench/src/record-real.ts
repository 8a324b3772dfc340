/**
 * Records the `real` workload: starts a throwaway PostgreSQL 15 (the test
 * harness's cluster), runs
 *
 *   SELECT g, md5(g::text), now() FROM generate_series(1, N) g
 *
 * over a plain TCP socket with a minimal client built on pgcodec's
 * FrontendConnection (trust auth), and saves exactly the server's bytes of
 * that query's answer — RowDescription through ReadyForQuery — gzipped to
 * bench/data/real-<N>.bin.gz.
 *
 *   npm run record-real -w @pgcodec/bench                 N = 10000 (the committed sample)
 *   npm run record-real -w @pgcodec/bench -- --rows 1000000
 *
 * then `npm start -- --real-rows 1000000` benchmarks the bigger one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { FrontendConnection, Query, ReadyForQuery, StartupMessage, Terminate, type BackendMessage } from 'pgcodec';
import { startCluster } from '../../test/harness/index.ts';
import { DATA_DIR } from './paths.ts';
import { DEFAULT_REAL_ROWS, frameCounts, realFile } from './workloads.ts';

/** A FrontendConnection over a socket that also keeps the raw bytes it receives. */
class RecordingClient extends FrontendConnection {
  private readonly pending: Buffer[] = [];
  private wake: (() => void) | null = null;
  private closed: Error | null = null;
  /** Raw bytes received since the last `startCapture()`. */
  captured: Buffer[] = [];

  constructor(private readonly sock: net.Socket) {
    super();
    sock.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      this.wake?.();
    });
    sock.on('close', () => {
      this.closed = new Error('server closed the connection');
      this.wake?.();
    });
  }

  override onSend(bytes: Uint8Array): void {
    this.sock.write(bytes);
  }

  startCapture(): void {
    this.captured = [];
  }

  /** Receives until ReadyForQuery; returns the messages. */
  async untilReady(): Promise<BackendMessage[]> {
    const out: BackendMessage[] = [];
    for (;;) {
      while (this.pending.length === 0) {
        if (this.closed) throw this.closed;
        await new Promise<void>((r) => (this.wake = r));
      }
      const chunk = this.pending.shift()!;
      this.captured.push(chunk);
      for (const msg of this.receive(chunk)) {
        out.push(msg);
        if (msg.type === 'ErrorResponse') throw new Error(`server error: ${JSON.stringify(msg)}`);
      }
      if (out.at(-1) instanceof ReadyForQuery) {
        if (this.pending.length > 0) throw new Error('bytes after ReadyForQuery');
        return out;
      }
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string' } } });
  const rows = values.rows === undefined ? DEFAULT_REAL_ROWS : Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows wants a positive integer, got ${values.rows}`);

  const cluster = await startCluster({ log: (m) => console.error(`[cluster] ${m}`) });
  try {
    const sock = net.connect({ host: cluster.host, port: cluster.port });
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.setNoDelay(true);
    const client = new RecordingClient(sock);
    client.send(new StartupMessage({ params: { user: cluster.users.trust, database: 'postgres', client_encoding: 'UTF8' } }));
    await client.untilReady();

    const sql = `SELECT g, md5(g::text), now() FROM generate_series(1, ${rows}) g`;
    client.startCapture();
    client.send(new Query({ queryString: sql }));
    const msgs = await client.untilReady();
    const bytes = Buffer.concat(client.captured);

    // exactly the answer: RowDescription, N DataRows, CommandComplete, ReadyForQuery, and whole frames
    const types = msgs.map((m) => m.type);
    const dataRows = types.filter((t) => t === 'DataRow').length;
    if (types[0] !== 'RowDescription' || types.at(-2) !== 'CommandComplete' || types.at(-1) !== 'ReadyForQuery' || dataRows !== rows || types.length !== rows + 3) {
      throw new Error(`unexpected answer: ${types.slice(0, 3).join(', ')} … ${types.slice(-2).join(', ')} (${dataRows} DataRows)`);
    }
    const counts = frameCounts(bytes);
    if (counts.messages !== msgs.length || counts.dataRows !== rows) throw new Error('captured bytes do not frame to the decoded messages');

    client.send(new Terminate());
    sock.end();

    mkdirSync(DATA_DIR, { recursive: true });
    const gz = gzipSync(bytes, { level: 9 });
    const file = realFile(rows);
    writeFileSync(file, gz);
    console.log(`${sql}\n${bytes.length} bytes (${msgs.length} messages), gzipped ${gz.length} bytes → ${file}`);
  } finally {
    await cluster.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
