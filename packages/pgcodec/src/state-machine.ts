/**
 * Everything that decides which message may come next lives here.
 *
 * This file does not know which role we play. Two tables say what each side
 * may send in each phase; a `FrontendStateMachine` checks its sends against
 * the frontend table and what it receives against the backend table, and a
 * `BackendStateMachine` the other way round. That is the only difference.
 *
 * Rules the tables and the steps below encode:
 *  1. Startup: SSLRequest/GSSENCRequest wait for a one-byte answer, after which
 *     (in the clear or inside TLS/GSS, which is the caller's business) the
 *     StartupMessage follows. A CancelRequest ends its connection.
 *  2. Authentication: the server asks (MD5, cleartext, GSS/SSPI, SASL), the
 *     client answers only what was asked, once; AuthenticationOk moves to
 *     INITIALIZATION, whose ReadyForQuery makes the connection READY. Once
 *     the client answered a password request, a request for another method
 *     is refused (a downgrade: cleartext after MD5). SASL runs in order:
 *     SASLInitialResponse naming an offered mechanism, then SASLContinue and
 *     SASLResponse in turn, at most one SASLFinal, and for SCRAM (whose
 *     server-final-message proves the server knew the password)
 *     AuthenticationOk only after it. Other mechanisms (OAUTHBEARER) may
 *     succeed without a SASLFinal, as auth-sasl.c allows.
 *  3. Every request the client sends is answered in order. The state machine
 *     keeps the queue of requests awaiting answers, so pipelining (several
 *     Syncs outstanding, queries sent before earlier ones finish) is tracked
 *     exactly. The phase is the kind of the oldest unanswered request:
 *     SIMPLE_QUERY, EXTENDED_QUERY or FUNCTION_CALL; READY when none.
 *  4. Extended query error rule: after an ErrorResponse the server discards
 *     every message up to the next Sync, so the requests before that Sync
 *     get no answers, and none sent before the Sync will.
 *  5. COPY: a CopyIn/Out/BothResponse opens COPY_IN/COPY_OUT/COPY_BOTH; each
 *     side ends its direction with CopyDone (or the client's CopyFail), and an
 *     ErrorResponse ends the copy. CopyData, CopyDone and CopyFail sent when
 *     no copy is running are accepted: the server ignores them, as after a
 *     copy that failed before the client noticed.
 *     One quirk is accepted because real servers do it: a walsender may send
 *     a keepalive CopyData after both sides ended a COPY_BOTH stream, until
 *     the CommandComplete of START_REPLICATION.
 *  6. NoticeResponse, ParameterStatus and NotificationResponse may come at
 *     any time after authentication began.
 *  7. An ErrorResponse of severity FATAL or PANIC, or any error before
 *     authentication completed, ends the connection: FAILED. Terminate ends
 *     it from the client: TERMINATED; a repeated Terminate is harmless
 *     (pg_basebackup sends two).
 *  8. Any violation puts the machine in FAILED and it says so afterwards;
 *     `StateMachineError.origin` tells a bad send (ours) from a bad receive
 *     (the peer's).
 */
import { ConnectionPhase } from './constants.js';
import { ErrorCode, StateMachineError } from './errors.js';
import type { PgMessage } from './messages/base.js';
import type { AuthenticationSASL, SASLInitialResponse } from './messages/auth.js';
import type { Describe } from './messages/extended-query.js';
import type { ErrorResponse } from './messages/error-notice.js';
import type { AnyBackendMessage, AnyFrontendMessage } from './messages/index.js';

/**
 * What a message does to the machine: go to a phase, or run one of the named steps below.
 * @inline
 */
type Step =
  | ConnectionPhase
  | 'stay'
  | 'request'
  | 'ignored'
  | 'password'
  | 'gssToken'
  | 'authRequest'
  | 'saslInitial'
  | 'saslResponse'
  | 'saslContinue'
  | 'saslFinal'
  | 'saslOk'
  | 'negotiated'
  | 'response'
  | 'readyForQuery'
  | 'error'
  | 'copyStart'
  | 'copyData'
  | 'copyDone';

/**
 * What one side may send in one phase: each message type allowed, and what it does.
 * @inline
 */
type Row = Readonly<Record<string, Step>>;
/**
 * What one side may send, phase by phase.
 * @inline
 */
type Table = Readonly<Record<ConnectionPhase, Row>>;

const P = ConnectionPhase;

// ---- what the frontend (client) may send ----

