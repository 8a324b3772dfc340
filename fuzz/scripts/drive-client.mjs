// Drives one PostgreSQL client library against a server, for pgcodec-fuzz --serve:
//   node drive-client.mjs pg|postgres|pgcodec PORT DATABASE
// connects as fuzz/fuzz to 127.0.0.1:PORT, runs SELECT 1 AS x, and prints one JSON line:
// {"outcome":"ok","digest":{...}} or {"outcome":"error","message":"..."}. Anything else
// (an uncaught exception, a crash, no line before it is killed) is the client's reaction too.
const [lib, port, database] = process.argv.slice(2);
const digest = (rows, columns) => {
  const first = rows.length > 0 ? Object.values(rows[0])[0] : undefined;
  const s = first === null || first === undefined ? String(first) : String(first);
  return { rows: rows.length, columns, first: s.slice(0, 20), firstLength: s.length };
};
const done = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const failed = (e) => done({ outcome: 'error', message: String(e?.message ?? e).slice(0, 300) });

if (lib === 'pg') {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'fuzz', password: 'fuzz', database });
  client.on('error', (e) => failed(e)); // what an application does: errors after connect land here
  try {
    await client.connect();
    const r = await client.query('SELECT 1 AS x');
    done({ outcome: 'ok', digest: digest(r.rows, r.fields.length) });
  } catch (e) {
    failed(e);
  } finally {
    await client.end().catch(() => undefined);
  }
} else if (lib === 'postgres') {
  const { default: postgres } = await import('postgres');
  const sql = postgres({ host: '127.0.0.1', port: Number(port), user: 'fuzz', password: 'fuzz', database, fetch_types: false, max: 1, onnotice: () => undefined });
  try {
    const r = await sql`SELECT 1 AS x`;
    done({ outcome: 'ok', digest: digest(r, r.columns?.length ?? 0) });
  } catch (e) {
    failed(e);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
} else if (lib === 'pgcodec') {
  // pgcodec's own strict client: the fuzz package's login, then a simple query.
  const { Peer } = await import('../dist/live/peer.js');
  const { login } = await import('../dist/live/login.js');
  const { Query, DataRow, RowDescription, ErrorResponse, ReadyForQuery } = await import('pgcodec');
  let peer;
  try {
    peer = await Peer.connect('127.0.0.1', Number(port), 5000);
    const { pc } = await login(peer, { user: 'fuzz', password: 'fuzz', database }, 30_000);
    pc.send(new Query({ queryString: 'SELECT 1 AS x' }));
    const rows = [];
    let columns = 0;
    let error = null;
    for (let ready = false; !ready; ) {
      if (peer.closed && peer.received.length === 0) throw new Error('the server closed the connection');
      const got = await pc.next(30_000);
      if (got.length === 0 && peer.closed) throw new Error('the server closed the connection');
      for (const m of got) {
        if (m instanceof RowDescription) columns = m.fields.length;
        else if (m instanceof DataRow) rows.push(Object.fromEntries(Array.from({ length: m.columnCount }, (_, i) => [`c${i}`, m.text(i)])));
        else if (m instanceof ErrorResponse) error = m.toError();
        else if (m instanceof ReadyForQuery) ready = true;
      }
    }
    if (error) throw error;
    done({ outcome: 'ok', digest: digest(rows, columns) });
  } catch (e) {
    failed(e);
  } finally {
    peer?.destroy();
  }
} else {
  throw new Error(`unknown client library ${lib}`);
}
