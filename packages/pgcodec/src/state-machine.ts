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
import { typeId, typeName } from './messages/type-ids.js';
import { ErrorCode, StateMachineError } from './errors.js';
import type { PgMessage } from './messages/base.js';
import type { AuthenticationSASL, SASLInitialResponse } from './messages/auth.js';
import type { Describe } from './messages/extended-query.js';
import type { ErrorResponse } from './messages/error-notice.js';

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

// ---- the tables as arrays: what the machine looks up per message ----

/** Every phase, in declaration order: a phase's index into the compiled tables. */
const PHASE_LIST: readonly ConnectionPhase[] = Object.values(P);
const PHASE_INDEX = new Map<ConnectionPhase, number>(PHASE_LIST.map((p, i) => [p, i]));

/** Named steps as small integers; a step that moves to a phase is PHASE_STEP + the phase's index; 0: not allowed. */
const STEP_CODES = ['', 'stay', 'ignored', 'request', 'password', 'gssToken', 'authRequest', 'saslInitial', 'saslResponse', 'saslContinue', 'saslFinal', 'saslOk', 'negotiated', 'response', 'readyForQuery', 'error', 'copyStart', 'copyData', 'copyDone'] as const;
const S = Object.fromEntries(STEP_CODES.map((name, i) => [name, i])) as Record<(typeof STEP_CODES)[number], number>;
const PHASE_STEP = 64;

/** Per phase index, per message type id, the step's code (0 or beyond the array: not allowed). */
function compile(table: Table): Uint8Array[] {
  const rows = PHASE_LIST.map((phase) => Object.entries(table[phase]).map(([type, step]) => [typeId(type), step] as const));
  const size = 1 + Math.max(...rows.flat().map(([id]) => id));
  return rows.map((row) => {
    const codes = new Uint8Array(size);
    for (const [id, step] of row) codes[id] = PHASE_INDEX.has(step as ConnectionPhase) ? PHASE_STEP + PHASE_INDEX.get(step as ConnectionPhase)! : S[step as keyof typeof S];
    return codes;
  });
}

const FRONTEND_CODES = compile(FRONTEND_TABLE);
const BACKEND_CODES = compile(BACKEND_TABLE);
const TERMINATE = typeId('Terminate');
const DESCRIBE = typeId('Describe');

/** A Describe's kind byte for a statement ('S'); 'P' names a portal. */
const KIND_STATEMENT = 0x53;

/** A Describe's kind as a byte (0 for other messages): what the machine reads of its payload. */
function describeKind(msg: PgMessage): number {
  return msg.type === 'Describe' ? (msg as Describe).kind.charCodeAt(0) : 0;
}

/**
 * Message types whose step reads their payload: the frame path decodes
 * these (every other type is checked by its name, a Describe by its kind byte).
 */
export const NEEDS_MESSAGE: ReadonlySet<string> = new Set(['ErrorResponse', 'SASLInitialResponse', 'AuthenticationSASL']);

/** The message a step needs the payload of (see NEEDS_MESSAGE). */
function needed(msg: PgMessage | null, type: string): PgMessage {
  if (msg === null) throw new TypeError(`the state machine needs the decoded ${type}, not its type alone`);
  return msg;
}

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

