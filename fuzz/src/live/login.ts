/**
 * Startup and authentication over a Peer, strictly checked by a
 * FrontendConnection: trust, cleartext, MD5 or SCRAM-SHA-256, as the
 * server asks. What a fuzz session does before its hostile part, and what
 * the health probe does to see that a server still accepts connections.
 */
import {
  AuthenticationCleartextPassword,
  AuthenticationGSS,
  AuthenticationGSSContinue,
  AuthenticationKerberosV5,
  AuthenticationMD5Password,
  AuthenticationSASL,
  AuthenticationSASLContinue,
  AuthenticationSASLFinal,
  AuthenticationSSPI,
  BackendKeyData,
  ErrorResponse,
  FrontendConnection,
  PasswordMessage,
  SASLInitialResponse,
  SASLResponse,
  StartupMessage,
  StartupRequestCode,
  type AnyBackendMessage,
} from 'pgcodec';
import { chooseScramMechanism, md5Password, ScramClient } from 'pgcodec/auth';
import type { Peer } from './peer.js';

export interface Credentials {
  user: string;
  password?: string;
  database?: string;
}

/** A FrontendConnection fed from a Peer. */
export class PeerConnection {
  readonly conn = new FrontendConnection();
  private read = 0;
  constructor(readonly peer: Peer) {}

  send(msg: Parameters<FrontendConnection['send']>[0]): void {
    this.peer.write(this.conn.send(msg));
  }

  /** Messages that arrived (decoded and checked), waiting up to `ms` for at least one; [] on timeout or close. */
  async next(ms: number): Promise<AnyBackendMessage[]> {
    await this.peer.until(() => this.peer.received.length > this.read, ms);
    const out: AnyBackendMessage[] = [];
    while (this.read < this.peer.received.length) out.push(...this.conn.receive(this.peer.received[this.read++]!));
    return out;
  }
}

/** Thrown when the server refuses the login: its ErrorResponse. */
export class LoginRefused extends Error {
  constructor(readonly response: ErrorResponse) {
    super(`login refused: ${response.toString()}`);
  }
}

/** Logs in within `ms`; resolves with the connection at its first ReadyForQuery and the backend's process id. */
export async function login(peer: Peer, cred: Credentials, ms: number, protocol32 = false): Promise<{ pc: PeerConnection; processId: number }> {
  const deadline = Date.now() + ms;
  const pc = new PeerConnection(peer);
  // statement_timeout: a fuzzed FunctionCall may land on pg_sleep; the session must still end.
  const params = { user: cred.user, database: cred.database ?? cred.user, statement_timeout: '5000', application_name: 'pgcodec-fuzz' };
  pc.send(new StartupMessage({ protocolVersion: protocol32 ? StartupRequestCode.V3_2 : StartupRequestCode.V3_0, params }));
  const password = cred.password ?? '';
  let scram: ScramClient | null = null;
  let processId = 0;
  while (!pc.conn.isReady) {
    const left = deadline - Date.now();
    if (left <= 0 || peer.closed) throw new Error(peer.closed ? 'the server closed the connection during login' : `no login within ${ms} ms`);
    for (const m of await pc.next(left)) {
      if (m instanceof ErrorResponse) throw new LoginRefused(m);
      if (m instanceof BackendKeyData) processId = m.processId;
      if (m instanceof AuthenticationSASL) {
        const mechanism = chooseScramMechanism(m.mechanisms, { canBind: false });
        scram = new ScramClient({ password, mechanism });
        pc.send(new SASLInitialResponse({ mechanism, data: scram.clientFirstMessage() }));
      } else if (m instanceof AuthenticationSASLContinue) {
        pc.send(new SASLResponse({ data: await scram!.clientFinalMessage(m.data) }));
      } else if (m instanceof AuthenticationSASLFinal) {
        scram!.verifyServerFinal(m.data);
      } else if (m instanceof AuthenticationMD5Password) {
        pc.send(new PasswordMessage({ password: md5Password(cred.user, password, m.salt) }));
      } else if (m instanceof AuthenticationCleartextPassword) {
        pc.send(new PasswordMessage({ password }));
      } else if (m instanceof AuthenticationKerberosV5 || m instanceof AuthenticationSSPI || m instanceof AuthenticationGSS || m instanceof AuthenticationGSSContinue) {
        throw new Error(`the server asks for ${m.type}, which this client does not do`);
      }
    }
  }
  return { pc, processId };
}
