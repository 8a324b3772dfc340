// Proxies: look at raw frames and forward their bytes without decoding;
// decode only the ones you care about.
import { BackendMessageDecoder, CommandComplete, ConnectionPhase, DataRow, ReadyForQuery } from 'pgcodec';

const fromServer = new Uint8Array([
  ...new DataRow({ columns: ['1', 'alice'] }).toWire(),
  ...new DataRow({ columns: ['2', null] }).toWire(),
  ...new CommandComplete({ tag: 'SELECT 2' }).toWire(),
  ...new ReadyForQuery({ status: 'I' }).toWire(),
]);

const decoder = new BackendMessageDecoder({ phase: ConnectionPhase.READY });
decoder.feed(fromServer);
let forwarded = 0;
for (const frame of decoder.frames()) {
  forwarded += frame.bytes.length; // e.g. client.write(frame.bytes.slice()): views last until the next feed
  if (frame.typeCode === 'C') console.log('command done:', (frame.decode() as CommandComplete).tag);
}
console.log(`forwarded ${forwarded} of ${fromServer.length} bytes; engine: ${decoder.engine}`);
/* Output:
command done: SELECT 2
forwarded 57 of 57 bytes; engine: wasm
*/
