/**
 * Whole valid conversations, both roles, in the order the protocol allows:
 * what a strict client and a strict server must both accept.
 *
 *   startup      optional SSLRequest / GSSENCRequest answered 'N'; trust,
 *                cleartext, MD5, SCRAM, or SCRAM refused (FATAL: the end);
 *                or a lone CancelRequest
 *   then         parameter statuses, a BackendKeyData (4 or 32 bytes), ReadyForQuery
 *   exchanges    simple queries (rows, empty, errors); pipelined extended
 *                queries with several Syncs and errors in the middle; COPY
 *                in / out / both with either side ending first; function calls
 *   async        notices, notifications and parameter statuses before any server message after startup
 *   end          Terminate, or not
 */
import fc from 'fast-check';
import type { PgMessage } from 'pgcodec';
import { defaultPg, type Pg } from '../pg.js';

/** One message of a conversation, and who sends it. */
export interface Step {
  from: 'client' | 'server';
  message: PgMessage;
}

/** How a conversation starts. */
export type Auth = 'trust' | 'cleartext' | 'md5' | 'scram' | 'scram-refused' | 'cancel';

/** The kinds of exchange after startup. */
export type Exchange = 'simple' | 'pipeline' | 'copy-in' | 'copy-out' | 'copy-both' | 'function-call';

export interface ConversationOptions {
  pg?: Pg;
  /** Most exchanges after startup (default 6). */
  maxExchanges?: number;
}


/** Builds conversations from a pgcodec's classes. */
export class Conversations {
  constructor(readonly pg: Pg = defaultPg) {}

  private c = (message: PgMessage): Step => ({ from: 'client', message });
  private s = (message: PgMessage): Step => ({ from: 'server', message });

  /** Startup through authentication (and, unless refused, to the first ReadyForQuery). */
  startup(auth: Auth, negotiation: 'none' | 'ssl' | 'gss', protocol32: boolean, params: number): Step[] {
    const { pg, c, s } = this;
    if (auth === 'cancel') return [c(new pg.CancelRequest({ processId: 4242, secretKey: new Uint8Array(protocol32 ? 32 : 4).fill(7) }))];
    const out: Step[] = [];
    if (negotiation === 'ssl') out.push(c(new pg.SSLRequest()), s(new pg.SSLResponse({ accepted: false })));
    if (negotiation === 'gss') out.push(c(new pg.GSSEncRequest()), s(new pg.GSSResponse({ accepted: false })));
    out.push(c(new pg.StartupMessage({ protocolVersion: protocol32 ? pg.StartupRequestCode.V3_2 : pg.StartupRequestCode.V3_0, params: { user: 'fuzz', database: 'fuzz' } })));
    const ok = s(new pg.AuthenticationOk());
    switch (auth) {
      case 'trust':
        out.push(ok);
        break;
      case 'cleartext':
        out.push(s(new pg.AuthenticationCleartextPassword()), c(new pg.PasswordMessage({ password: 'secret' })), ok);
        break;
      case 'md5':
        out.push(s(new pg.AuthenticationMD5Password({ salt: Uint8Array.of(1, 2, 3, 4) })), c(new pg.PasswordMessage({ password: 'md5' + '0'.repeat(32) })), ok);
        break;
      case 'scram':
      case 'scram-refused':
        out.push(
          s(new pg.AuthenticationSASL({ mechanisms: ['SCRAM-SHA-256'] })),
          c(new pg.SASLInitialResponse({ mechanism: 'SCRAM-SHA-256', data: 'n,,n=,r=fuzz' })),
          s(new pg.AuthenticationSASLContinue({ data: 'r=fuzzfuzz,s=c2FsdA==,i=4096' })),
          c(new pg.SASLResponse({ data: 'c=biws,r=fuzzfuzz,p=cHJvb2Y=' })),
        );
        if (auth === 'scram-refused') {
          out.push(s(new pg.ErrorResponse({ fields: { S: 'FATAL', V: 'FATAL', C: '28P01', M: 'password authentication failed for user "fuzz"' } })));
          return out;
        }
        out.push(s(new pg.AuthenticationSASLFinal({ data: 'v=c2lnbmF0dXJl' })), ok);
        break;
    }
    for (let i = 0; i < params; i++) out.push(s(new pg.ParameterStatus({ name: `param_${i}`, value: String(i) })));
    out.push(s(new pg.BackendKeyData({ processId: 4242, secretKey: new Uint8Array(protocol32 ? 32 : 4).fill(7) })), s(new pg.ReadyForQuery({ status: 'I' })));
    return out;
  }

