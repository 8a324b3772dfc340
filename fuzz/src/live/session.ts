/**
 * One live session against a server: log in if the plan says so, write
 * the plan's bytes, then wait (bounded) for what the server owes, decoding
 * every byte it sends strictly with pgcodec. The outcome says what
 * happened; the ones a healthy server never produces are findings.
 *
 *   answered       the probe query came back with its row: the session is sane
 *   refused        an ErrorResponse, then the server closed (what bad input should get)
 *   terminated     the plan itself sent Terminate, and the server closed
 *   closed-at-eof  the server closed without a word once we closed our side
 *                  (it was waiting for the rest of an incomplete message)
 *   closed-silently   the server closed without an ErrorResponse, before
 *                  our end of file: on the bytes themselves             finding
 *   hang           no answer and no close within the bound                finding
 *   invalid-answer the server's bytes are not valid protocol               finding
 *   no-login       a valid login failed                                   finding
 */
import { BackendMessageDecoder, ConnectionPhase, DataRow, ErrorResponse, ProtocolError, Query, type AnyBackendMessage } from 'pgcodec';
import { login, LoginRefused, type Credentials } from './login.js';
import { Peer } from './peer.js';
import { PROBE, PROBE_VALUE, type Plan } from './plans.js';

export type Outcome = 'answered' | 'refused' | 'terminated' | 'closed-at-eof' | 'closed-silently' | 'hang' | 'invalid-answer' | 'no-login';

/** Outcomes a healthy server never produces. */
export const FINDINGS: ReadonlySet<Outcome> = new Set(['closed-silently', 'hang', 'invalid-answer', 'no-login']);

export interface SessionResult {
  outcome: Outcome;
  /** The SQLSTATE of the first ErrorResponse, if any. */
  code: string | null;
  /** One line: what the server did. */
  detail: string;
  /** Every chunk written (login included), and every chunk received, as hex. */
  sent: string[];
  received: string[];
  /** Where the plan's own bytes start in `sent`. */
  planStart: number;
}

export interface Target {
  host: string;
  port: number;
  cred: Credentials;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** How long a server gets to act on bytes before it reads our end of file. */
const EOF_GRACE_MS = 300;

/** Runs `plan` against `target`, waiting at most `boundMs` for each step. */
export async function runSession(target: Target, plan: Plan, boundMs: number): Promise<SessionResult> {
  const peer = await Peer.connect(target.host, target.port, boundMs);
  const done = (outcome: Outcome, code: string | null, detail: string, planStart: number): SessionResult => {
    peer.destroy();
    return { outcome, code, detail, sent: peer.sent.map(hex), received: peer.received.map(hex), planStart };
  };
  let from = 0;
  if (plan.kind !== 'before-login') {
    try {
      await login(peer, target.cred, boundMs, plan.protocol32);
    } catch (e) {
      const detail = e instanceof LoginRefused ? e.message : `login failed: ${e instanceof Error ? e.message : String(e)}`;
      return done('no-login', e instanceof LoginRefused ? (e.response.code ?? null) : null, detail, peer.sent.length);
    }
    from = peer.received.length;
  }
  const planStart = peer.sent.length;
  for (const c of plan.chunks) peer.write(c);

  // What the server sends from here on, decoded strictly.
  const d = new BackendMessageDecoder({ phase: plan.kind === 'before-login' ? ConnectionPhase.AUTHENTICATING : ConnectionPhase.READY });
  let negotiations = plan.negotiations;
  let read = from;
  const got: AnyBackendMessage[] = [];
  let invalid: ProtocolError | null = null;
  const pull = (): void => {
    while (invalid === null && read < peer.received.length) {
      let chunk = peer.received[read++]!;
      // One-byte answers to SSLRequest / GSSENCRequest come before any frame.
      while (negotiations > 0 && chunk.length > 0 && d.buffered === 0 && got.length === 0 && [0x4e, 0x53, 0x47].includes(chunk[0]!)) {
        negotiations--;
        chunk = chunk.subarray(1);
      }
      try {
        d.feed(chunk);
        for (let m = d.read(); m !== null; m = d.read()) got.push(m);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        invalid = e;
      }
    }
  };
  const probeAnswered = () => got.some((m) => m instanceof DataRow && m.text(0) === PROBE_VALUE);
  let closedBeforeEof = false;
  if (plan.then === 'eof') {
    // A moment for the server to act on the bytes themselves, then end of file.
    await peer.until(() => (pull(), invalid !== null), EOF_GRACE_MS);
    closedBeforeEof = peer.closed;
    peer.end();
  }
  await peer.until(() => (pull(), invalid !== null || (plan.then === 'probe' && probeAnswered())), boundMs);
  pull();
  const error = got.find((m): m is ErrorResponse => m instanceof ErrorResponse);
  const code = error?.code ?? null;
  if (invalid !== null) return done('invalid-answer', code, `the server sent bytes pgcodec rejects: ${(invalid as ProtocolError).message}`, planStart);
  if (plan.then === 'probe' && probeAnswered()) return done('answered', code, `probe answered${error ? ` after ${error.toString()}` : ''}`, planStart);
  if (!peer.closed) return done('hang', code, `no ${plan.then === 'probe' ? 'probe answer' : 'close'} within ${boundMs} ms after the plan's bytes${error ? ` (last error: ${error.toString()})` : ''}`, planStart);
  if (error !== undefined) return done('refused', code, error.toString(), planStart);
  const sentTerminate = plan.kind === 'messages' && / Terminate|^Terminate/.test(plan.what);
  if (sentTerminate) return done('terminated', null, 'closed after the plan sent Terminate', planStart);
  if (plan.then === 'eof' && !closedBeforeEof) return done('closed-at-eof', null, `closed without a word after our end of file; ${got.length} message(s) before`, planStart);
  return done('closed-silently', null, `closed without an ErrorResponse${peer.error ? ` (${peer.error.message})` : ''}; ${got.length} message(s) before: ${got.map((m) => m.type).join(', ')}`, planStart);
}

/** Can a new connection still log in and run the probe? Returns null if so, else why not. */
export async function probeHealth(target: Target, boundMs: number): Promise<string | null> {
  let peer: Peer | null = null;
  try {
    peer = await Peer.connect(target.host, target.port, boundMs);
    const { pc } = await login(peer, target.cred, boundMs);
    pc.send(new Query({ queryString: PROBE }));
    const deadline = Date.now() + boundMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || peer.closed) return 'the probe query got no answer';
      for (const m of await pc.next(left)) {
        if (m instanceof ErrorResponse) return `the probe query failed: ${m.toString()}`;
        if (m instanceof DataRow) return m.text(0) === PROBE_VALUE ? null : `the probe query returned ${m.text(0)}`;
      }
    }
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    peer?.destroy();
  }
}
