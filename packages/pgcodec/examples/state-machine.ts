// Tracking connection state: the state machine checks that messages are sent
// and received in an order the protocol allows, and knows the phase.
import {
  AuthenticationOk,
  BackendKeyData,
  FrontendStateMachine,
  ParameterStatus,
  Query,
  ReadyForQuery,
  StartupMessage,
  StateMachineError,
  TransactionStatus,
} from 'pgcodec';

const sm = new FrontendStateMachine();

// Track what you send
sm.send(new StartupMessage({ params: { user: 'postgres', database: 'mydb' } }));
console.log(sm.phase);

// Track what you receive
sm.receive(new AuthenticationOk());
sm.receive(new ParameterStatus({ name: 'server_version', value: '15.0' }));
sm.receive(new BackendKeyData({ processId: 1234, secretKey: new Uint8Array([0, 0, 0, 1]) }));
sm.receive(new ReadyForQuery({ status: TransactionStatus.IDLE }));
console.log(sm.phase);

sm.send(new Query({ queryString: 'SELECT 1' }));
console.log(sm.phase);

// Messages invalid in the current phase raise StateMachineError
try {
  sm.send(new StartupMessage({ params: { user: 'again' } }));
} catch (e) {
  if (e instanceof StateMachineError) console.log(e.origin, e.message.split(';')[0]);
}
/* Output:
AUTHENTICATING
READY
SIMPLE_QUERY
local FrontendStateMachine cannot send StartupMessage in phase SIMPLE_QUERY
*/