  private rows(n: number): Step[] {
    const { pg, s } = this;
    const out: Step[] = [s(new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'n', typeOid: 23 })] }))];
    for (let i = 0; i < n; i++) out.push(s(new pg.DataRow({ columns: [String(i)] })));
    out.push(s(new pg.CommandComplete({ tag: `SELECT ${n}` })));
    return out;
  }

  private error(): Step {
    return this.s(new this.pg.ErrorResponse({ fields: { S: 'ERROR', V: 'ERROR', C: '42601', M: 'syntax error' } }));
  }

  private rfq(status: 'I' | 'T' | 'E' = 'I'): Step {
    return this.s(new this.pg.ReadyForQuery({ status }));
  }

  /** One exchange: `shape` picks among its variants (rows, errors, who ends a copy first ...). */
  exchange(kind: Exchange, shape: number[]): Step[] {
    const { pg, c, s } = this;
    const pick = (i: number, n: number) => (shape[i] ?? 0) % n;
    switch (kind) {
      case 'simple': {
        const out: Step[] = [c(new pg.Query({ queryString: 'SELECT n FROM t' }))];
        const v = pick(0, 4);
        if (v === 0) out.push(...this.rows(pick(1, 5)));
        else if (v === 1) out.push(s(new pg.EmptyQueryResponse()));
        else if (v === 2) out.push(this.error());
        else out.push(...this.rows(1), s(new pg.CommandComplete({ tag: 'SET' })), ...this.rows(2)); // several statements
        out.push(this.rfq());
        return out;
      }
      case 'pipeline': {
        // Several batches, each ended by a Sync, all sent before any answer; an error skips to its batch's Sync.
        const batches = 1 + pick(0, 3);
        const out: Step[] = [];
        for (let b = 0; b < batches; b++) {
          out.push(c(new pg.Parse({ query: 'SELECT $1::int' })), c(new pg.Bind({ paramValues: [String(b)] })), c(new pg.Describe({ kind: 'P' })), c(new pg.Execute()), c(new pg.Sync()));
        }
        for (let b = 0; b < batches; b++) {
          const failAt = pick(1 + b, 6); // 0..3: an error after that many answers; 4, 5: none
          const answers: Step[] = [
            s(new pg.ParseComplete()),
            s(new pg.BindComplete()),
            s(new pg.RowDescription({ fields: [new pg.FieldDescription({ name: 'int4', typeOid: 23 })] })),
            s(new pg.DataRow({ columns: [String(b)] })),
            s(new pg.CommandComplete({ tag: 'SELECT 1' })),
          ];
          out.push(...(failAt < 4 ? [...answers.slice(0, failAt), this.error()] : answers), this.rfq());
        }
        return out;
      }
      case 'copy-in': {
        const out: Step[] = [c(new pg.Query({ queryString: 'COPY t FROM STDIN' })), s(new pg.CopyInResponse({ colFormats: [0] }))];
        for (let i = 0; i < pick(0, 4); i++) out.push(c(new pg.CopyData({ data: `${i}\n` })));
        if (pick(1, 3) === 0) out.push(c(new pg.CopyFail({ errorMessage: 'client gave up' })), this.error());
        else out.push(c(new pg.CopyDone()), s(new pg.CommandComplete({ tag: 'COPY 1' })));
        out.push(this.rfq());
        return out;
      }
      case 'copy-out': {
        const out: Step[] = [c(new pg.Query({ queryString: 'COPY t TO STDOUT' })), s(new pg.CopyOutResponse({ colFormats: [0] }))];
        for (let i = 0; i < pick(0, 4); i++) out.push(s(new pg.CopyData({ data: `${i}\n` })));
        out.push(s(new pg.CopyDone()), s(new pg.CommandComplete({ tag: 'COPY 1' })), this.rfq());
        return out;
      }
      case 'copy-both': {
        const out: Step[] = [c(new pg.Query({ queryString: 'START_REPLICATION SLOT s LOGICAL 0/0' })), s(new pg.CopyBothResponse({}))];
        for (let i = 0; i < pick(0, 4); i++) out.push(i % 2 === 0 ? s(new pg.CopyData({ data: 'w' })) : c(new pg.CopyData({ data: 'r' })));
        if (pick(1, 2) === 0) out.push(c(new pg.CopyDone()), s(new pg.CopyData({ data: 'k' })), s(new pg.CopyDone()));
        else out.push(s(new pg.CopyDone()), c(new pg.CopyData({ data: 'r' })), c(new pg.CopyDone()));
        out.push(s(new pg.CommandComplete({ tag: 'START_REPLICATION' })), this.rfq());
        return out;
      }
      case 'function-call': {
        const out: Step[] = [c(new pg.FunctionCall({ functionOid: 957, argFormats: [1], arguments: [Uint8Array.of(0, 0, 0, 1)], resultFormat: 1 }))];
        out.push(pick(0, 3) === 0 ? this.error() : s(new pg.FunctionCallResponse({ result: pick(1, 2) === 0 ? null : Uint8Array.of(0, 0, 0, 9) })));
        out.push(this.rfq());
        return out;
      }
    }
  }

  /** An asynchronous message a server may send at any time after startup. */
  async(which: number): Step {
    const { pg, s } = this;
    switch (which % 3) {
      case 0:
        return s(new pg.NoticeResponse({ fields: { S: 'NOTICE', V: 'NOTICE', C: '00000', M: 'hello' } }));
      case 1:
        return s(new pg.NotificationResponse({ processId: 7, channel: 'ch', payload: 'p' }));
      default:
        return s(new pg.ParameterStatus({ name: 'application_name', value: 'fuzz' }));
    }
  }

  /** Inserts asynchronous messages before some server messages after startup (`at`: indexes into the server steps, `which`: kinds). */
  withAsync(steps: Step[], from: number, at: number[], which: number[]): Step[] {
    const out: Step[] = [];
    const marks = new Set(at);
    let serverSeen = 0;
    steps.forEach((step, i) => {
      if (i >= from && step.from === 'server') {
        if (marks.has(serverSeen)) out.push(this.async(which[serverSeen % Math.max(1, which.length)] ?? 0));
        serverSeen++;
      }
      out.push(step);
    });
    return out;
  }

  /** The arbitrary of whole conversations. */
  arbitrary(opts: ConversationOptions = {}): fc.Arbitrary<Step[]> {
    return fc
      .record({
        auth: fc.constantFrom<Auth>('trust', 'cleartext', 'md5', 'scram', 'scram', 'scram-refused', 'cancel'),
        negotiation: fc.constantFrom<'none' | 'ssl' | 'gss'>('none', 'ssl', 'gss'),
        protocol32: fc.boolean(),
        params: fc.nat({ max: 3 }),
        exchanges: fc.array(
          fc.record({ kind: fc.constantFrom<Exchange>('simple', 'pipeline', 'copy-in', 'copy-out', 'copy-both', 'function-call'), shape: fc.array(fc.nat({ max: 11 }), { minLength: 4, maxLength: 4 }) }),
          { maxLength: opts.maxExchanges ?? 6 },
        ),
        asyncAt: fc.array(fc.nat({ max: 40 }), { maxLength: 4 }),
        asyncWhich: fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 4 }),
        terminate: fc.boolean(),
      })
      .map((o) => {
        const start = this.startup(o.auth, o.negotiation, o.protocol32, o.params);
        if (o.auth === 'cancel' || o.auth === 'scram-refused') return start;
        const body = o.exchanges.flatMap((e) => this.exchange(e.kind, e.shape));
        const all = [...start, ...body, ...(o.terminate ? [this.c(new this.pg.Terminate())] : [])];
        return this.withAsync(all, start.length, o.asyncAt, o.asyncWhich);
      });
  }
}

/** Whole valid conversations (client and server steps in order). */
export function conversation(opts: ConversationOptions = {}): fc.Arbitrary<Step[]> {
  return new Conversations(opts.pg).arbitrary(opts);
}

/** The bytes one side sends in a conversation, in order. */
export function wireOf(steps: readonly Step[], from: 'client' | 'server'): Uint8Array[] {
  return steps.filter((s) => s.from === from).map((s) => s.message.toWire());
}

