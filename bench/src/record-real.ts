/**
 * Records the committed `real` sample: starts a throwaway PostgreSQL (the
 * test harness's cluster), runs
 *
 *   SELECT g, md5(g::text), now() FROM generate_series(1, N) g
 *
 * with the minimal pgcodec client (postgres/client.ts), and saves exactly the
 * server's bytes of the answer — RowDescription through ReadyForQuery —
 * gzipped to bench/data/real-<N>.bin.gz. The bench itself records its
 * bigger real-* workloads at run time (postgres/recordings.ts); this file is
 * the small sample used by --quick and when no PostgreSQL can start.
 *
 *   npm run record-real -w @pgcodec/bench                 N = 10000 (the committed sample)
 *   npm run record-real -w @pgcodec/bench -- --rows 500
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DATA_DIR } from './paths.ts';
import { MiniClient } from './postgres/client.ts';
import { startServer } from './postgres/server.ts';
import { frameCounts } from './workloads/frames.ts';
import { SAMPLE_ROWS } from './workloads/index.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string' } } });
  const rows = values.rows === undefined ? SAMPLE_ROWS : Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows wants a positive integer, got ${values.rows}`);

  const cluster = await startServer((m) => console.error(m));
  try {
    const client = await MiniClient.connect(cluster.host, cluster.port, cluster.users.trust);
    const sql = `SELECT g, md5(g::text), now() FROM generate_series(1, ${rows}) g`;
    const chunks: Buffer[] = [];
    await client.query(sql, { onChunk: (c) => chunks.push(c) });
    client.close();
    const bytes = Buffer.concat(chunks);
    // exactly the answer: RowDescription, N DataRows, CommandComplete, ReadyForQuery, whole frames
    const counts = frameCounts(bytes);
    if (bytes[0] !== 0x54 || counts.dataRows !== rows || counts.messages !== rows + 3) {
      throw new Error(`unexpected answer: ${counts.messages} messages, ${counts.dataRows} DataRows`);
    }
    mkdirSync(DATA_DIR, { recursive: true });
    const gz = gzipSync(bytes, { level: 9 });
    const file = `${DATA_DIR}/real-${rows}.bin.gz`;
    writeFileSync(file, gz);
    console.log(`${sql}\n${bytes.length} bytes (${counts.messages} messages), gzipped ${gz.length} bytes → ${file}`);
  } finally {
    await cluster.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
