// A complete client over node:net: SCRAM-SHA-256 (PostgreSQL's default),
// MD5 or cleartext authentication, a query, and a loud failure on any error
// the server reports. Reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
// needs: postgres
import net from 'node:net';
import {
  AuthenticationCleartextPassword,
  AuthenticationMD5Password,
  AuthenticationSASL,
  AuthenticationSASLContinue,
  AuthenticationSASLFinal,
  DataRow,
  ErrorResponse,
  FrontendConnection,
  PasswordMessage,
  Query,
  SASLInitialResponse,
  SASLResponse,
  StartupMessage,
  Terminate,
  type AnyBackendMessage,
} from 'pgcodec';
import { ScramClient, chooseScramMechanism, md5Password } from 'pgcodec/auth';

/** A FrontendConnection that writes to a socket and reads from it on demand. */
class SocketConnection extends FrontendConnection {
  private readonly chunks: Buffer[] = [];
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(readonly sock: net.Socket) {
    super();
    sock.on('data', (chunk) => {
      this.chunks.push(chunk);
      this.wake?.();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  // Automatically send data to the socket.
  override onSend(data: Uint8Array): void {
    this.sock.write(data);
  }

  // Wait for data and return the messages it completes; a server error is thrown.
  async recvMessages(): Promise<AnyBackendMessage[]> {
    while (this.chunks.length === 0) {
      if (this.closed) throw new Error('the server closed the connection');
      await new Promise<void>((r) => (this.wake = r));
    }
    const msgs = [...this.receive(this.chunks.shift()!)];
    const error = msgs.find((m) => m instanceof ErrorResponse);
    if (error) throw error.toError();
    return msgs;
  }
}

const env = process.env;
const user = env.PGUSER ?? 'postgres';
const password = env.PGPASSWORD ?? '';
const sock = net.connect({ host: env.PGHOST ?? 'localhost', port: Number(env.PGPORT ?? 5432) });
await new Promise((r) => sock.once('connect', r));
const conn = new SocketConnection(sock);

try {
  // 1. Send startup
  conn.send(new StartupMessage({ params: { user, database: env.PGDATABASE ?? 'postgres' } }));

  // 2. Answer what the server asks for
  let scram: ScramClient | null = null;
  while (!conn.isReady) {
    for (const msg of await conn.recvMessages()) {
      if (msg instanceof AuthenticationSASL) {
        const mechanism = chooseScramMechanism(msg.mechanisms, { canBind: false });
        scram = new ScramClient({ password, mechanism });
        conn.send(new SASLInitialResponse({ mechanism, data: scram.clientFirstMessage() }));
      } else if (msg instanceof AuthenticationSASLContinue) {
        conn.send(new SASLResponse({ data: await scram!.clientFinalMessage(msg.data) }));
      } else if (msg instanceof AuthenticationSASLFinal) {
        scram!.verifyServerFinal(msg.data); // throws unless the server knew the password
      } else if (msg instanceof AuthenticationMD5Password) {
        conn.send(new PasswordMessage({ password: md5Password(user, password, msg.salt) }));
      } else if (msg instanceof AuthenticationCleartextPassword) {
        conn.send(new PasswordMessage({ password }));
      }
    }
  }

  // 3. Send a query
  conn.send(new Query({ queryString: 'SELECT 1 AS num' }));

  // 4. Read results
  while (!conn.isReady) {
    for (const msg of await conn.recvMessages()) {
      if (msg instanceof DataRow) console.log('Result:', [msg.text(0)]);
    }
  }

  // 5. Disconnect
  conn.send(new Terminate());
  sock.end();
} catch (e) {
  // Fail loudly: what went wrong, and a non-zero exit.
  console.error('error:', e instanceof Error ? e.message : e);
  process.exitCode = 1;
  sock.destroy();
}
/* Output:
Result: [ '1' ]
*/
