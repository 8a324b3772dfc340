/** The shape of a run's JSON report (bench/results/results.json). */
import type { Chunking } from './contenders/types.ts';
import type { GroupName } from './groups.ts';
import type { Machine } from './machine.ts';
import type { Flag } from './ratios.ts';
import type { Quartiles, Spread } from './stats.ts';

export const SCHEMA = 'pgcodec-bench/2';

/** Above this share of a core used by other processes during a run, the report warns of noise. */
export const NOISY_PERCENT = 20;

/** One variant on one workload × chunking (or over tcp), over the interleaved rounds. */
export interface Row {
  suite: 'throughput' | 'tcp';
  workload: string;
  chunking: Chunking | 'tcp';
  group: GroupName;
  contender: string;
  how: string;
  /** The group's reference (its ratio is 1 by definition). */
  reference: boolean;
  supported: boolean;
  rounds?: number;
  /** Per-round MB/s (10^6 bytes of the stream per second): median and quartiles over rounds. */
  mbps?: Quartiles;
  unitsPerSec?: Quartiles;
  /** MB/s of each round, in round order (rows of one workload × chunking ran in the same rounds). */
  perRound?: number[];
  /** Speed over the group's reference, round by round: null for the reference itself or if it did not run. */
  vsReference?: Spread | null;
  /** Speed over the physical limit (memcpy of the same reads), median over rounds. */
  ofLimit?: number | null;
  flags?: Flag[];
}

/** One encoder on one message kind, over the interleaved rounds. */
export interface EncodeRow {
  message: string;
  contender: string;
  how: string;
  reference: boolean;
  /** Messages encoded per pass, and the bytes they make (the same for every encoder: checked). */
  count: number;
  bytes: number;
  rounds: number;
  mbps: Quartiles;
  msgsPerSec: Quartiles;
  /** MB/s of each round, in round order. */
  perRound: number[];
  vsReference: Spread | null;
  flags: Flag[];
}

export interface LoadMeasurement {
  contender: string;
  specifier: string;
  /** ms from the start of `import()` to its end, in a fresh node process. */
  importMs: Quartiles;
  /** ms for the setup statement (first decoder) right after. */
  setupMs: Quartiles;
  runs: number;
}

/** Idle decoders and connections of one engine, measured in a child process after a GC. */
export interface MemoryRow {
  engine: 'wasm' | 'js';
  /** 'BackendMessageDecoder', 'FrontendMessageDecoder' or 'FrontendConnection'. */
  what: string;
  /** How many were made and kept (each fed a small exchange, read to the end). */
  count: number;
  /** Whether `count` is less than asked because RSS reached the child's cap (figures per item still hold). */
  capped: boolean;
  /** Growth of RSS, of the JS heap and of external memory (array buffers, WebAssembly memories) per item, bytes. */
  rssPerItem: number;
  heapPerItem: number;
  externalPerItem: number;
  arrayBuffersPerItem: number;
  /** RSS of the child with all of them alive, bytes; and what it would be at the target's count, by linear extrapolation. */
  rssTotal: number;
  rssAtTarget: number | null;
  targetCount: number | null;
}

/** One value of one size through one decoder, in 64 KiB reads. */
export interface LargeRow {
  contender: string;
  /** How the value is taken. */
  how: string;
  size: number;
  /** ns per byte of the value (median of passes), and relative to the same contender's 1 MiB figure. */
  nsPerByte: number;
  vs1MiB: number | null;
  /** Relative to the floor's time per byte at the same size (a fresh buffer of the value's size, the reads copied in). */
  vsFloor: number | null;
  /** High-water of external memory (array buffers and WebAssembly memory, sampled after each read) over the value size; peak RSS growth over the value size. */
  peakExternalPerByte: number;
  peakRssPerByte: number;
  /** Child process of its own (sizes ≥ 64 MiB). */
  ownProcess: boolean;
  /** Why there is no figure (e.g. the value cannot be a JS string). */
  skipped?: string;
}

/** One client fetching one result set over loopback, in rounds of child processes. */
export interface ClientRow {
  client: string;
  resultSet: string;
  rows: number;
  bytes: number;
  rounds: number;
  rowsPerSec: Quartiles;
  /** Peak RSS of the child process (process.resourceUsage().maxRSS), bytes, over rounds; and its RSS before the query. */
  peakRss: Quartiles;
  baseRss: number;
  /** Rows/s over node-postgres's, round by round. */
  vsPg: Spread | null;
}

/** One proxy contender under pgbench and a large SELECT, in interleaved rounds (the proxy suite). */
export interface ProxyRow {
  contender: string;
  how: string;
  rounds: number;
  /** Seconds per pgbench run. */
  seconds: number;
  /** pgbench -S -M prepared -c 4 -j 2 transactions per second, over rounds. */
  tps: Quartiles;
  /** TPS over the plain pipe proxy's and over direct, round by round. */
  tpsVsPipe: Spread | null;
  tpsVsDirect: Spread | null;
  /** The SELECT: rows, bytes on the wire, MB/s over rounds, and MB/s over direct round by round. */
  selectRows: number;
  selectBytes: number;
  selectMBps: Quartiles;
  selectVsDirect: Spread | null;
}

export interface TargetResult {
  /** What the issue asks, e.g. 'text(i) ≥ 2.5× pg-protocol'. */
  target: string;
  /** Where: a workload, a message kind, an engine. */
  where: string;
  /** The measured figure as printed, e.g. '2.31× (2.20–2.45)'. */
  measured: string;
  met: boolean;
  /** The measurement straddles the bound (p25 and p75 on both sides). */
  withinNoise: boolean;
  /** Shown, not counted: the fallback (TypeScript) engine; the targets are for the default engine. */
  informational?: boolean;
}

export interface WorkloadInfo {
  name: string;
  description: string;
  origin: 'synthetic' | 'recorded' | 'sample';
  direction: 'backend' | 'frontend';
  bytes: number;
  unit: 'rows' | 'msgs';
  units: number;
  messages: number;
  sha256: string;
}

export interface Report {
  schema: typeof SCHEMA;
  date: string;
  machine: Machine;
  options: {
    quick: boolean;
    rounds: number;
    seed: number;
    scale: number;
    /** real-text and real-bytea at issue 12's 1,000 rows rather than 100. */
    issueSizes: boolean;
    suites: string[];
    chunkings: string[];
    argv: string[];
  };
  /** Things the reader must know: fallbacks, skipped suites. */
  notes: string[];
  workloads: WorkloadInfo[];
  /** One line per variant (`contender how` → what it does), for the lines under the tables. */
  explain: Record<string, string>;
  throughput: Row[];
  tcp: Row[];
  encode: EncodeRow[];
  load: LoadMeasurement[];
  memory: MemoryRow[];
  large: LargeRow[];
  client: ClientRow[];
  proxy: ProxyRow[];
  targets: TargetResult[];
  /** Percent of one core other processes used while the timed suites ran (null if unknown). */
  othersCpuPercent: number | null;
  /** Wall time of the whole run, seconds, and of each suite. */
  wallSeconds: number;
  suiteSeconds: Record<string, number>;
}
