// An ES module consumer: named imports from every entry point, types used.
import { BackendMessageDecoder, ConnectionPhase, DataRow, FrontendConnection, Query, type AnyBackendMessage } from 'pgcodec';
import { ScramClient } from 'pgcodec/auth';
import { RowDescription } from 'pgcodec/messages';

const decoder: BackendMessageDecoder = new BackendMessageDecoder({ phase: ConnectionPhase.READY });
const first: AnyBackendMessage | null = decoder.read();
if (first?.type === 'DataRow') {
  const row: DataRow = first;
  const text: string | null = row.text(0);
  void text;
}
const wire: Uint8Array = new FrontendConnection().send(new Query({ queryString: 'SELECT 1' }));
const scram: ScramClient = new ScramClient({ password: 'x' });
const fields: readonly unknown[] = new RowDescription({ fields: [] }).fields;
export { wire, scram, fields };