/** Requests the client may issue whenever it is connected and not copying in. */
const CLIENT_REQUESTS: Row = {
  Query: 'request',
  Parse: 'request',
  Bind: 'request',
  Describe: 'request',
  Execute: 'request',
  Close: 'request',
  Sync: 'request',
  FunctionCall: 'request',
  Flush: 'stay',
  CopyData: 'ignored',
  CopyDone: 'ignored',
  CopyFail: 'ignored',
  Terminate: P.TERMINATED,
};

/** What a client may send in each phase, and what each message does there. */
export const FRONTEND_TABLE: Table = {
  STARTUP: { StartupMessage: P.AUTHENTICATING, SSLRequest: P.SSL_NEGOTIATION, GSSEncRequest: P.GSS_NEGOTIATION, CancelRequest: P.TERMINATED },
  SSL_NEGOTIATION: {},
  GSS_NEGOTIATION: {},
  AUTHENTICATING: { PasswordMessage: 'password', GSSAuthResponse: 'gssToken', Terminate: P.TERMINATED },
  AUTHENTICATING_SASL_INITIAL: { SASLInitialResponse: 'saslInitial', Terminate: P.TERMINATED },
  AUTHENTICATING_SASL_CONTINUE: { SASLResponse: 'saslResponse', Terminate: P.TERMINATED },
  INITIALIZATION: { Terminate: P.TERMINATED },
  READY: CLIENT_REQUESTS,
  SIMPLE_QUERY: CLIENT_REQUESTS,
  EXTENDED_QUERY: CLIENT_REQUESTS,
  FUNCTION_CALL: CLIENT_REQUESTS,
  COPY_OUT: CLIENT_REQUESTS,
  // The server ignores Flush and Sync during copy-in.
  COPY_IN: { CopyData: 'copyData', CopyDone: 'copyDone', CopyFail: 'copyDone', Flush: 'stay', Sync: 'stay', Terminate: P.TERMINATED },
  COPY_BOTH: { CopyData: 'copyData', CopyDone: 'copyDone', Terminate: P.TERMINATED },
  // pg_basebackup -X stream says goodbye twice on one socket.
  TERMINATED: { Terminate: 'stay' },
  // A client may still say goodbye after a FATAL it has not read yet.
  FAILED: { Terminate: 'stay' },
};

// ---- what the backend (server) may send ----

/** Messages the server may send at any time once authentication began. */
const ASYNC: Row = { NoticeResponse: 'stay', ParameterStatus: 'stay', NotificationResponse: 'stay' };

const AUTH_REQUESTS: Row = {
  AuthenticationCleartextPassword: 'authRequest',
  AuthenticationMD5Password: 'authRequest',
  AuthenticationKerberosV5: 'authRequest',
  AuthenticationGSS: 'authRequest',
  AuthenticationSSPI: 'authRequest',
  AuthenticationGSSContinue: 'authRequest',
  AuthenticationSASL: P.AUTHENTICATING_SASL_INITIAL,
  AuthenticationOk: P.INITIALIZATION,
};

