/**
 * Back-pressure from the upstream side, and half-close: an upstream (a
 * server made of pgcodec's BackendConnection, strict) that stops reading in
 * the middle of a COPY FROM STDIN. The proxy must stop reading the client
 * (so the client's own writes stall and the proxy's memory stays bounded),
 * then carry every byte once the upstream reads again; a client's FIN after
 * Terminate reaches the upstream as a FIN.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { startProxy, type PgProxy } from '@pgcodec/proxy';
import * as pg from 'pgcodec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RFQ_IDLE = Buffer.from(new pg.ReadyForQuery({ status: 'I' }).toWire());
const COPY_IN = 0x47; // 'G'

/** Waits until `cond()` holds, polling. */
async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('back-pressure from the upstream, and half-close', () => {
  let upstream: Server;
  let proxy: PgProxy;
  /** The upstream's side of the one session: its socket, the CopyData bytes it took, whether it saw the client's FIN. */
  const seen = { socket: null as Socket | null, copyBytes: 0, copyDone: false, fin: false, errors: [] as unknown[] };

  beforeAll(async () => {
    upstream = createServer({ allowHalfOpen: true }, (sock) => {
      seen.socket = sock;
      const be = new pg.BackendConnection();
      sock.on('end', () => {
        seen.fin = true;
        sock.end();
      });
      sock.on('data', (d) => {
        try {
          for (const m of be.receive(d)) {
            if (m instanceof pg.StartupMessage) {
              sock.write(be.send(new pg.AuthenticationOk()));
              sock.write(be.send(new pg.BackendKeyData({ processId: 7, secretKey: new Uint8Array([1, 2, 3, 4]) })));
              sock.write(be.send(new pg.ReadyForQuery({ status: 'I' })));
            } else if (m instanceof pg.Query) {
              sock.write(be.send(new pg.CopyInResponse({ overallFormat: 0, colFormats: [0] })));
              sock.pause(); // and now, read nothing
            } else if (m instanceof pg.CopyData) {
              seen.copyBytes += m.data.length;
            } else if (m instanceof pg.CopyDone) {
              seen.copyDone = true;
              sock.write(be.send(new pg.CommandComplete({ tag: 'COPY 1' })));
              sock.write(be.send(new pg.ReadyForQuery({ status: 'I' })));
            }
          }
        } catch (e) {
          seen.errors.push(e);
        }
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const a = upstream.address() as { port: number };
    proxy = await startProxy({ upstream: { host: '127.0.0.1', port: a.port } });
  });
  afterAll(async () => {
    await proxy?.close();
    upstream?.close();
  });

  it('an upstream that stops reading mid-COPY: the proxy stops reading the client, memory stays bounded, every byte arrives once it reads again', async () => {
    const sock = connect(proxy.address.port, '127.0.0.1');
    const got: Buffer[] = [];
    sock.on('data', (d) => got.push(d));
    sock.write(new pg.StartupMessage({ params: { user: 'u', database: 'd' } }).toWire());
    await until(() => Buffer.concat(got).includes(RFQ_IDLE), 'ReadyForQuery');
    const session = [...proxy.sessions][0]!;
    sock.write(new pg.Query({ queryString: 'COPY t FROM STDIN' }).toWire());
    await until(() => Buffer.concat(got).includes(COPY_IN), 'CopyInResponse');

    // Write 1 MiB CopyData messages, honouring our own socket's back-pressure, until the proxy stops taking them.
    const row = new pg.CopyData({ data: new Uint8Array(1 << 20).fill(0x61) }).toWire();
    let sent = 0;
    let stalled = false;
    const rss0 = process.memoryUsage().rss;
    const target = 256 << 20;
    const writer = (async () => {
      while (sent < target) {
        if (!sock.write(row)) {
          stalled = true;
          await new Promise((r) => sock.once('drain', r));
        }
        sent += row.length - 5;
      }
      sock.write(new pg.CopyDone().toWire());
    })();
    await until(() => session.readingPaused.client, 'the proxy to pause the client side');
    await until(() => stalled, "the client's writes to stall");
    await new Promise((r) => setTimeout(r, 300));
    const heldBack = sent;
    console.log(`upstream not reading: the client got ${(heldBack / 1048576).toFixed(0)} MiB in before its writes stalled; proxy-process RSS +${((process.memoryUsage().rss - rss0) / 1e6).toFixed(0)} MB`);
    expect(heldBack).toBeLessThan(64 << 20); // what the kernel buffers and one read hold, not the 256 MiB
    expect(process.memoryUsage().rss - rss0).toBeLessThan(96 << 20);
    expect(seen.copyBytes).toBe(0);

    seen.socket!.resume(); // the upstream reads again
    await writer;
    await until(() => seen.copyDone, 'CopyDone upstream', 120_000);
    expect(seen.copyBytes).toBe(target);
    await until(() => Buffer.concat(got).subarray(-6).equals(RFQ_IDLE), 'the ReadyForQuery after the COPY');
    expect(session.readingPaused).toEqual({ client: false, server: false });

    // Half-close: Terminate, then FIN; the upstream sees the FIN and closes; the session ends.
    sock.end(new pg.Terminate().toWire());
    await until(() => seen.fin, 'the FIN upstream');
    await until(() => session.finished, 'the session to end');
    expect(seen.errors).toEqual([]);
    expect(proxy.errors).toEqual([]);
  }, 180_000);
});
