/**
 * Both engines on real traffic: every recorded session replayed through the
 * WebAssembly and the TypeScript engines gives the same messages, at every
 * chunking; and socket ingestion reads straight into the decoder's buffer.
 */
import net from 'node:net';
import * as pg from 'pgcodec';
import { describe, expect, it } from 'vitest';
import { listFixtures, readSessionFile } from './harness/index.ts';
import { unforced } from './support/engine-env.ts';
import { replaySession } from './replay/replay.ts';

const ENGINES = ['wasm', 'js'] as const;


const chunkers: Record<string, (b: Uint8Array) => Uint8Array[]> = {
  delivered: (b) => [b],
  bytes: (b) => Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1)),
  '7-bytes': (b) => Array.from({ length: Math.ceil(b.length / 7) }, (_, i) => b.subarray(i * 7, i * 7 + 7)),
};

describe.each(listFixtures().map((p) => [p.split('/').at(-1)!.replace('.pgrec.gz', ''), p] as const))('recorded session %s', (_name, path) => {
  const session = readSessionFile(path);
  it.each(Object.keys(chunkers))('both engines agree, chunked %s', (chunking) => {
    const [w, j] = ENGINES.map((engine) => unforced(() => replaySession(session, chunkers[chunking]!, { engine })));
    expect(w).toEqual(j);
  });
});

describe('socket ingestion', () => {
  it.each(ENGINES)('a FrontendConnection (%s) reads a result set straight from its socket, strictly', async (engine) => {
    const rows = 5000;
    const parts: Uint8Array[] = [new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'n', typeOid: 23 })] }).toWire()];
    for (let i = 0; i < rows; i++) parts.push(new pg.DataRow({ columns: [String(i)] }).toWire());
    parts.push(new pg.CommandComplete({ tag: `SELECT ${rows}` }).toWire(), new pg.ReadyForQuery({ status: 'I' }).toWire());
    const stream = Buffer.concat(parts);
    const server = net.createServer((s) => s.end(stream));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const conn = unforced(() => new pg.FrontendConnection({ engine, initialPhase: pg.ConnectionPhase.READY }));
    conn.send(new pg.Query({ queryString: 'SELECT n FROM t' }));
    let seen = 0;
    let sum = 0;
    await new Promise<void>((resolve, reject) => {
      const sock = net.connect({
        host: '127.0.0.1',
        port: (server.address() as net.AddressInfo).port,
        onread: conn.socketReader(() => {
          for (;;) {
            const b = conn.readRowBatch();
            if (b !== null) {
              for (let r = 0; r < b.rowCount; r++) sum += Number(b.text(r, 0));
              seen += b.rowCount;
              continue;
            }
            if (conn.readFrame() === null) break;
          }
        }),
      });
      sock.on('end', () => resolve());
      sock.on('error', reject);
    });
    server.close();
    expect(seen).toBe(rows);
    expect(sum).toBe((rows * (rows - 1)) / 2);
    expect(conn.phase).toBe(pg.ConnectionPhase.READY);
    expect(conn.engine).toBe(engine);
  });

  it.each(ENGINES)('a socket reads straight into the %s decoder, batches decoded in place', async (engine) => {
    const rows = 20000;
    const parts: Uint8Array[] = [new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'n', typeOid: 25 })] }).toWire()];
    for (let i = 0; i < rows; i++) parts.push(new pg.DataRow({ columns: [`value ${i} ${'x'.repeat(i % 50)}`] }).toWire());
    parts.push(new pg.CommandComplete({ tag: `SELECT ${rows}` }).toWire(), new pg.ReadyForQuery({ status: 'I' }).toWire());
    const stream = Buffer.concat(parts);

    const server = net.createServer((s) => {
      for (let i = 0; i < stream.length; i += 50_000) s.write(stream.subarray(i, i + 50_000));
      s.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;

    const d = unforced(() => new pg.BackendMessageDecoder({ engine, phase: pg.ConnectionPhase.READY }));
    const seen: string[] = [];
    let last = '';
    const done = new Promise<void>((resolve, reject) => {
      const sock = net.connect({
        host: '127.0.0.1',
        port,
        onread: d.socketReader(() => {
          for (;;) {
            const b = d.readRowBatch();
            if (b !== null) {
              for (let r = 0; r < b.rowCount; r++) seen.push(b.text(r, 0)!);
              continue;
            }
            const m = d.read();
            if (m === null) break;
            last = m.type;
          }
        }),
      });
      sock.on('end', () => resolve());
      sock.on('error', reject);
    });
    await done;
    server.close();
    expect(seen.length).toBe(rows);
    expect(seen[12345]).toBe(`value 12345 ${'x'.repeat(12345 % 50)}`);
    expect(last).toBe('ReadyForQuery');
    // Nothing was copied in: only unfinished tail frames were moved.
    expect(d.bytesCopied).toBeLessThan(stream.length / 10);
  });
});
