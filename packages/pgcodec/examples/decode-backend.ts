// Client side: decode what the server sends. Partial messages are buffered
// until the rest arrives; iterate to pull every complete message.
import { AuthenticationOk, BackendMessageDecoder, DataRow, ReadyForQuery, TransactionStatus } from 'pgcodec';

const decoder = new BackendMessageDecoder();
const bytes = new Uint8Array([
  ...new AuthenticationOk().toWire(),
  ...new DataRow({ columns: ['42', null, 'héllo'] }).toWire(),
  ...new ReadyForQuery({ status: TransactionStatus.IDLE }).toWire(),
]);

decoder.feed(bytes.subarray(0, 12)); // half a DataRow
for (const msg of decoder) console.log('Decoded:', msg.type);
console.log('buffered:', decoder.buffered);

decoder.feed(bytes.subarray(12));
for (const msg of decoder) {
  if (msg instanceof DataRow) {
    // touch single values without building the whole row
    console.log('DataRow:', msg.columnCount, 'columns;', msg.text(0), msg.isNull(1), msg.text(2));
  } else {
    console.log('Decoded:', msg.type);
  }
}
/* Output:
Decoded: AuthenticationOk
buffered: 3
DataRow: 3 columns; 42 true héllo
Decoded: ReadyForQuery
*/
