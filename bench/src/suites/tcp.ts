/**
 * End to end over loopback: a node:net server in a worker thread (so it has
 * the other core) writes the workload; the client decodes the socket's
 * buffers as they arrive. One connection per workload, reused: each pass the
 * client asks with one byte and the server answers with the whole stream.
 */
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { addRatios, type Measurement } from '../results.ts';
import { rates } from '../stats.ts';
import { crossCheck, fmtMBps, time, type TimingOptions } from './common.ts';
import type { Plan } from './plan.ts';
import type { SocketSession } from '../contenders/types.ts';

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

interface Server {
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

export async function runTcp(p: Plan, o: TimingOptions): Promise<Measurement[]> {
  const out: Measurement[] = [...p.unsupported];
  const server = await startServer();
  try {
    for (const w of new Set(p.tasks.map((t) => t.workload))) {
      await server.load(w.bytes);
      const client = await Client.connect(server.port);
      try {
        for (const t of p.tasks.filter((t) => t.workload === w)) {
          let direct: { sock: net.Socket; session: SocketSession; wait: (n: number) => Promise<void> } | null = null;
          if (t.contender.socket) direct = await connectDirect(server.port, t.contender.socket(w, t.mode));
          const fn = async () => {
            if (direct !== null) {
              // The socket reads straight into the decoder: no 'data' buffers, no copy in.
              direct.session.begin();
              const target = direct.session.received + w.bytes.length;
              direct.sock.write(REQUEST);
              await direct.wait(target);
              return direct.session.end();
            }
            const s = t.contender.open(w, t.mode);
            await client.pass(w.bytes.length, (chunk) => s.feed(chunk));
            return s.end();
          };
          crossCheck(t.label, t.contender, w, await fn());
          const samples = await time(t.label, fn, o);
          const r = rates(samples, w.bytes.length, w.units);
          out.push({ suite: 'tcp', workload: w.name, chunking: 'tcp', contender: t.contender.name, mode: t.shownAs, supported: true, ...r });
          o.log(`  ${t.label.padEnd(44)} ${fmtMBps(r.mbps.median).padStart(8)} MB/s ±${r.spreadPct.toFixed(1)}% (${r.samples} samples)`);
          direct?.sock.destroy();
        }
      } finally {
        client.close();
      }
    }
  } finally {
    await server.close();
  }
  addRatios(out);
  return out;
}
