/**
 * What one live fuzz session sends a server, drawn from the arbitraries:
 *
 *   before-login   startup packets of any request code and length, random
 *                  bytes, an SSL/GSSENC request followed by garbage — then
 *                  end of file
 *   after-login    (a valid login first)
 *     exchanges    realistic client traffic: simple queries, pipelines with
 *                  several Syncs, COPY both ways, function calls (client side
 *                  of conversation()), then a probe query
 *     messages     valid frontend messages in any order, then a probe query
 *     malformed    a mutated frontend stream, then end of file
 *
 * Each plan is bytes in the chunks they are written, and what the server
 * owes in return: the probe's answer, or an ErrorResponse or a close.
 */
import fc from 'fast-check';
import { Query, Sync, type PgMessage } from 'pgcodec';
import { Conversations, type Exchange } from '../arbitraries/conversation.js';
import { chunking, malformed, startupPacket, stream, concat } from '../arbitraries/streams.js';
import { defaultPg } from '../pg.js';

export type PlanKind = 'before-login' | 'exchanges' | 'messages' | 'malformed';

export interface Plan {
  kind: PlanKind;
  /** What was drawn, in a few words. */
  what: string;
  /** The bytes, in the chunks to write. */
  chunks: Uint8Array[];
  /** After the chunks: the probe query (`SELECT 4242`) whose answer shows the session is sane, or end of file. */
  then: 'probe' | 'eof';
  /** Log in with protocol 3.2 (after-login plans). */
  protocol32: boolean;
  /** Leading SSLRequest / GSSENCRequest packets (each owed a one-byte answer). */
  negotiations: number;
}

/** The probe's query, and the value its one row carries. */
export const PROBE = 'SELECT 4242';
export const PROBE_VALUE = '4242';

const EXCHANGES: readonly Exchange[] = ['simple', 'pipeline', 'copy-in', 'copy-out', 'copy-both', 'function-call'];

/** Leading SSLRequest / GSSENCRequest packets of a startup sequence. */
function leadingNegotiations(packets: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of packets) {
    // The server answers on the code alone, whatever a valid length says the packet holds (postmaster's ProcessStartupPacket).
    const dv = new DataView(p.buffer, p.byteOffset, p.length);
    const len = p.length >= 8 ? dv.getInt32(0) : 0;
    const code = p.length >= 8 ? dv.getInt32(4) : 0;
    if (len === p.length && len >= 8 && len <= 10_000 && (code === 80877103 || code === 80877104)) n++;
    else break;
  }
  return n;
}

/** The plans of a live session. */
export function plan(): fc.Arbitrary<Plan> {
  const pg = defaultPg;
  const cut = chunking();
  const beforeLogin = fc.oneof(
    fc.array(startupPacket({ pg }), { minLength: 1, maxLength: 3 }).map((ps) => ({ ps, what: `${ps.length} startup packet(s)` })),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({ ps: [b], what: `${b.length} random bytes` })),
    fc
      .tuple(fc.constantFrom(80877103, 80877104), fc.uint8Array({ maxLength: 48 }))
      .map(([code, junk]) => {
        const req = new Uint8Array(8);
        new DataView(req.buffer).setInt32(0, 8);
        new DataView(req.buffer).setInt32(4, code);
        return { ps: [req, junk], what: `${code === 80877103 ? 'SSLRequest' : 'GSSENCRequest'} then ${junk.length} bytes` };
      }),
  );
  const conv = new Conversations(pg);
  const exchanges = fc
    .array(fc.record({ kind: fc.constantFrom(...EXCHANGES), shape: fc.array(fc.nat({ max: 11 }), { minLength: 4, maxLength: 4 }) }), { minLength: 1, maxLength: 4 })
    .map((es) => ({
      bytes: concat(es.flatMap((e) => conv.exchange(e.kind, e.shape).filter((s) => s.from === 'client').map((s) => s.message.toWire()))),
      what: es.map((e) => e.kind).join(', '),
    }));
  const probe = (): Uint8Array => concat([new Sync().toWire(), new Query({ queryString: PROBE }).toWire()]);
  const after = fc.oneof(
    exchanges.map((e) => ({ kind: 'exchanges' as const, what: e.what, bytes: e.bytes, then: 'probe' as const })),
    stream({ pg, side: 'frontend', maxMessages: 8 }).map((s) => ({
      kind: 'messages' as const,
      what: s.messages.map((m: PgMessage) => m.type).join(', '),
      bytes: s.bytes,
      then: 'probe' as const,
    })),
    malformed({ pg, side: 'frontend', maxMessages: 6 }).map((m) => ({ kind: 'malformed' as const, what: m.mutation, bytes: m.bytes, then: 'eof' as const })),
  );
  return fc.oneof(
    fc.tuple(beforeLogin, cut).map(([b, c]): Plan => {
      const bytes = concat(b.ps);
      return { kind: 'before-login', what: b.what, chunks: c.split(bytes), then: 'eof', protocol32: false, negotiations: leadingNegotiations(b.ps) };
    }),
    fc.tuple(after, cut, fc.boolean()).map(([a, c, p32]): Plan => ({
      kind: a.kind,
      what: a.what,
      chunks: [...c.split(a.bytes), ...(a.then === 'probe' ? [probe()] : [])],
      then: a.then,
      protocol32: p32,
      negotiations: 0,
    })),
  );
}