/** What a server may send in each phase, and what each message does there. */
export const BACKEND_TABLE: Table = {
  STARTUP: {},
  SSL_NEGOTIATION: { SSLResponse: 'negotiated', ErrorResponse: 'error' },
  GSS_NEGOTIATION: { GSSResponse: 'negotiated', ErrorResponse: 'error' },
  AUTHENTICATING: { ...AUTH_REQUESTS, NegotiateProtocolVersion: 'stay', NoticeResponse: 'stay', ErrorResponse: 'error' },
  AUTHENTICATING_SASL_INITIAL: { NoticeResponse: 'stay', ErrorResponse: 'error' },
  AUTHENTICATING_SASL_CONTINUE: {
    AuthenticationSASLContinue: 'saslContinue',
    AuthenticationSASLFinal: 'saslFinal',
    AuthenticationOk: 'saslOk',
    NoticeResponse: 'stay',
    ErrorResponse: 'error',
  },
  INITIALIZATION: { ...ASYNC, BackendKeyData: 'stay', ReadyForQuery: 'readyForQuery', ErrorResponse: 'error' },
  READY: { ...ASYNC, ErrorResponse: 'error' },
  SIMPLE_QUERY: {
    ...ASYNC,
    CopyData: 'copyData',
    RowDescription: 'response',
    DataRow: 'response',
    CommandComplete: 'response',
    EmptyQueryResponse: 'response',
    CopyInResponse: 'copyStart',
    CopyOutResponse: 'copyStart',
    CopyBothResponse: 'copyStart',
    ErrorResponse: 'error',
    ReadyForQuery: 'readyForQuery',
  },
  EXTENDED_QUERY: {
    ...ASYNC,
    ParseComplete: 'response',
    BindComplete: 'response',
    CloseComplete: 'response',
    ParameterDescription: 'response',
    NoData: 'response',
    RowDescription: 'response',
    DataRow: 'response',
    CommandComplete: 'response',
    EmptyQueryResponse: 'response',
    PortalSuspended: 'response',
    CopyInResponse: 'copyStart',
    CopyOutResponse: 'copyStart',
    CopyBothResponse: 'copyStart',
    ErrorResponse: 'error',
    ReadyForQuery: 'readyForQuery',
  },
  FUNCTION_CALL: { ...ASYNC, FunctionCallResponse: 'response', ErrorResponse: 'error', ReadyForQuery: 'readyForQuery' },
  COPY_IN: { ...ASYNC, ErrorResponse: 'error' },
  COPY_OUT: { ...ASYNC, CopyData: 'copyData', CopyDone: 'copyDone', ErrorResponse: 'error' },
  COPY_BOTH: { ...ASYNC, CopyData: 'copyData', CopyDone: 'copyDone', ErrorResponse: 'error' },
  TERMINATED: {},
  FAILED: {},
};

