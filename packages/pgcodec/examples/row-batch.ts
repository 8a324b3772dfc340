// Bulk result sets: take runs of DataRows as one batch over the scan's
// column table, and read only what you need. Views are valid until the next
// feed(); decode with { owned: true } to keep them longer.
import { BackendMessageDecoder, ConnectionPhase, DataRow, FieldDescription, RowDescription } from 'pgcodec';

const parts = [new RowDescription({ fields: [new FieldDescription({ name: 'id', typeOid: 23 }), new FieldDescription({ name: 'name', typeOid: 25 })] }).toWire()];
for (const [id, name] of [['1', 'ada'], ['2', null], ['3', 'grâce']]) parts.push(new DataRow({ columns: [id, name] }).toWire());
const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);

const decoder = new BackendMessageDecoder({ phase: ConnectionPhase.READY });
decoder.feed(bytes);
decoder.read(); // the RowDescription
const batch = decoder.readRowBatch()!;
console.log(batch.rowCount, 'rows of', batch.description?.fields.map((f) => f.name).join(', '));
console.log(batch.text(2, 1), batch.isNull(1, 1), batch.bytes(0, 0));
console.log(batch.strings()); // every value as a string: one batch decode
/* Output:
3 rows of id, name
grâce true Uint8Array(1) [ 49 ]
[ [ '1', 'ada' ], [ '2', null ], [ '3', 'grâce' ] ]
*/
