// Protocol 3.2 (PostgreSQL 18) is asked for in the StartupMessage; the server
// answers with a longer cancel key (its length is the server's choice).
// Reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (an MD5 user).
// needs: postgres 18
import net from 'node:net';
import { AuthenticationMD5Password, BackendKeyData, FrontendConnection, PasswordMessage, StartupMessage, StartupRequestCode, Terminate } from 'pgcodec';
import { md5Password } from 'pgcodec/auth';

const env = process.env;
const user = env.PGUSER ?? 'postgres';
const sock = net.connect({ host: env.PGHOST ?? 'localhost', port: Number(env.PGPORT ?? 5432) });
const conn = new FrontendConnection();

sock.on('data', (chunk) => {
  for (const msg of conn.receive(chunk)) {
    if (msg instanceof AuthenticationMD5Password) {
      sock.write(conn.send(new PasswordMessage({ password: md5Password(user, env.PGPASSWORD ?? '', msg.salt) })));
    } else if (msg instanceof BackendKeyData) {
      console.log(`protocol 3.2: a cancel key of ${msg.secretKey.length} bytes`);
    }
  }
  if (conn.isReady) sock.end(conn.send(new Terminate()));
});

const startup = new StartupMessage({ protocolVersion: StartupRequestCode.V3_2, params: { user, database: env.PGDATABASE ?? 'postgres' } });
sock.write(conn.send(startup));
/* Output:
protocol 3.2: a cancel key of 32 bytes
*/
