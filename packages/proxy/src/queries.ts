/**
 * Queries as a log sees them: what each ran, the rows and bytes it brought
 * back, its latency and its first error. A query is what one ReadyForQuery
 * answers: a Query, a FunctionCall, or the extended-query messages up to a
 * Sync. Extended queries name prepared statements and portals, so the
 * tracker keeps what each name was Parsed as, and what each portal was
 * Bound to.
 *
 *   client  Parse(s1, sql) → Bind(p, s1) → Execute(p) → Sync     one query: [sql]
 *   server  ParseComplete, BindComplete, DataRow…, CommandComplete, ReadyForQuery
 */
import type { Bind, ErrorResponse, Execute, FrameBatch, Parse, PgMessage, Query } from 'pgcodec';

/** One query, complete. */
export interface QueryRecord {
  kind: 'simple' | 'extended' | 'function';
  /** The statements it ran: a Query's text, or each Execute's statement as Parsed. */
  statements: string[];
  /** DataRows it returned, and the bytes of everything the server sent for it. */
  rows: number;
  bytes: number;
  /** When its first message went upstream (ms since the epoch), and its ReadyForQuery came that long after. */
  startedAt: number;
  latencyMs: number;
  /** The message of its first ErrorResponse, if any. */
  error: string | null;
}

/** A query under way. */
interface Open {
  kind: QueryRecord['kind'];
  statements: string[];
  rows: number;
  bytes: number;
  startedAt: number;
  t0: number;
  error: string | null;
}

function open(kind: QueryRecord['kind'], statements: string[] = []): Open {
  return { kind, statements, rows: 0, bytes: 0, startedAt: Date.now(), t0: performance.now(), error: null };
}

/** Type bytes the tracker reads. */
const QUERY = 0x51; // Q
const PARSE = 0x50; // P
const BIND = 0x42; // B
const EXECUTE = 0x45; // E from the client
const SYNC = 0x53; // S
const FUNCTION_CALL = 0x46; // F
const DATA_ROW = 0x44; // D from the server
const ERROR = 0x45; // E from the server
const READY = 0x5a; // Z

/** Follows one session's queries; `done` gets each as it completes. */
export class QueryTracker {
  private readonly statements = new Map<string, string>();
  private readonly portals = new Map<string, string>();
  /** Queries sent whose ReadyForQuery has not come, oldest first. */
  private readonly waiting: Open[] = [];
  /** The extended-query run since the last Sync. */
  private run: Open | null = null;

  constructor(private readonly done: (q: QueryRecord) => void) {}

  /** Frame `i` of a batch the client sent (decoded only where a name or text is needed). */
  fromClient(b: FrameBatch<PgMessage>, i: number): void {
    switch (b.type(i)) {
      case QUERY:
        this.waiting.push(open('simple', [(b.decode(i) as Query).queryString]));
        return;
      case PARSE: {
        const p = b.decode(i) as Parse;
        this.statements.set(p.statement, p.query);
        this.run ??= open('extended');
        return;
      }
      case BIND: {
        const m = b.decode(i) as Bind;
        this.portals.set(m.portal, this.statements.get(m.statement) ?? `(prepared statement ${JSON.stringify(m.statement)})`);
        this.run ??= open('extended');
        return;
      }
      case EXECUTE:
        (this.run ??= open('extended')).statements.push(this.portals.get((b.decode(i) as Execute).portal) ?? '');
        return;
      case SYNC:
        this.waiting.push(this.run ?? open('extended'));
        this.run = null;
        return;
      case FUNCTION_CALL:
        this.waiting.push(open('function'));
        return;
      default:
        this.run ??= open('extended'); // Describe, Close, Flush: part of a run
    }
  }

  /** Frame `i` of a batch the server sent. */
  fromServer(b: FrameBatch<PgMessage>, i: number): void {
    const t = b.type(i);
    const q = this.waiting[0] ?? this.run;
    if (q === undefined || q === null) return;
    q.bytes += b.length(i) + 5;
    if (t === DATA_ROW) q.rows++;
    else if (t === ERROR) q.error ??= (b.decode(i) as ErrorResponse).get('M') ?? '';
    else if (t === READY && this.waiting.length > 0) {
      this.waiting.shift();
      this.done({ kind: q.kind, statements: q.statements, rows: q.rows, bytes: q.bytes, startedAt: q.startedAt, latencyMs: performance.now() - q.t0, error: q.error });
    }
  }
}
