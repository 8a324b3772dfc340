// Authentication arithmetic, for clients and servers: MD5 and SCRAM-SHA-256
// (with SASLprep and verification of the server's signature).
import { md5Password, ScramClient, ScramServer, scramVerifier } from 'pgcodec/auth';

// MD5: what the client answers to AuthenticationMD5Password
console.log(md5Password('postgres', 'secret', new Uint8Array([1, 2, 3, 4])));

// SCRAM: a server holding the verifier pg_authid would store, and a client
const verifier = await scramVerifier('pencil', { iterations: 4096 });
console.log(verifier.split('$')[0]);
const client = new ScramClient({ password: 'pencil' });
const server = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256' });

const serverFirst = server.serverFirstMessage(client.clientFirstMessage()); // SASLInitialResponse → SASLContinue
const clientFinal = await client.clientFinalMessage(serverFirst); //              → SASLResponse
const serverFinal = await server.serverFinalMessage(clientFinal); //              → SASLFinal (throws on a wrong password)
client.verifyServerFinal(serverFinal); //                                         throws unless the server knew the password
console.log('server verified:', client.verified);
/* Output:
md5bb41a296aab6baccb36ff243a562abff
SCRAM-SHA-256
server verified: true
*/
