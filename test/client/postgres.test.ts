/**
 * A client made only of pgcodec's FrontendConnection over node:net, strict
 * throughout, against a throwaway PostgreSQL 15 and PostgreSQL 18: every
 * authentication method, every query mode, COPY, notifications, cancel,
 * function calls, logical replication, and protocol version negotiation
 * (where the two servers differ). Protocol 3.2 in depth: protocol-3.2.test.ts.
 */
import * as pg from 'pgcodec';
import { describe, expect, it } from 'vitest';
import { SERVERS, useServer } from '../support/servers.ts';
import { rows, types, untilSleeping } from './wire-client.ts';

describe.each(SERVERS)('against $name', (server) => {
  const s = useServer(server);
  const connect = s.connect;

  describe('authentication', () => {
    it('trust, after an SSLRequest answered N', async () => {
      const c = await connect({ sslRequest: true });
      expect(c.isReady).toBe(true);
      expect(c.log[0]).toBeInstanceOf(pg.SSLResponse);
      expect(c.log[1]).toBeInstanceOf(pg.AuthenticationOk);
      expect(c.backendKey?.secretKey.length).toBe(4);
      await c.close();
      expect(c.phase).toBe(pg.ConnectionPhase.TERMINATED);
    });

    it('MD5', async () => {
      const { user, password } = s.cluster.users.md5;
      const c = await connect({ user, password });
      expect(c.log.some((m) => m instanceof pg.AuthenticationMD5Password)).toBe(true);
      expect(rows(await c.query('SELECT current_user'))).toEqual([[user]]);
      await c.close();
    });

    it('SCRAM-SHA-256, with the server signature verified', async () => {
      const { user, password } = s.cluster.users.scram;
      const c = await connect({ user, password });
      expect(types(c.log).slice(0, 4)).toEqual(['AuthenticationSASL', 'AuthenticationSASLContinue', 'AuthenticationSASLFinal', 'AuthenticationOk']);
      expect(rows(await c.query('SELECT current_user'))).toEqual([[user]]);
      await c.close();
    });

    it('a wrong SCRAM password is refused and the connection ends FAILED', async () => {
      const { user } = s.cluster.users.scram;
      await expect(connect({ user, password: 'wrong' })).rejects.toThrow(/password authentication failed/);
    });

    it('requesting protocol 3.2 with an unknown _pq_ option: NegotiateProtocolVersion, and the connection proceeds', async () => {
      const c = await connect({ protocolVersion: pg.StartupRequestCode.V3_2, params: { '_pq_.pgcodec_test': 'x' } });
      expect(c.negotiated).toBeInstanceOf(pg.NegotiateProtocolVersion);
      // PostgreSQL sends its whole newest version (3 << 16 | minor) in this field.
      // The servers differ: 15 speaks only 3.0 and refuses 3.2 with a 4-byte key;
      // 18 accepts 3.2 (the option alone is refused) and sends a 32-byte key.
      const minor = server.major >= 18 ? 2 : 0;
      expect(c.negotiated!.rawNewestMinor).toBe(pg.protocolVersion(3, minor));
      expect(c.negotiated!.newestMinor).toBe(minor);
      expect(c.negotiated!.unrecognized).toEqual(['_pq_.pgcodec_test']);
      expect(c.backendKey!.secretKey.length).toBe(server.major >= 18 ? 32 : 4);
      expect(rows(await c.query('SELECT 1'))).toEqual([['1']]);
      await c.close();
    });
  });

  describe('queries', () => {
    it('simple query with several statements', async () => {
      const c = await connect();
      const r = await c.query("SELECT 1 AS a; SELECT 'two' AS b, NULL AS c; SET application_name = 'pgcodec'");
      expect(rows(r)).toEqual([['1'], ['two', null]]);
      expect(r.filter((m) => m instanceof pg.CommandComplete).map((m) => (m as pg.CommandComplete).tag)).toEqual(['SELECT 1', 'SELECT 1', 'SET']);
      expect(r.some((m) => m instanceof pg.ParameterStatus && m.name === 'application_name')).toBe(true);
      await c.close();
    });

    it('an extended pipeline of several Parse/Bind/Describe/Execute with one Sync', async () => {
      const c = await connect();
      for (let i = 1; i <= 3; i++) {
        c.send(new pg.Parse({ query: `SELECT $1::int * ${i} AS n` }));
        c.send(new pg.Bind({ paramValues: [String(i)] }));
        c.send(new pg.Describe({ kind: 'P' }));
        c.send(new pg.Execute());
      }
      c.send(new pg.Sync());
      expect(c.pendingSyncs).toBe(1);
      const r = await c.untilReady();
      expect(rows(r)).toEqual([['1'], ['4'], ['9']]);
      expect(types(r).filter((t) => t === 'ParseComplete')).toHaveLength(3);
      await c.close();
    });

    it('a pipeline with several Syncs and an error in the middle batch', async () => {
      const c = await connect();
      const batch = (sql: string) => {
        c.send(new pg.Parse({ query: sql }));
        c.send(new pg.Bind({}));
        c.send(new pg.Execute());
        c.send(new pg.Sync());
      };
      batch('SELECT 1');
      batch('SELECT 1/0');
      batch('SELECT 3');
      expect(c.pendingSyncs).toBe(3);
      expect(c.phase).toBe(pg.ConnectionPhase.EXTENDED_QUERY);
      const [a, b, d] = [await c.untilReady(), await c.untilReady(), await c.untilReady()];
      expect(types(a)).toEqual(['ParseComplete', 'BindComplete', 'DataRow', 'CommandComplete', 'ReadyForQuery']);
      // 1/0 is folded when the unnamed statement is planned, at Bind
      expect(types(b)).toEqual(['ParseComplete', 'ErrorResponse', 'ReadyForQuery']);
      expect((b[1] as pg.ErrorResponse).code).toBe('22012');
      expect(rows(d)).toEqual([['3']]);
      expect(c.isReady).toBe(true);
      await c.close();
    });

    it('an error before the Sync: what follows it in the batch is discarded by the server', async () => {
      const c = await connect();
      c.send(new pg.Parse({ query: 'SELEC 1' }));
      c.send(new pg.Bind({}));
      c.send(new pg.Execute());
      c.send(new pg.Sync());
      const r = await c.untilReady();
      expect(types(r)).toEqual(['ErrorResponse', 'ReadyForQuery']);
      await c.close();
    });
  });

  describe('COPY', () => {
    it('COPY FROM STDIN then COPY TO STDOUT (text and binary)', async () => {
      const c = await connect();
      await c.query('CREATE TEMP TABLE t (a int, b text)');
      c.send(new pg.Query({ queryString: 'COPY t FROM STDIN' }));
      expect(await c.next()).toBeInstanceOf(pg.CopyInResponse);
      expect(c.phase).toBe(pg.ConnectionPhase.COPY_IN);
      c.send(new pg.CopyData({ data: '1\tone\n' }));
      c.send(new pg.CopyData({ data: '2\t\\N\n' }));
      c.send(new pg.CopyDone());
      const done = await c.untilReady();
      expect((done[0] as pg.CommandComplete).tag).toBe('COPY 2');

      const out = await c.query('COPY t TO STDOUT');
      expect(types(out)).toEqual(['CopyOutResponse', 'CopyData', 'CopyData', 'CopyDone', 'CommandComplete', 'ReadyForQuery']);
      const text = out.filter((m): m is pg.CopyData => m instanceof pg.CopyData).map((m) => new TextDecoder().decode(m.data));
      expect(text).toEqual(['1\tone\n', '2\t\\N\n']);

      const bin = await c.query('COPY t TO STDOUT (FORMAT binary)');
      const resp = bin[0] as pg.CopyOutResponse;
      expect([resp.overallFormat, resp.colFormats]).toEqual([1, [1, 1]]);
      await c.close();
    });

    it('CopyFail aborts COPY FROM STDIN with an error', async () => {
      const c = await connect();
      await c.query('CREATE TEMP TABLE t (a int)');
      c.send(new pg.Query({ queryString: 'COPY t FROM STDIN' }));
      await c.next();
      c.send(new pg.CopyData({ data: '1\n' }));
      c.send(new pg.CopyFail({ errorMessage: 'client changed its mind' }));
      const r = await c.untilReady();
      expect((r[0] as pg.ErrorResponse).message).toContain('client changed its mind');
      expect(rows(await c.query('SELECT count(*) FROM t'))).toEqual([['0']]);
      await c.close();
    });
  });

  describe('asynchronous and out-of-band', () => {
    it('LISTEN/NOTIFY between two connections', async () => {
      const listener = await connect();
      const notifier = await connect();
      await listener.query('LISTEN jobs');
      await notifier.query("NOTIFY jobs, 'payload 1'");
      const n = await listener.next();
      expect(n).toBeInstanceOf(pg.NotificationResponse);
      expect([(n as pg.NotificationResponse).channel, (n as pg.NotificationResponse).payload]).toEqual(['jobs', 'payload 1']);
      expect((n as pg.NotificationResponse).processId).toBe(notifier.backendKey!.processId);
      await listener.close();
      await notifier.close();
    });

    it('CancelRequest built from BackendKeyData cancels pg_sleep', async () => {
      const c = await connect();
      const watcher = await connect();
      c.send(new pg.Query({ queryString: 'SELECT pg_sleep(300)' }));
      // Cancel only once the backend is inside pg_sleep: a cancel that arrives
      // before the query starts is lost, and the test would wait out the sleep.
      await untilSleeping(watcher, c.backendKey!.processId);
    await watcher.close();
    const canceller = await s.open();
    canceller.send(new pg.CancelRequest({ processId: c.backendKey!.processId, secretKey: c.backendKey!.secretKey }));
      expect(canceller.phase).toBe(pg.ConnectionPhase.TERMINATED);
      canceller.socket.end();
      const r = await c.untilReady();
      const e = r.find((m): m is pg.ErrorResponse => m instanceof pg.ErrorResponse);
      expect(e?.code).toBe('57014');
      await c.close();
    });

    it('FunctionCall: lo_creat and lo_unlink through the fast-path interface', async () => {
      const c = await connect();
      await c.query('BEGIN');
      const int4 = (n: number) => Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n);
      // lo_creat(mode int4) returns oid; 957 is its pg_proc OID
      c.send(new pg.FunctionCall({ functionOid: 957, argFormats: [1], arguments: [int4(0x60000)], resultFormat: 1 }));
      expect(c.phase).toBe(pg.ConnectionPhase.FUNCTION_CALL);
      const r = await c.untilReady();
      expect(types(r)).toEqual(['FunctionCallResponse', 'ReadyForQuery']);
      const oid = new DataView((r[0] as pg.FunctionCallResponse).result!.buffer, (r[0] as pg.FunctionCallResponse).result!.byteOffset).getUint32(0);
      expect(rows(await c.query(`SELECT count(*) FROM pg_largeobject_metadata WHERE oid = ${oid}`))).toEqual([['1']]);
      // lo_unlink(oid) is 964
      c.send(new pg.FunctionCall({ functionOid: 964, argFormats: [1], arguments: [int4(oid)], resultFormat: 1 }));
      expect(types(await c.untilReady())).toEqual(['FunctionCallResponse', 'ReadyForQuery']);
      await c.query('COMMIT');
      await c.close();
    });

    it('a logical replication stream: CopyBoth, data both ways, CopyDone from the client', async () => {
      const repl = await connect({ params: { replication: 'database' } });
      const slot = await repl.query('CREATE_REPLICATION_SLOT pgcodec_slot TEMPORARY LOGICAL test_decoding');
      expect(rows(slot)[0]![0]).toBe('pgcodec_slot');
      const writer = await connect();
      await writer.query('CREATE TABLE repl_t (id int primary key, v text)');
      await writer.query("INSERT INTO repl_t VALUES (1, 'hello')");

      repl.send(new pg.Query({ queryString: 'START_REPLICATION SLOT pgcodec_slot LOGICAL 0/0' }));
      expect(await repl.next()).toBeInstanceOf(pg.CopyBothResponse);
      expect(repl.phase).toBe(pg.ConnectionPhase.COPY_BOTH);
      let seen = '';
      while (!seen.includes("table public.repl_t: INSERT: id[integer]:1 v[text]:'hello'")) {
        const m = await repl.next();
        if (m instanceof pg.CopyData && m.data[0] === 0x77 /* 'w' XLogData */) seen += new TextDecoder().decode(m.data.subarray(25)) + '\n';
      }
      // a standby status update: 'r', three LSNs, a timestamp, no reply wanted
      const update = new Uint8Array(34);
      update[0] = 0x72;
      repl.send(new pg.CopyData({ data: update }));
      repl.send(new pg.CopyDone());
      const tail = await repl.untilReady();
      expect(types(tail)).toContain('CopyDone');
      expect(tail.at(-2)).toBeInstanceOf(pg.CommandComplete);
      expect(repl.isReady).toBe(true);
      await repl.close();
      await writer.query('DROP TABLE repl_t');
      await writer.close();
    });
  });
});