/** Answered requests' records kept for reuse, per machine. */
const SPARE_PENDING = 8;

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
  /** Records of answered requests, for reuse. */
  private readonly spare: Pending[] = [];
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

  /** The phase as of the last step, and its index into the compiled tables (worked out once per step: it is read per frame). */
  private current: ConnectionPhase;
  private currentIndex: number;

  constructor(opts: StateMachineOptions = {}) {
    this.settled = opts.initialPhase ?? P.STARTUP;
    this.name = opts.name ?? this.constructor.name;
    this.attach(this.settled);
    this.current = this.derive();
    this.currentIndex = PHASE_INDEX.get(this.current)!;
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
    return this.current;
  }

  /** Works out the phase from what is settled, the copy under way and the oldest request awaiting answers. */
  private derive(): ConnectionPhase {
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
    this.apply(typeId(msg.type), msg, describeKind(msg), this.sends, 'local');
  }

  /** Checks and records a message received from the peer. Throws `StateMachineError` if the peer may not send it now. */
  receive(msg: PgMessage): void {
    this.apply(typeId(msg.type), msg, describeKind(msg), this.peer, 'peer');
  }

  /**
   * Like send/receive but never throws: a violation is returned, the
   * machine keeps going (best effort), and does not fail. For non-strict use.
   */
  tolerate(msg: PgMessage, action: MessageAction): StateMachineError | null {
    return this.tolerateType(typeId(msg.type), msg, describeKind(msg), action);
  }

  /**
   * @internal The frame path: `send` for a frame known by its message type
   * id alone (see messages/type-ids.ts; a Describe's kind byte aside),
   * checked without being decoded. Only for types whose step needs no
   * payload (see `NEEDS_MESSAGE`).
   */
  sendType(type: number, kind: number): void {
    this.apply(type, null, kind, this.sends, 'local');
  }

  /** @internal `receive` for a frame known by its message type alone (see `sendType`). */
  receiveType(type: number, kind: number): void {
    this.apply(type, null, kind, this.peer, 'peer');
  }

  /** @internal `tolerate` for a frame known by its message type alone (see `sendType`). */
  tolerateType(type: number, msg: PgMessage | null, kind: number, action: MessageAction): StateMachineError | null {
    const local = action === MessageAction.SEND;
    try {
      this.step(type, msg, kind, local ? this.sends : this.peer, local ? 'local' : 'peer');
      return null;
    } catch (e) {
      if (e instanceof StateMachineError) return e;
      throw e;
    } finally {
      this.moved();
    }
  }

  /** After a step: the phase it leads to. */
  private moved(): void {
    const phase = this.derive();
    if (phase !== this.current) {
      this.current = phase;
      this.currentIndex = PHASE_INDEX.get(phase)!;
    }
  }

  /** The side whose table governs what this machine receives. */
  private get peer(): Speaker {
    return this.sends === 'frontend' ? 'backend' : 'frontend';
  }

  private apply(type: number, msg: PgMessage | null, kind: number, speaker: Speaker, origin: 'local' | 'peer'): void {
    if (this.failure !== null && !(this.settled === P.FAILED && speaker === 'frontend' && type === TERMINATE)) {
      throw new StateMachineError(ErrorCode.UNEXPECTED_MESSAGE, `${this.name} failed earlier (${this.failure.message})`, {
        messageType: typeName(type),
        origin,
        cause: this.failure,
      });
    }
    try {
      this.step(type, msg, kind, speaker, origin);
    } catch (e) {
      if (e instanceof StateMachineError) {
        this.failure = e;
        this.settled = P.FAILED;
      }
      throw e;
    } finally {
      this.moved();
    }
  }

  // What the step under way is about, for `fail` (fields rather than a closure per step: this runs for every frame;
  // its phase is `current`, which moves on only after the step).
  private curType = 0;
  private curSpeaker: Speaker = 'frontend';
  private curOrigin: 'local' | 'peer' = 'local';

  /**
   * The error for a message this machine may not take, worded from its own
   * point of view: "FrontendConnection cannot send X in phase P; ..." or
   * "BackendConnection received X from the client in phase P; ...".
   */
  private violation(detail: string): StateMachineError {
    const type = typeName(this.curType);
    const what = this.curOrigin === 'local' ? `cannot send ${type}` : `received ${type} from the ${this.curSpeaker === 'frontend' ? 'client' : 'server'}`;
    return new StateMachineError(ErrorCode.UNEXPECTED_MESSAGE, `${this.name} ${what} in phase ${this.current}${detail}`, { messageType: type, origin: this.curOrigin });
  }

  /** Refuses the message under way. */
  private fail(detail: string): never {
    throw this.violation(`: ${detail}`);
  }

  /** `msg` is null on the frame path, for types whose step reads no payload; `kind` is a Describe's 'S' or 'P' (as a byte). */
  private step(type: number, msg: PgMessage | null, kind: number, speaker: Speaker, origin: 'local' | 'peer'): void {
    const row = (speaker === 'frontend' ? FRONTEND_CODES : BACKEND_CODES)[this.currentIndex]!;
    const step = type < row.length ? row[type]! : 0;
    this.curType = type;
    this.curSpeaker = speaker;
    this.curOrigin = origin;
    if (step === 0) throw this.violation(`; expected ${expected(speaker === 'frontend' ? FRONTEND_TABLE : BACKEND_TABLE, this.current)}`);
    const name = typeName(type);

    switch (step) {
      case S.stay:
      case S.ignored:
        return;
      case S.request:
        return this.request(type === DESCRIBE ? (kind === KIND_STATEMENT ? 'DescribeS' : 'DescribeP') : name);
      case S.password:
        if (this.authRequest !== 'AuthenticationCleartextPassword' && this.authRequest !== 'AuthenticationMD5Password') {
          this.fail(`the server asked for ${this.authRequest ?? 'nothing yet'}, not a password`);
        }
        if (!this.authPending) this.fail(`the client already answered ${this.authRequest}`);
        this.authPending = false;
        this.authAnswered = 'password';
        return;
      case S.gssToken:
        if (!this.gssAuthentication) this.fail(`the server asked for ${this.authRequest ?? 'nothing yet'}, not a GSS token`);
        this.authPending = false;
        this.authAnswered = 'gss';
        return;
      case S.authRequest:
        this.checkNewMethod(name);
        this.authRequest = name;
        this.authPending = true;
        return;
      case S.saslInitial: {
        const mechanism = (needed(msg, name) as SASLInitialResponse).mechanism;
        if (!this.saslOffered.includes(mechanism)) this.fail(`mechanism ${mechanism} was not offered (${this.saslOffered.join(', ') || 'none'})`);
        this.saslMechanism = mechanism;
        this.saslTurn = 'server';
        this.settled = P.AUTHENTICATING_SASL_CONTINUE;
        return;
      }
      case S.saslResponse:
        if (this.saslTurn !== 'client') this.fail(this.saslTurn === 'done' ? 'the server already sent AuthenticationSASLFinal' : 'the server has not answered the last SASL message');
        this.saslTurn = 'server';
        return;
      case S.saslContinue:
      case S.saslFinal:
        if (this.saslTurn !== 'server') this.fail(this.saslTurn === 'done' ? 'after AuthenticationSASLFinal only AuthenticationOk may come' : 'the client has not answered the last SASL message');
        this.saslTurn = step === S.saslFinal ? 'done' : 'client';
        return;
      case S.saslOk:
        // SCRAM's server-final-message proves the server knew the password: Ok without it skips that proof.
        if (this.saslTurn === 'client') this.fail('the client has not answered the last SASL message');
        if (this.saslTurn !== 'done' && this.saslMechanism.startsWith('SCRAM-')) {
          this.fail(`${this.saslMechanism} needs AuthenticationSASLFinal (the server's proof) before AuthenticationOk`);
        }
        this.settled = P.INITIALIZATION;
        this.authRequest = name;
        return;
      case S.negotiated:
        // 'S'/'G': the caller now runs TLS/GSS and sends the StartupMessage inside it; 'N': in the clear.
        this.settled = P.STARTUP;
        return;
      case S.response:
        return this.response(name);
      case S.readyForQuery:
        return this.readyForQuery();
      case S.error:
        return this.errorResponse(needed(msg, name) as ErrorResponse);
      case S.copyStart:
        return this.copyStart(name);
      case S.copyData:
        if (this.copy === null) {
          if (!this.copyBothLingers) this.fail('no COPY is in progress');
        } else if (speaker === 'frontend' ? this.clientCopyDone : this.serverCopyDone) this.fail('this side already sent CopyDone');
        return;
      case S.copyDone:
        return this.copyDone(speaker);
      default: {
        const phase = PHASE_LIST[step - PHASE_STEP]!;
        if (phase === P.AUTHENTICATING_SASL_INITIAL) {
          this.checkNewMethod(name);
          this.saslOffered = (needed(msg, name) as AuthenticationSASL).mechanisms;
          this.saslTurn = 'client';
        }
        this.settled = phase;
        if (phase === P.INITIALIZATION || phase === P.AUTHENTICATING_SASL_INITIAL) this.authRequest = name;
      }
    }
  }

  /**
   * A new authentication request: refused once the client answered a
   * password (asking again, or for another method, is a downgrade: cleartext
   * after MD5), or while a request awaits its answer. After a GSS token only
   * AuthenticationGSSContinue may follow.
   */
  private checkNewMethod(type: string): void {
    if (this.authAnswered === 'password') this.fail(`the client already answered ${this.authRequest} with a password; a new request could be a downgrade`);
    if (this.authAnswered === 'gss' && type !== 'AuthenticationGSSContinue') this.fail(`the client is in a GSSAPI exchange; only AuthenticationGSSContinue may follow`);
    if (this.authPending && type !== 'AuthenticationGSSContinue') this.fail(`${this.authRequest} has not been answered`);
  }

  /** A request (a Describe as DescribeS or DescribeP): the answers it awaits join the queue. */
  private request(kind: string): void {
    if (kind === 'Sync') {
      this.openBatch = false;
      this.discarding = false;
    } else if (kind === 'Query' || kind === 'FunctionCall') {
      // The server discards these too while it waits for a Sync; otherwise they end any open batch.
      if (this.discarding) return;
      this.openBatch = false;
    } else {
      // Parse, Bind, Describe, Execute, Close: an extended batch is open until its Sync.
      this.openBatch = true;
      // The server throws these away unanswered (rule 4).
      if (this.discarding) return;
    }
    const p = this.spare.pop();
    if (p === undefined) this.queue.push({ kind, progressed: false });
    else {
      p.kind = kind;
      p.progressed = false;
      this.queue.push(p);
    }
  }

  /** The oldest request is fully answered; its record is kept for the next request (a few per query, every query). */
  private answered(): void {
    const p = this.queue.shift();
    if (p !== undefined && this.spare.length < SPARE_PENDING) this.spare.push(p);
  }

  private response(t: string): void {
    const front = this.queue[0];
    if (front === undefined) return this.fail('no request awaits an answer');
    switch (front.kind) {
      case 'Attached':
        // Answers to requests sent before we attached: any extended answer, until the Sync's ReadyForQuery.
        if (!ANSWERS_ANY_EXTENDED.has(t)) this.fail(`expected an answer to extended requests (attached mid-conversation)`);
        return;
      case 'Query':
        this.copyBothLingers = false;
        if (t === 'RowDescription') front.progressed = true;
        else if (t === 'DataRow' && !front.progressed) this.fail('DataRow before RowDescription');
        else if (t === 'CommandComplete' || t === 'EmptyQueryResponse') front.progressed = false;
        return;
      case 'DescribeS':
        if (!front.progressed) {
          if (t !== 'ParameterDescription') this.fail('expected ParameterDescription (answering Describe of a statement)');
          front.progressed = true;
          return;
        }
        if (t !== 'RowDescription' && t !== 'NoData') this.fail('expected RowDescription or NoData (answering Describe of a statement)');
        this.answered();
        return;
      case 'Execute':
        if (t === 'DataRow') return;
        if (t !== 'CommandComplete' && t !== 'EmptyQueryResponse' && t !== 'PortalSuspended') {
          this.fail('expected DataRow, CommandComplete, EmptyQueryResponse or PortalSuspended (answering Execute)');
        }
        this.answered();
        return;
      case 'FunctionCall':
        if (t !== 'FunctionCallResponse' || front.progressed) this.fail('expected ReadyForQuery (answering FunctionCall)');
        front.progressed = true;
        return;
      default: {
        const answers = ANSWERS[front.kind]!;
        if (!answers.includes(t)) this.fail(`expected ${oneOf(answers)} (answering ${front.kind})`);
        this.answered();
      }
    }
  }

  private readyForQuery(): void {
    if (this.settled === P.INITIALIZATION) {
      this.settled = P.READY;
      return;
    }
    // What we attached to ends at its Sync's ReadyForQuery.
    if (this.queue[0]?.kind === 'Attached') this.answered();
    const front = this.queue[0];
    if (front === undefined || (front.kind !== 'Sync' && front.kind !== 'Query' && front.kind !== 'FunctionCall')) {
      this.fail(front === undefined ? 'no request awaits an answer' : `expected ${oneOf(ANSWERS[front.kind]!)} (answering ${front.kind})`);
    }
    if (front!.kind === 'FunctionCall' && !front!.progressed) this.fail('expected FunctionCallResponse first');
    this.answered();
    this.copyBothLingers = false;
  }

  private errorResponse(msg: ErrorResponse): void {
    const severity = msg.get('V') ?? msg.severity;
    if (severity === 'FATAL' || severity === 'PANIC' || this.settled !== P.READY) {
      this.settled = P.FAILED;
      return;
    }
    this.copy = null;
    const front = this.queue[0];
    if (front === undefined) this.fail('no request awaits an answer');
    if (front.kind === 'Query' || front.kind === 'FunctionCall') {
      // The rest of a simple query is skipped; ReadyForQuery follows.
      front.progressed = front.kind === 'FunctionCall';
      return;
    }
    // Rule 4: everything up to the next Sync goes unanswered.
    while (this.queue.length > 0 && this.queue[0]!.kind !== 'Sync') this.answered();
    if (this.queue.length === 0) this.discarding = true;
  }

  private copyStart(type: string): void {
    const front = this.queue[0];
    if (front === undefined || (front.kind !== 'Query' && front.kind !== 'Execute' && front.kind !== 'Attached')) this.fail('no Query or Execute awaits an answer');
    if (type === 'CopyBothResponse' && front!.kind !== 'Query') this.fail('CopyBothResponse answers only a simple Query (replication)');
    this.copy = type === 'CopyInResponse' ? 'in' : type === 'CopyOutResponse' ? 'out' : 'both';
    this.clientCopyDone = this.copy === 'out';
    this.serverCopyDone = this.copy === 'in';
  }

  private copyDone(speaker: Speaker): void {
    if (speaker === 'frontend') {
      if (this.clientCopyDone) this.fail('the client already ended its copy direction');
      this.clientCopyDone = true;
    } else {
      if (this.serverCopyDone) this.fail('the server already ended its copy direction');
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