/** "A, B or C" */
function oneOf(names: readonly string[]): string {
  if (names.length === 0) return 'nothing';
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** What the table allows in `phase`, for hints: "A, B or C". */
export function expected(table: Table, phase: ConnectionPhase): string {
  return oneOf(Object.keys(table[phase]));
}

// ---- the machine ----

/** A request awaiting its answers, and how far those answers have come. */
interface Pending {
  /** Query, Parse, Bind, DescribeS, DescribeP, Execute, Close, Sync or FunctionCall; Attached: extended requests sent before we attached. */
  kind: string;
  /** Query: a RowDescription opened a row set. DescribeS: ParameterDescription came. FunctionCall: the result came. */
  progressed: boolean;
}

/** Answers that complete each extended request (besides the ErrorResponse any may get). */
const ANSWERS: Readonly<Record<string, readonly string[]>> = {
  Parse: ['ParseComplete'],
  Bind: ['BindComplete'],
  Close: ['CloseComplete'],
  DescribeS: ['ParameterDescription'],
  DescribeP: ['RowDescription', 'NoData'],
  Execute: ['DataRow', 'CommandComplete', 'EmptyQueryResponse', 'PortalSuspended', 'CopyInResponse', 'CopyOutResponse'],
  Sync: ['ReadyForQuery'],
  Query: ['RowDescription', 'CommandComplete', 'EmptyQueryResponse', 'CopyInResponse', 'CopyOutResponse', 'CopyBothResponse', 'ReadyForQuery'],
  FunctionCall: ['FunctionCallResponse'],
};

const EXTENDED = new Set(['Parse', 'Bind', 'DescribeS', 'DescribeP', 'Execute', 'Close', 'Sync']);

/** Every answer an extended request may get: what requests we did not see (attached mid-conversation) may have been answered with. */
const ANSWERS_ANY_EXTENDED = new Set(['Parse', 'Bind', 'Close', 'DescribeS', 'DescribeP', 'Execute'].flatMap((k) => ANSWERS[k]!));

/** What a side does with a message (pygwire's MessageAction): `tolerate` takes one. */
export const MessageAction = {
  /** A message this side sends. */
  SEND: 'send',
  /** A message received from the peer. */
  RECEIVE: 'receive',
} as const;
export type MessageAction = (typeof MessageAction)[keyof typeof MessageAction];

/** Options of a state machine. */
export interface StateMachineOptions {
  /**
   * Phase to start in (default STARTUP): later phases attach to a
   * conversation already under way (a proxy or pooler joining a running
   * connection). SIMPLE_QUERY, EXTENDED_QUERY, FUNCTION_CALL, COPY_IN,
   * COPY_OUT and COPY_BOTH imply the request that put the conversation
   * there: a Query (with its rows possibly started), extended requests up to
   * one Sync (whatever their answers), a FunctionCall, a COPY.
   */
  initialPhase?: ConnectionPhase;
  /** Who this machine speaks for in error messages (default its class name; connections give theirs). */
  name?: string;
}

/**
 * Who speaks, for the tables: the side whose table governs a message.
 * @inline
 */
type Speaker = 'frontend' | 'backend';

/**
 * Checks each message against the phase, and moves the phase on.
 * FrontendStateMachine and BackendStateMachine say which side it speaks for.
 */
export abstract class ProtocolStateMachine {
  /** The table that governs what this side sends. */
  protected abstract readonly sends: Speaker;

  private settled: ConnectionPhase;
  private readonly queue: Pending[] = [];
  /** Extended messages sent since the last Sync. */
  private openBatch = false;
  /** After an extended-query error: the server discards until the client's next Sync. */
  private discarding = false;
  private copy: 'in' | 'out' | 'both' | null = null;
  private clientCopyDone = false;
  private serverCopyDone = false;
  /** A COPY_BOTH stream just ended: the walsender may still send a keepalive (rule 5). */
  private copyBothLingers = false;
  /** The last authentication request, to check the client answers what was asked. */
  private authRequest: string | null = null;
  /** The last request awaits the client's answer (each is answered once). */
  private authPending = false;
  /** How the client answered so far: a new method after a password is a downgrade. */
  private authAnswered: 'password' | 'gss' | null = null;
  /** SASL: the mechanisms offered, the one chosen, and whose turn it is. */
  private saslOffered: readonly string[] = [];
  private saslMechanism = '';
  private saslTurn: 'client' | 'server' | 'done' = 'client';
  private failure: StateMachineError | null = null;
  /** Who this machine speaks for, in errors. */
  readonly name: string;

  constructor(opts: StateMachineOptions = {}) {
    this.settled = opts.initialPhase ?? P.STARTUP;
    this.name = opts.name ?? this.constructor.name;
    this.attach(this.settled);
  }

  /** Starting mid-conversation: the phases derived from pending requests become READY plus the request they imply. */
  private attach(phase: ConnectionPhase): void {
    const pending = (kind: string, progressed = false) => this.queue.push({ kind, progressed });
    switch (phase) {
      case P.SIMPLE_QUERY:
        pending('Query', true); // rows may already be flowing
        break;
      case P.EXTENDED_QUERY:
        pending('Attached');
        pending('Sync');
        break;
      case P.FUNCTION_CALL:
        pending('FunctionCall');
        break;
      case P.COPY_IN:
      case P.COPY_OUT:
      case P.COPY_BOTH:
        pending('Query');
        this.copy = phase === P.COPY_IN ? 'in' : phase === P.COPY_OUT ? 'out' : 'both';
        this.clientCopyDone = this.copy === 'out';
        this.serverCopyDone = this.copy === 'in';
        break;
      default:
        return;
    }
    this.settled = P.READY;
  }

  /** Where the conversation stands (derived from the requests awaiting answers once READY was reached). */
  get phase(): ConnectionPhase {
    const s = this.settled;
    if (s !== P.READY) return s;
    if (this.copy !== null) return this.copy === 'in' ? P.COPY_IN : this.copy === 'out' ? P.COPY_OUT : P.COPY_BOTH;
    const front = this.queue[0];
    if (front === undefined) return this.openBatch || this.discarding ? P.EXTENDED_QUERY : P.READY;
    if (front.kind === 'Query') return P.SIMPLE_QUERY;
    if (front.kind === 'FunctionCall') return P.FUNCTION_CALL;
    return P.EXTENDED_QUERY;
  }

  /** Idle: no request awaits an answer. */
  get isReady(): boolean {
    return this.phase === P.READY;
  }

  /** Not terminated and not failed. */
  get isActive(): boolean {
    return this.settled !== P.TERMINATED && this.settled !== P.FAILED;
  }

  /** Syncs sent whose ReadyForQuery has not arrived. */
  get pendingSyncs(): number {
    let n = 0;
    for (const p of this.queue) if (p.kind === 'Sync') n++;
    return n;
  }

  /** Requests sent and not yet fully answered, oldest first. */
  get pendingRequests(): readonly string[] {
    return this.queue.map((p) => p.kind);
  }

  /** The server asked for GSSAPI/SSPI: the client's 'p' messages carry GSS tokens. */
  get gssAuthentication(): boolean {
    const a = this.authRequest;
    return a === 'AuthenticationGSS' || a === 'AuthenticationSSPI' || a === 'AuthenticationGSSContinue';
  }

  /** The violation that failed this machine, if any. */
  get error(): StateMachineError | null {
    return this.failure;
  }

  /** Checks and records a message this side sends. Throws `StateMachineError` if it may not be sent now. */
  send(msg: PgMessage): void {
    this.apply(msg, this.sends, 'local');
  }

  /** Checks and records a message received from the peer. Throws `StateMachineError` if the peer may not send it now. */
  receive(msg: PgMessage): void {
    this.apply(msg, this.sends === 'frontend' ? 'backend' : 'frontend', 'peer');
  }

  /**
   * Like send/receive but never throws: a violation is returned, the
   * machine keeps going (best effort), and does not fail. For non-strict use.
   */
  tolerate(msg: PgMessage, action: MessageAction): StateMachineError | null {
    const speaker: Speaker = action === MessageAction.SEND ? this.sends : this.sends === 'frontend' ? 'backend' : 'frontend';
    try {
      this.step(msg, speaker, action === MessageAction.SEND ? 'local' : 'peer');
      return null;
    } catch (e) {
      if (e instanceof StateMachineError) return e;
      throw e;
    }
  }

  private apply(msg: PgMessage, speaker: Speaker, origin: 'local' | 'peer'): void {
    if (this.failure !== null && !(this.settled === P.FAILED && speaker === 'frontend' && msg.type === 'Terminate')) {
      throw new StateMachineError(ErrorCode.UNEXPECTED_MESSAGE, `${this.name} failed earlier (${this.failure.message})`, {
        messageType: msg.type,
        origin,
        cause: this.failure,
      });
    }
    try {
      this.step(msg, speaker, origin);
    } catch (e) {
      if (e instanceof StateMachineError) {
        this.failure = e;
        this.settled = P.FAILED;
      }
      throw e;
    }
  }

  /**
   * The error for a message this machine may not take, worded from its own
   * point of view: "FrontendConnection cannot send X in phase P; ..." or
   * "BackendConnection received X from the client in phase P; ...".
   */
  private violation(speaker: Speaker, origin: 'local' | 'peer', msg: PgMessage, phase: ConnectionPhase, detail: string): StateMachineError {
    const what = origin === 'local' ? `cannot send ${msg.type}` : `received ${msg.type} from the ${speaker === 'frontend' ? 'client' : 'server'}`;
    return new StateMachineError(ErrorCode.UNEXPECTED_MESSAGE, `${this.name} ${what} in phase ${phase}${detail}`, { messageType: msg.type, origin });
  }

  private step(msg: PgMessage, speaker: Speaker, origin: 'local' | 'peer'): void {
    const table = speaker === 'frontend' ? FRONTEND_TABLE : BACKEND_TABLE;
    const phase = this.phase;
    const step = table[phase][msg.type];
    if (step === undefined) throw this.violation(speaker, origin, msg, phase, `; expected ${expected(table, phase)}`);
    const fail = (detail: string): never => {
      throw this.violation(speaker, origin, msg, phase, `: ${detail}`);
    };

    switch (step) {
      case 'stay':
      case 'ignored':
        return;
      case 'request':
        return this.request(msg as AnyFrontendMessage);
      case 'password':
        if (this.authRequest !== 'AuthenticationCleartextPassword' && this.authRequest !== 'AuthenticationMD5Password') {
          fail(`the server asked for ${this.authRequest ?? 'nothing yet'}, not a password`);
        }
        if (!this.authPending) fail(`the client already answered ${this.authRequest}`);
        this.authPending = false;
        this.authAnswered = 'password';
        return;
      case 'gssToken':
        if (!this.gssAuthentication) fail(`the server asked for ${this.authRequest ?? 'nothing yet'}, not a GSS token`);
        this.authPending = false;
        this.authAnswered = 'gss';
        return;
      case 'authRequest':
        this.checkNewMethod(msg.type, fail);
        this.authRequest = msg.type;
        this.authPending = true;
        return;
      case 'saslInitial': {
        const mechanism = (msg as SASLInitialResponse).mechanism;
        if (!this.saslOffered.includes(mechanism)) fail(`mechanism ${mechanism} was not offered (${this.saslOffered.join(', ') || 'none'})`);
        this.saslMechanism = mechanism;
        this.saslTurn = 'server';
        this.settled = P.AUTHENTICATING_SASL_CONTINUE;
        return;
      }
      case 'saslResponse':
        if (this.saslTurn !== 'client') fail(this.saslTurn === 'done' ? 'the server already sent AuthenticationSASLFinal' : 'the server has not answered the last SASL message');
        this.saslTurn = 'server';
        return;
      case 'saslContinue':
      case 'saslFinal':
        if (this.saslTurn !== 'server') fail(this.saslTurn === 'done' ? 'after AuthenticationSASLFinal only AuthenticationOk may come' : 'the client has not answered the last SASL message');
        this.saslTurn = step === 'saslFinal' ? 'done' : 'client';
        return;
      case 'saslOk':
        // SCRAM's server-final-message proves the server knew the password: Ok without it skips that proof.
        if (this.saslTurn === 'client') fail('the client has not answered the last SASL message');
        if (this.saslTurn !== 'done' && this.saslMechanism.startsWith('SCRAM-')) {
          fail(`${this.saslMechanism} needs AuthenticationSASLFinal (the server's proof) before AuthenticationOk`);
        }
        this.settled = P.INITIALIZATION;
        this.authRequest = msg.type;
        return;
      case 'negotiated':
        // 'S'/'G': the caller now runs TLS/GSS and sends the StartupMessage inside it; 'N': in the clear.
        this.settled = P.STARTUP;
        return;
      case 'response':
        return this.response(msg as AnyBackendMessage, fail);
      case 'readyForQuery':
        return this.readyForQuery(fail);
      case 'error':
        return this.errorResponse(msg as ErrorResponse, fail);
      case 'copyStart':
        return this.copyStart(msg as AnyBackendMessage, fail);
      case 'copyData':
        if (this.copy === null) {
          if (!this.copyBothLingers) fail('no COPY is in progress');
        } else if (speaker === 'frontend' ? this.clientCopyDone : this.serverCopyDone) fail('this side already sent CopyDone');
        return;
      case 'copyDone':
        return this.copyDone(speaker, fail);
      default:
        if (step === P.AUTHENTICATING_SASL_INITIAL) {
          this.checkNewMethod(msg.type, fail);
          this.saslOffered = (msg as AuthenticationSASL).mechanisms;
          this.saslTurn = 'client';
        }
        this.settled = step;
        if (step === P.INITIALIZATION || step === P.AUTHENTICATING_SASL_INITIAL) this.authRequest = msg.type;
    }
  }

  /**
   * A new authentication request: refused once the client answered a
   * password (asking again, or for another method, is a downgrade: cleartext
   * after MD5), or while a request awaits its answer. After a GSS token only
   * AuthenticationGSSContinue may follow.
   */
  private checkNewMethod(type: string, fail: (d: string) => never): void {
    if (this.authAnswered === 'password') fail(`the client already answered ${this.authRequest} with a password; a new request could be a downgrade`);
    if (this.authAnswered === 'gss' && type !== 'AuthenticationGSSContinue') fail(`the client is in a GSSAPI exchange; only AuthenticationGSSContinue may follow`);
    if (this.authPending && type !== 'AuthenticationGSSContinue') fail(`${this.authRequest} has not been answered`);
  }

  private request(msg: AnyFrontendMessage): void {
    const kind = msg.type === 'Describe' ? ((msg as Describe).kind === 'S' ? 'DescribeS' : 'DescribeP') : msg.type;
    if (kind === 'Sync') {
      this.openBatch = false;
      this.discarding = false;
    } else if (kind === 'Query' || kind === 'FunctionCall') {
      // The server discards these too while it waits for a Sync; otherwise they end any open batch.
      if (this.discarding) return;
      this.openBatch = false;
    } else {
      if (EXTENDED.has(kind)) this.openBatch = true;
      // The server throws these away unanswered (rule 4).
      if (this.discarding) return;
    }
    this.queue.push({ kind, progressed: false });
  }

  private response(msg: AnyBackendMessage, fail: (d: string) => never): void {
    const front = this.queue[0];
    if (front === undefined) return fail('no request awaits an answer');
    const t = msg.type;
    switch (front.kind) {
      case 'Attached':
        // Answers to requests sent before we attached: any extended answer, until the Sync's ReadyForQuery.
        if (!ANSWERS_ANY_EXTENDED.has(t)) fail(`expected an answer to extended requests (attached mid-conversation)`);
        return;
      case 'Query':
        this.copyBothLingers = false;
        if (t === 'RowDescription') front.progressed = true;
        else if (t === 'DataRow' && !front.progressed) fail('DataRow before RowDescription');
        else if (t === 'CommandComplete' || t === 'EmptyQueryResponse') front.progressed = false;
        return;
      case 'DescribeS':
        if (!front.progressed) {
          if (t !== 'ParameterDescription') fail('expected ParameterDescription (answering Describe of a statement)');
          front.progressed = true;
          return;
        }
        if (t !== 'RowDescription' && t !== 'NoData') fail('expected RowDescription or NoData (answering Describe of a statement)');
        this.queue.shift();
        return;
      case 'Execute':
        if (t === 'DataRow') return;
        if (t !== 'CommandComplete' && t !== 'EmptyQueryResponse' && t !== 'PortalSuspended') {
          fail('expected DataRow, CommandComplete, EmptyQueryResponse or PortalSuspended (answering Execute)');
        }
        this.queue.shift();
        return;
      case 'FunctionCall':
        if (t !== 'FunctionCallResponse' || front.progressed) fail('expected ReadyForQuery (answering FunctionCall)');
        front.progressed = true;
        return;
      default: {
        const answers = ANSWERS[front.kind]!;
        if (!answers.includes(t)) fail(`expected ${oneOf(answers)} (answering ${front.kind})`);
        this.queue.shift();
      }
    }
  }

  private readyForQuery(fail: (d: string) => never): void {
    if (this.settled === P.INITIALIZATION) {
      this.settled = P.READY;
      return;
    }
    // What we attached to ends at its Sync's ReadyForQuery.
    if (this.queue[0]?.kind === 'Attached') this.queue.shift();
    const front = this.queue[0];
    if (front === undefined || (front.kind !== 'Sync' && front.kind !== 'Query' && front.kind !== 'FunctionCall')) {
      fail(front === undefined ? 'no request awaits an answer' : `expected ${oneOf(ANSWERS[front.kind]!)} (answering ${front.kind})`);
    }
    if (front!.kind === 'FunctionCall' && !front!.progressed) fail('expected FunctionCallResponse first');
    this.queue.shift();
    this.copyBothLingers = false;
  }

  private errorResponse(msg: ErrorResponse, fail: (d: string) => never): void {
    const severity = msg.get('V') ?? msg.severity;
    if (severity === 'FATAL' || severity === 'PANIC' || this.settled !== P.READY) {
      this.settled = P.FAILED;
      return;
    }
    this.copy = null;
    const front = this.queue[0];
    if (front === undefined) fail('no request awaits an answer');
    if (front.kind === 'Query' || front.kind === 'FunctionCall') {
      // The rest of a simple query is skipped; ReadyForQuery follows.
      front.progressed = front.kind === 'FunctionCall';
      return;
    }
    // Rule 4: everything up to the next Sync goes unanswered.
    while (this.queue.length > 0 && this.queue[0]!.kind !== 'Sync') this.queue.shift();
    if (this.queue.length === 0) this.discarding = true;
  }

  private copyStart(msg: AnyBackendMessage, fail: (d: string) => never): void {
    const front = this.queue[0];
    if (front === undefined || (front.kind !== 'Query' && front.kind !== 'Execute' && front.kind !== 'Attached')) fail('no Query or Execute awaits an answer');
    if (msg.type === 'CopyBothResponse' && front!.kind !== 'Query') fail('CopyBothResponse answers only a simple Query (replication)');
    this.copy = msg.type === 'CopyInResponse' ? 'in' : msg.type === 'CopyOutResponse' ? 'out' : 'both';
    this.clientCopyDone = this.copy === 'out';
    this.serverCopyDone = this.copy === 'in';
  }

  private copyDone(speaker: Speaker, fail: (d: string) => never): void {
    if (speaker === 'frontend') {
      if (this.clientCopyDone) fail('the client already ended its copy direction');
      this.clientCopyDone = true;
    } else {
      if (this.serverCopyDone) fail('the server already ended its copy direction');
      this.serverCopyDone = true;
    }
    if (this.clientCopyDone && this.serverCopyDone) {
      this.copyBothLingers = this.copy === 'both';
      this.copy = null;
    }
  }
}

/** The client's view: checks what it sends against the frontend table, what it receives against the backend table. */
export class FrontendStateMachine extends ProtocolStateMachine {
  protected readonly sends = 'frontend';
}

/** The server's view: checks what it sends against the backend table, what it receives against the frontend table. */
export class BackendStateMachine extends ProtocolStateMachine {
  protected readonly sends = 'backend';
}
