// Encoding: every message has toWire(), which returns the complete wire bytes.
import { Query, StartupMessage, Terminate } from 'pgcodec';

const query = new Query({ queryString: 'SELECT * FROM users WHERE id = 1' });
console.log('Query wire bytes:', Buffer.from(query.toWire()).toString('hex'));

const startup = new StartupMessage({ params: { user: 'postgres', database: 'mydb' } });
console.log(`Startup wire bytes (${startup.toWire().length} bytes)`);

console.log('Terminate wire bytes:', Buffer.from(new Terminate().toWire()).toString('hex'));
/* Output:
Query wire bytes: 510000002553454c454354202a2046524f4d207573657273205748455245206964203d203100
Startup wire bytes (37 bytes)
Terminate wire bytes: 5800000004
*/
