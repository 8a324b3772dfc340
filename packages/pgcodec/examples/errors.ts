// Bad bytes never crash: they raise a typed ProtocolError with a stable code,
// the message type and the stream offset; messages before it were delivered.
import { BackendMessageDecoder, CommandComplete, DecodingError, ProtocolError } from 'pgcodec';

const decoder = new BackendMessageDecoder();
decoder.feed(new CommandComplete({ tag: 'SELECT 1' }).toWire());
// a DataRow that claims 2 columns but carries 5 bytes
decoder.feed(new Uint8Array([0x44, 0, 0, 0, 11, 0, 2, 0, 0, 0, 1, 0x41]));

try {
  for (const msg of decoder) console.log('Decoded:', msg.type);
} catch (e) {
  if (e instanceof ProtocolError) {
    console.log(e instanceof DecodingError, e.code, e.messageType, e.offset);
  }
}
try {
  decoder.read();
} catch (e) {
  console.log((e as ProtocolError).code);
}
/* Output:
Decoded: CommandComplete
true ERR_TRUNCATED D 19
ERR_DECODER_FAILED
*/
