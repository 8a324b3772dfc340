/**
 * What a proxied connection counts, from type bytes alone (no decoding):
 * messages and bytes each way, rows, and queries with their latency.
 *
 * A query is a Query message, or the run of extended-query messages up to
 * a Sync that holds at least one Execute; its latency runs from its first
 * message to the ReadyForQuery that answers it. The server answers every
 * Query, Sync and FunctionCall with exactly one ReadyForQuery, in order,
 * errors or not, so a queue of start times stays in step with them.
 */

/** Type bytes the counters look at. */
const Q = 0x51; // Query
const S = 0x53; // Sync
const E = 0x45; // Execute
const F = 0x46; // FunctionCall
const Z = 0x5a; // ReadyForQuery
const D = 0x44; // DataRow (from the server)
/** Extended-query messages that open a run: Parse, Bind, Describe, Close. Flush and Execute too. Indexed by type byte (every frame is looked up). */
const EXTENDED = new Uint8Array(256);
for (const t of [0x50, 0x42, 0x44, 0x43, 0x48, E]) EXTENDED[t] = 1;

/** How many latencies are kept for percentiles. */
const KEEP = 1024;

/** A connection's counters as plain numbers. */
export interface StatsSnapshot {
  /** Client to server. */
  clientMessages: number;
  clientBytes: number;
  /** Server to client. */
  serverMessages: number;
  serverBytes: number;
  rows: number;
  queries: number;
  /** Milliseconds: mean, median, 99th percentile (of the last 1024) and maximum; 0 with no query yet. */
  latencyMeanMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
}

/** One connection's counters. */
export class SessionStats {
  clientMessages = 0;
  clientBytes = 0;
  serverMessages = 0;
  serverBytes = 0;
  rows = 0;
  queries = 0;
  private latencySum = 0;
  private latencyMax = 0;
  private readonly recent = new Float64Array(KEEP);
  /** Start time of each request a ReadyForQuery will answer, oldest first; NaN for one that is not a query. */
  private readonly waiting: number[] = [];
  /** Start of the extended-query run since the last Sync, or -1. */
  private runStart = -1;
  private runExecutes = 0;

  /** A frame the client sent. */
  fromClient(type: number): void {
    if (type === Q) {
      this.waiting.push(performance.now());
    } else if (type === S) {
      this.waiting.push(this.runExecutes > 0 ? this.runStart : NaN);
      this.runStart = -1;
      this.runExecutes = 0;
    } else if (type === F) {
      this.waiting.push(NaN);
    } else if (EXTENDED[type] === 1) {
      if (this.runStart < 0) this.runStart = performance.now();
      if (type === E) this.runExecutes++;
    }
  }

  /** A frame the server sent. */
  fromServer(type: number): void {
    if (type === D) this.rows++;
    else if (type === Z) {
      const t0 = this.waiting.shift();
      if (t0 !== undefined && !Number.isNaN(t0)) this.done(performance.now() - t0);
    }
  }

  private done(ms: number): void {
    this.recent[this.queries % KEEP] = ms;
    this.queries++;
    this.latencySum += ms;
    if (ms > this.latencyMax) this.latencyMax = ms;
  }

  /** The counters now. */
  snapshot(): StatsSnapshot {
    const kept = this.recent.slice(0, Math.min(this.queries, KEEP)).sort();
    const at = (q: number) => (kept.length === 0 ? 0 : kept[Math.min(kept.length - 1, Math.floor(q * kept.length))]!);
    return {
      clientMessages: this.clientMessages,
      clientBytes: this.clientBytes,
      serverMessages: this.serverMessages,
      serverBytes: this.serverBytes,
      rows: this.rows,
      queries: this.queries,
      latencyMeanMs: this.queries === 0 ? 0 : this.latencySum / this.queries,
      latencyP50Ms: at(0.5),
      latencyP99Ms: at(0.99),
      latencyMaxMs: this.latencyMax,
    };
  }
}
