/** The shape of a run's JSON report (bench/results/results.json). */
import type { Chunking, Mode } from './contenders/types.ts';
import type { Machine } from './machine.ts';
import type { Quartiles } from './stats.ts';

export const SCHEMA = 'pgcodec-bench/1';

/** Above this share of a core used by other processes during a run, the report warns of noise. */
export const NOISY_PERCENT = 20;

/** One contender × mode on one workload × chunking (or over tcp). */
export interface Measurement {
  suite: 'throughput' | 'tcp';
  workload: string;
  chunking: Chunking | 'tcp';
  contender: string;
  /** 'all' for a mode-independent contender (measured once, valid for every mode). */
  mode: Mode | 'all';
  supported: boolean;
  mbps?: Quartiles;
  unitsPerSec?: Quartiles;
  spreadPct?: number;
  medianMs?: number;
  samples?: number;
  /** MB/s over pg-protocol's on the same workload and chunking, same run (null if pg-protocol does not apply). */
  vsPgProtocol?: number | null;
  /** MB/s over memcpy's, same workload and chunking, same run. */
  vsMemcpy?: number | null;
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

export interface WorkloadInfo {
  name: string;
  description: string;
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
    timeMs: number;
    seed: number;
    scale: number;
    suites: string[];
    argv: string[];
  };
  workloads: WorkloadInfo[];
  throughput: Measurement[];
  tcp: Measurement[];
  load: LoadMeasurement[];
  /** Percent of one core other processes used during the throughput and tcp suites (null if unknown). */
  othersCpuPercent: number | null;
  /** Wall time of the whole run, seconds. */
  wallSeconds: number;
}

/** Fills vsPgProtocol / vsMemcpy of every measurement from the references in the same list. */
export function addRatios(ms: Measurement[]): void {
  const key = (m: Measurement) => `${m.suite}|${m.workload}|${m.chunking}`;
  const ref = new Map<string, { pg?: number; mem?: number }>();
  for (const m of ms) {
    if (!m.supported || !m.mbps) continue;
    const r = ref.get(key(m)) ?? {};
    if (m.contender === 'pg-protocol') r.pg = m.mbps.median;
    if (m.contender === 'memcpy') r.mem = m.mbps.median;
    ref.set(key(m), r);
  }
  for (const m of ms) {
    if (!m.supported || !m.mbps) continue;
    const r = ref.get(key(m)) ?? {};
    m.vsPgProtocol = r.pg ? m.mbps.median / r.pg : null;
    m.vsMemcpy = r.mem ? m.mbps.median / r.mem : null;
  }
}
