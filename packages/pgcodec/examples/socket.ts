// Socket ingestion without the copy: the socket reads straight into the
// decoder's buffer (WebAssembly memory), and each read is scanned in place.
import net from 'node:net';
import { BackendMessageDecoder, CommandComplete, ConnectionPhase, DataRow } from 'pgcodec';

// A stand-in server that sends 10000 rows and a CommandComplete.
const server = net.createServer((socket) => {
  for (let i = 0; i < 10000; i++) socket.write(new DataRow({ columns: [String(i), 'row'] }).toWire());
  socket.end(new CommandComplete({ tag: 'SELECT 10000' }).toWire());
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

const decoder = new BackendMessageDecoder({ phase: ConnectionPhase.READY });
let rows = 0;
const socket = net.connect({
  port: (server.address() as net.AddressInfo).port,
  host: '127.0.0.1',
  onread: decoder.socketReader(() => {
    for (;;) {
      const batch = decoder.readRowBatch(); // the DataRows at the head, if any
      if (batch !== null) {
        rows += batch.rowCount;
        continue;
      }
      const msg = decoder.read(); // anything else
      if (msg === null) break;
      if (msg instanceof CommandComplete) console.log(`${msg.tag}: counted ${rows} rows`);
    }
  }),
});
await new Promise((resolve) => socket.on('end', resolve));
server.close();
/* Output:
SELECT 10000: counted 10000 rows
*/
