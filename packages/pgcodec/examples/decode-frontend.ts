// Server or proxy side: decode what a client sends. The decoder is
// phase-aware: startup packets first, standard messages once the phase moves on.
import { ConnectionPhase, FrontendMessageDecoder, Query, StartupMessage } from 'pgcodec';

const decoder = new FrontendMessageDecoder();

decoder.feed(new StartupMessage({ params: { user: 'postgres', database: 'mydb' } }).toWire());
for (const msg of decoder) {
  if (msg instanceof StartupMessage) console.log(`Client connecting: user=${msg.params.user}`);
}

// Used standalone, the decoder follows the phase you set; Connection classes do this for you.
decoder.phase = ConnectionPhase.AUTHENTICATING;
decoder.phase = ConnectionPhase.READY;

decoder.feed(new Query({ queryString: 'SELECT 1' }).toWire());
for (const msg of decoder) {
  if (msg instanceof Query) console.log(`Query: ${msg.queryString}`);
}
/* Output:
Client connecting: user=postgres
Query: SELECT 1
*/
