/**
 * pygwire's API in camelCase, one name per thing: the fields pygwire names,
 * the runtime base classes `instanceof` works with, a payload-only
 * `encode()`, `MessageAction`, and the package `version`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as pg from '../src/index.js';
import * as messages from '../src/messages/index.js';
import { fixtures } from './support/fixtures.js';

describe('field names as pygwire has them', () => {
  it('Bind.paramValues, FunctionCall.arguments, CopyFail.errorMessage', () => {
    const bind = new pg.Bind({ paramValues: ['1', null], paramFormats: [0] });
    expect(bind.paramValues.map((v) => v && new TextDecoder().decode(v))).toEqual(['1', null]);
    expect(new pg.FunctionCall({ functionOid: 1, arguments: [null] }).arguments).toEqual([null]);
    expect(new pg.CopyFail({ errorMessage: 'no' }).errorMessage).toBe('no');
    expect('params' in bind || 'args' in new pg.FunctionCall({ functionOid: 1 })).toBe(false);
  });

  it('COPY responses: overallFormat and colFormats; FieldDescription.columnAttr', () => {
    const r = new pg.CopyOutResponse({ overallFormat: 1, colFormats: [1, 1] });
    expect([r.overallFormat, r.colFormats]).toEqual([1, [1, 1]]);
    expect(new pg.FieldDescription({ name: 'a', typeOid: 23, columnAttr: 2 }).columnAttr).toBe(2);
  });

  it('NegotiateProtocolVersion: newestMinor and unrecognized, and what the server literally sent as rawNewestMinor', () => {
    const built = new pg.NegotiateProtocolVersion({ newestMinor: 2, unrecognized: ['_pq_.x'] });
    expect(built.rawNewestMinor).toBe((3 << 16) | 2); // PostgreSQL's (and libpq's) form: the whole version
    const d = new pg.BackendMessageDecoder({ phase: pg.ConnectionPhase.AUTHENTICATING });
    d.feed(built.toWire());
    const got = d.read() as pg.NegotiateProtocolVersion;
    expect([got.newestMinor, got.rawNewestMinor, got.unrecognized]).toEqual([2, 196610, ['_pq_.x']]);
    // A server that sends the bare minor is read, and re-encoded, as it sent it.
    const bare = new pg.NegotiateProtocolVersion({ newestMinor: 0, rawNewestMinor: 0 });
    d.feed(bare.toWire());
    expect((d.read() as pg.NegotiateProtocolVersion).toWire()).toEqual(bare.toWire());
    expect(() => new pg.NegotiateProtocolVersion({ newestMinor: 2, rawNewestMinor: 196608 }).toWire()).toThrow(pg.EncodingError);
  });

  it('TransactionStatus.ERROR_TRANSACTION, StartupRequestCode.V3_0 / V3_2', () => {
    expect(pg.TransactionStatus).toEqual({ IDLE: 'I', IN_TRANSACTION: 'T', ERROR_TRANSACTION: 'E' });
    expect([pg.StartupRequestCode.V3_0, pg.StartupRequestCode.V3_2]).toEqual([196608, 196610]);
  });

  it('ErrorResponse and NoticeResponse: code (the SQLSTATE) beside severity and message; fields as pygwire gives them', () => {
    for (const cls of [pg.ErrorResponse, pg.NoticeResponse]) {
      const m = new cls({ fields: { S: 'ERROR', C: '42P01', M: 'relation "x" does not exist' } });
      expect([m.severity, m.code, m.message]).toEqual(['ERROR', '42P01', 'relation "x" does not exist']);
      expect(m.fields).toEqual([
        { code: 'S', value: 'ERROR' },
        { code: 'C', value: '42P01' },
        { code: 'M', value: 'relation "x" does not exist' },
      ]);
    }
  });
});

describe('runtime base classes', () => {
  const all = fixtures.map((f) => f.message);

  it('every message is a PgMessage, and a FrontendMessage or BackendMessage by who sends it', () => {
    for (const m of all) {
      expect(m).toBeInstanceOf(pg.PgMessage);
      const front = m instanceof pg.FrontendMessage;
      const back = m instanceof pg.BackendMessage;
      if (m.direction === 'both') expect([front, back, m instanceof pg.CommonMessage]).toEqual([true, true, true]);
      else expect([front, back], m.type).toEqual([m.direction === 'frontend', m.direction === 'backend']);
    }
  });

  it('SpecialMessage: the startup packets, which have no type byte', () => {
    const special = all.filter((m) => m instanceof pg.SpecialMessage).map((m) => m.type);
    expect([...new Set(special)].sort()).toEqual(['CancelRequest', 'GSSEncRequest', 'SSLRequest', 'StartupMessage']);
    for (const m of all) expect(m instanceof pg.SpecialMessage, m.type).toBe(m.typeCode === null && m.direction === 'frontend');
  });

  it('instanceof a concrete class is not widened by the bases', () => {
    const q = new pg.Query({ queryString: 'x' });
    expect(q instanceof pg.Query).toBe(true);
    expect(q instanceof pg.Parse).toBe(false);
    expect(new pg.CopyData({ data: 'x' }) instanceof pg.Query).toBe(false);
    expect({} instanceof pg.FrontendMessage).toBe(false);
  });
});

describe('encode(), MessageAction, version', () => {
  it('encode() is the payload: toWire() without type byte and length', () => {
    for (const m of fixtures.map((f) => f.message)) {
      const wire = m.toWire();
      const header = m.typeCode === null ? (wire.length === 1 ? 0 : 4) : 5;
      expect(Buffer.from(m.encode()).toString('hex'), m.type).toBe(Buffer.from(wire.subarray(header)).toString('hex'));
    }
    expect(() => new pg.Query({ queryString: 'a\0b' }).encode()).toThrow(pg.EncodingError);
  });

  it('MessageAction names what tolerate() does with a message', () => {
    expect(pg.MessageAction).toEqual({ SEND: 'send', RECEIVE: 'receive' });
    const sm = new pg.FrontendStateMachine();
    expect(sm.tolerate(new pg.Query({ queryString: 'x' }), pg.MessageAction.SEND)).toBeInstanceOf(pg.StateMachineError);
  });

  it('version is package.json’s', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(pg.version).toBe(pkg.version);
  });

  it('the Connection base is exported, and both connections extend it', () => {
    expect(new pg.FrontendConnection()).toBeInstanceOf(pg.Connection);
    expect(new pg.BackendConnection()).toBeInstanceOf(pg.Connection);
    expect(typeof messages.STANDARD_REGISTRY.register).toBe('function');
  });
});
