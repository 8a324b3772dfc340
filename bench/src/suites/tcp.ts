/**
 * End to end over loopback: a node:net server in a worker thread (so it has
 * the other core) writes the workload; the client consumes the socket's
 * buffers as they arrive. Connections are made once per workload and
 * reused: each pass the client asks with one byte and the server answers
 * with the whole stream. Variants with a socket session get their own
 * connection that reads straight into their decoder.
 */
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import type { SocketSession, Variant } from '../contenders/types.ts';
import type { Progress } from '../progress.ts';
import type { Row } from '../results.ts';
import type { Workload } from '../workloads/index.ts';
import { compare, inOrder, type Entry, type SlotPlan } from './compare.ts';

// The server: plain JS evaluated in the worker. Each byte received asks for one copy of the stream.
const SERVER = `
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
let stream = Buffer.alloc(0);
const server = net.createServer((sock) => {
  sock.setNoDelay(true);
  sock.on('data', (req) => { for (let i = 0; i < req.length; i++) sock.write(stream); });
  sock.on('error', () => {});
});
parentPort.on('message', (msg) => {
  if (msg.type === 'stream') { stream = Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength); parentPort.postMessage({ type: 'ready' }); }
  if (msg.type === 'close') server.close(() => process.exit(0));
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
`;

export interface Server {
  port: number;
  load(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

function startServer(): Promise<Server> {
  const worker = new Worker(SERVER, { eval: true });
  const next = (type: string) =>
    new Promise<{ port?: number }>((resolve, reject) => {
      const onMsg = (m: { type: string; port?: number }) => {
        if (m.type === type) {
          worker.off('message', onMsg);
          worker.off('error', reject);
          resolve(m);
        }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
  return next('listening').then(({ port }) => ({
    port: port!,
    async load(bytes) {
      const ready = next('ready');
      worker.postMessage({ type: 'stream', bytes });
      await ready;
    },
    async close() {
      worker.postMessage({ type: 'close' });
      await new Promise((r) => worker.once('exit', r));
    },
  }));
}

/** A client connection that runs one session per request. */
class Client {
  private onData: ((chunk: Buffer) => void) | null = null;
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (chunk: Buffer) => this.onData?.(chunk));
  }

  static connect(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port }, () => resolve(new Client(sock)));
      sock.setNoDelay(true);
      sock.once('error', reject);
    });
  }

  /** Asks for the stream and feeds every buffer the socket delivers to `feed` until `total` bytes came. */
  pass(total: number, feed: (chunk: Buffer) => void): Promise<void> {
    return new Promise((resolve) => {
      let got = 0;
      this.onData = (chunk) => {
        feed(chunk);
        got += chunk.length;
        if (got >= total) {
          this.onData = null;
          resolve();
        }
      };
      this.sock.write(REQUEST);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}
const REQUEST = Buffer.from([1]);

/** A socket whose reads go straight into `session` (onread); `wait(n)` resolves once n bytes came in all. */
async function connectDirect(port: number, session: SocketSession) {
  let waiter: { target: number; resolve: () => void } | null = null;
  const callback = session.onread.callback;
  const onread = {
    buffer: session.onread.buffer,
    callback: (nread: number) => {
      const r = callback(nread);
      if (waiter !== null && session.received >= waiter.target) {
        const w = waiter;
        waiter = null;
        w.resolve();
      }
      return r;
    },
  };
  const sock = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, onread }, () => resolve(s));
    s.once('error', reject);
  });
  sock.setNoDelay(true);
  const wait = (target: number) =>
    session.received >= target ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { target, resolve }));
  return { sock, session, wait };
}

export interface TcpOptions {
  plan: SlotPlan;
  progress: Progress;
}

/** Starts the server (a worker thread) for a run of workloads; close it when done. */
export const tcpServer = startServer;

/** Measures one workload over loopback: every variant that has a session, interleaved. */
export async function tcpOf(server: Server, w: Workload, variants: readonly Variant[], o: TcpOptions): Promise<Row[]> {
  const where = { suite: 'tcp' as const, workload: w, chunking: 'tcp' as const };
  const out: Row[] = [];
  await server.load(w.bytes);
  const client = await Client.connect(server.port);
  const sockets: net.Socket[] = [];
  try {
    const entries: Entry[] = [];
    for (const v of variants) {
      if (!v.supports(w) || (!v.socket && !v.open)) continue;
      if (v.socket) {
        // the socket reads straight into the decoder: no 'data' buffers, no copy in
        const direct = await connectDirect(server.port, v.socket(w));
        sockets.push(direct.sock);
        entries.push({
          variant: v,
          run: async () => {
            direct.session.begin();
            const target = direct.session.received + w.bytes.length;
            direct.sock.write(REQUEST);
            await direct.wait(target);
            return direct.session.end();
          },
        });
      } else {
        const open = v.open!;
        entries.push({
          variant: v,
          run: async () => {
            const s = open(w);
            await client.pass(w.bytes.length, (chunk) => s.feed(chunk));
            return s.end();
          },
        });
      }
    }
    const measured = await compare(where, entries, o.plan, (done, total) => o.progress.update(`${w.name} tcp`, done, total));
    out.push(...inOrder(where, variants, entries, measured));
  } finally {
    client.close();
    for (const s of sockets) s.destroy();
  }
  return out;
}
