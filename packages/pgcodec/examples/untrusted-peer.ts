// On an untrusted boundary: encoders refuse values the peer would read
// differently, decoders refuse plaintext after an encryption request and
// frames over PostgreSQL's limits, from the header, before buffering them.
import { BackendConnection, ConnectionPhase, EncodingError, ErrorCode, ProtocolError, SSLRequest, StartupMessage } from 'pgcodec';

// A NUL would end the value and smuggle in an 'options' parameter: refused, no bytes produced.
try {
  new StartupMessage({ params: { user: 'app', application_name: 'x\0options\0-c search_path=evil' } }).toWire();
} catch (e) {
  if (e instanceof EncodingError) console.log(e.code, e.messageType, e.field);
}

// Bytes pipelined behind an SSLRequest arrived in the clear: the request, then an error.
const server = new BackendConnection();
const startup = new StartupMessage({ params: { user: 'app' } }).toWire();
try {
  for (const msg of server.receive(new Uint8Array([...new SSLRequest().toWire(), ...startup]))) console.log('Received:', msg.type);
} catch (e) {
  if (e instanceof ProtocolError) console.log(e.code === ErrorCode.UNENCRYPTED_DATA, e.messageType, e.offset);
}

// During SASL a 'p' message may be 1024 bytes (PG_MAX_SASL_MESSAGE_LENGTH): a header claiming 1 GiB fails at once.
const scram = new BackendConnection({ initialPhase: ConnectionPhase.AUTHENTICATING_SASL_INITIAL });
try {
  scram.receive(new Uint8Array([0x70, 0x3f, 0xff, 0xff, 0xfe]));
} catch (e) {
  if (e instanceof ProtocolError) console.log(e.code, `buffered ${scram.buffered} bytes`);
}
/* Output:
ERR_NUL_IN_STRING StartupMessage params
Received: SSLRequest
true SSLRequest 8
ERR_LENGTH_TOO_LARGE buffered 5 bytes
*/
