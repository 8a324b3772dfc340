// What a user's code does with the packed pgcodec, on any runtime: decode a
// result set, run a SCRAM exchange on WebCrypto, catch a protocol error; the
// report is compared across runtimes by consumers.test.ts.
export async function check(pg, auth) {
  const fields = [new pg.FieldDescription({ name: 'id', typeOid: 23 }), new pg.FieldDescription({ name: 'name', typeOid: 25 })];
  const wire = [
    new pg.RowDescription({ fields }),
    new pg.DataRow({ columns: ['1', 'ada'] }),
    new pg.DataRow({ columns: ['2', null] }),
    new pg.DataRow({ columns: ['3', 'grâce'] }),
    new pg.CommandComplete({ tag: 'SELECT 3' }),
    new pg.ReadyForQuery({ status: pg.TransactionStatus.IDLE }),
  ].map((m) => m.toWire());
  const bytes = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
  wire.reduce((at, w) => (bytes.set(w, at), at + w.length), 0);
  const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.READY });
  d.feed(bytes);
  const rows = [];
  for (const m of d) if (m instanceof pg.DataRow) rows.push([m.text(0), m.text(1)]);

  const verifier = await auth.scramVerifier('pencil', { iterations: 4096 });
  const client = new auth.ScramClient({ password: 'pencil' });
  const server = new auth.ScramServer({ verifier, mechanism: 'SCRAM-SHA-256' });
  const clientFinal = await client.clientFinalMessage(server.serverFirstMessage(client.clientFirstMessage()));
  client.verifyServerFinal(await server.serverFinalMessage(clientFinal));

  let error = null;
  try {
    d.feed(Uint8Array.of(0x44, 0, 0, 0, 1)); // a DataRow whose length is below 4
    d.read();
  } catch (e) {
    error = { name: e.name, code: e.code, isProtocolError: e instanceof pg.ProtocolError };
  }
  return {
    version: pg.version,
    engine: d.engine,
    rows,
    scramVerified: client.verified,
    error,
    frontendMessage: new pg.Query({ queryString: 'SELECT 1' }) instanceof pg.FrontendMessage,
  };
}
