// A complete client over node:net with MD5 authentication, adding I/O through
// the connection's hooks. Reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
// needs: postgres
import net from 'node:net';
import {
  AuthenticationMD5Password,
  DataRow,
  FrontendConnection,
  PasswordMessage,
  Query,
  StartupMessage,
  Terminate,
  type BackendMessage,
} from 'pgcodec';
import { md5Password } from 'pgcodec/auth';

/** A FrontendConnection that writes to a socket and reads from it on demand. */
class SocketConnection extends FrontendConnection {
  private readonly chunks: Buffer[] = [];
  private wake: (() => void) | null = null;

  constructor(readonly sock: net.Socket) {
    super();
    sock.on('data', (chunk) => {
      this.chunks.push(chunk);
      this.wake?.();
    });
  }

  // Automatically send data to the socket.
  override onSend(data: Uint8Array): void {
    this.sock.write(data);
  }

  // Convenience: wait for data and return the messages it completes.
  async recvMessages(): Promise<Iterable<BackendMessage>> {
    while (this.chunks.length === 0) await new Promise<void>((r) => (this.wake = r));
    return this.receive(this.chunks.shift()!);
  }
}

const env = process.env;
const user = env.PGUSER ?? 'postgres';
const sock = net.connect({ host: env.PGHOST ?? 'localhost', port: Number(env.PGPORT ?? 5432) });
await new Promise((r) => sock.once('connect', r));
const conn = new SocketConnection(sock);

// 1. Send startup
conn.send(new StartupMessage({ params: { user, database: env.PGDATABASE ?? 'postgres' } }));

// 2. Handle authentication
while (!conn.isReady) {
  for (const msg of await conn.recvMessages()) {
    if (msg instanceof AuthenticationMD5Password) {
      conn.send(new PasswordMessage({ password: md5Password(user, env.PGPASSWORD ?? '', msg.salt) }));
    }
  }
}

// 3. Send a query
conn.send(new Query({ queryString: 'SELECT 1 AS num' }));

// 4. Read results
while (!conn.isReady) {
  for (const msg of await conn.recvMessages()) {
    if (msg instanceof DataRow) console.log('Result:', msg.columns.map((c) => c && new TextDecoder().decode(c)));
  }
}

// 5. Disconnect
conn.send(new Terminate());
sock.end();
/* Output:
Result: [ '1' ]
*/
