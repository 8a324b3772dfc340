/**
 * Child of the proxy suite: the plain Node proxy every protocol-aware one
 * is measured against, `socket.pipe` both ways and nothing else. Prints
 * `{"port": n}` once listening; runs until killed.
 */
import { connect, createServer } from 'node:net';
import { childArgs } from './run.ts';

const { host, port } = childArgs<{ host: string; port: number }>();
const server = createServer({ noDelay: true }, (client) => {
  const upstream = connect({ host, port, noDelay: true });
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  console.log(JSON.stringify({ port: typeof a === 'object' && a !== null ? a.port : 0 }));
});
