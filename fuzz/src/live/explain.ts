/**
 * Findings that are PostgreSQL's documented behavior, each with the place
 * in its source that does it. A finding is still a finding (a proxy or a
 * client must cope with it); this says why it happens, so the report can
 * tell these from anything new.
 */
import type { Plan } from './plans.js';
import type { SessionResult } from './session.js';

/** postgres.c SocketBackend: the message types allowed PQ_LARGE_MESSAGE_LIMIT; every other type gets PQ_SMALL_MESSAGE_LIMIT. */
const LARGE = new Set(['Q', 'F', 'P', 'B', 'd']);
const PQ_SMALL_MESSAGE_LIMIT = 10_000;
/** The message types a backend reads after login (postgres.c SocketBackend). */
const FRONTEND_TYPES = new Set(['Q', 'P', 'B', 'E', 'D', 'C', 'H', 'S', 'F', 'd', 'c', 'f', 'X', 'p']);
const PQ_LARGE_MESSAGE_LIMIT = 0x3fffffff - 1;
/** pqcomm.h */
const MAX_STARTUP_PACKET_LENGTH = 10_000;

const bytesOf = (hexes: readonly string[]) => Buffer.concat(hexes.map((h) => Buffer.from(h, 'hex')));

/** Why PostgreSQL did this, if it is known behavior; null if not. */
export function explain(plan: Pick<Plan, 'kind'>, r: Pick<SessionResult, 'outcome' | 'sent' | 'planStart' | 'received'>): string | null {
  const sent = bytesOf(r.sent.slice(r.planStart));
  const got = bytesOf(r.received);
  if (r.outcome === 'invalid-answer' && plan.kind === 'before-login' && /^E[A-Z]+: {1,2}\w/.test(got.subarray(-Math.min(got.length, 400)).toString('latin1').replace(/^[NSG]+(?=E)/, ''))) {
    return 'a startup packet asking for protocol 2.x or older is answered in the 2.0 format: \'E\', text, NUL, no length (elog.c send_message_to_frontend)';
  }
  if (r.outcome !== 'closed-silently') return null;
  if (plan.kind === 'before-login') {
    if (sent[0] === 0x16) {
      return 'a first byte 0x16 is a TLS handshake record: PostgreSQL 17 and later take it as direct SSL (sslnegotiation=direct) and, with SSL off or a bad handshake, close without a message (backend_startup.c ProcessSSLStartup)';
    }
    const answer = got.toString('latin1').replace(/^N+/, '')[0];
    if (answer === 'G' || answer === 'S') {
      return `the server accepted ${answer === 'G' ? 'GSSAPI' : 'SSL'} encryption ('${answer}'): what follows must be a ${answer === 'G' ? 'GSSAPI' : 'TLS'} handshake, and other bytes end the connection without a message (be-secure-${answer === 'G' ? 'gssapi' : 'openssl'}.c)`;
    }
    // The first packet that is not an answered SSL/GSS negotiation: a bad length is logged, not answered.
    for (let at = 0; at + 4 <= sent.length; ) {
      const len = sent.readInt32BE(at);
      if (len < 8 || len > MAX_STARTUP_PACKET_LENGTH) return `a startup packet length of ${len}: "invalid length of startup packet" is logged (COMMERROR) and the connection closed without a message (ProcessStartupPacket: postmaster.c, backend_startup.c since 17)`;
      if (at + 8 > sent.length) break;
      const code = sent.readInt32BE(at + 4);
      if (code === 80877102) return 'a CancelRequest is never answered (processCancelRequest: postmaster.c, backend_startup.c since 17)';
      if (code !== 80877103 && code !== 80877104) return 'a startup packet the postmaster refuses before a backend exists is logged (COMMERROR), not answered (ProcessStartupPacket: postmaster.c, backend_startup.c since 17)';
      at += len;
    }
    return null;
  }
  // After login: the first frame whose type or length the backend refuses.
  for (let at = 0; at < sent.length; ) {
    const type = String.fromCharCode(sent[at]!);
    if (!FRONTEND_TYPES.has(type)) {
      return `an unknown message type 0x${sent[at]!.toString(16)}: the backend sends FATAL 08P01 and closes at once, with our bytes still arriving — the reset that follows can discard its ErrorResponse before we read it (postgres.c SocketBackend; no lingering close)`;
    }
    if (at + 5 > sent.length) break;
    const len = sent.readInt32BE(at + 1);
    const max = LARGE.has(type) ? PQ_LARGE_MESSAGE_LIMIT : PQ_SMALL_MESSAGE_LIMIT;
    // pq_getmessage compares the length field itself (its own 4 bytes included) with the limit.
    if (len < 4 || len > max) return `a '${type}' message of length ${len}: pq_getmessage logs "invalid message length" (COMMERROR) and the backend exits without a message (pqcomm.c)`;
    if (type === 'X') return 'Terminate ends the session (postgres.c)';
    at += 1 + len;
  }
  return null;
}
