// Using a Connection: decoder and state machine together. send() validates
// and returns wire bytes; receive() decodes, validates and returns messages.
import {
  AuthenticationOk,
  BackendKeyData,
  FrontendConnection,
  ParameterStatus,
  ReadyForQuery,
  StartupMessage,
  TransactionStatus,
} from 'pgcodec';

const conn = new FrontendConnection();

const wireBytes = conn.send(new StartupMessage({ params: { user: 'postgres', database: 'mydb' } }));
console.log(`sent ${wireBytes.length} bytes; phase ${conn.phase}`);

const serverData = new Uint8Array([
  ...new AuthenticationOk().toWire(),
  ...new ParameterStatus({ name: 'server_version', value: '15.0' }).toWire(),
  ...new BackendKeyData({ processId: 1234, secretKey: new Uint8Array([0, 0, 0, 1]) }).toWire(),
  ...new ReadyForQuery({ status: TransactionStatus.IDLE }).toWire(),
]);

for (const msg of conn.receive(serverData)) {
  console.log(`Received: ${msg.type}`);
}
console.log(conn.phase);
/* Output:
sent 37 bytes; phase AUTHENTICATING
Received: AuthenticationOk
Received: ParameterStatus
Received: BackendKeyData
Received: ReadyForQuery
READY
*/
