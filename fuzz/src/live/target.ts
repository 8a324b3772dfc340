/**
 * pgcodec-fuzz --target: fuzzes a PostgreSQL server or proxy on loopback
 * for a time budget. Sessions follow plans drawn from a seed; every few
 * sessions, and after any finding, a health probe logs in anew and runs a
 * query. Findings are written one JSON file each, with the exact bytes
 * sent, for `--replay`.
 */
import fc from 'fast-check';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackAddress } from './loopback.js';
import { explain } from './explain.js';
import { plan, type Plan, type PlanKind } from './plans.js';
import { FINDINGS, probeHealth, runSession, type Outcome, type SessionResult, type Target } from './session.js';

export interface TargetOptions extends Target {
  minutes: number;
  seed: number;
  /** Where finding files go. */
  out: string;
  /** Bound on every wait, ms (default 10000). */
  boundMs?: number;
  /** Sessions between health probes (default 10). */
  probeEvery?: number;
  log?: (line: string) => void;
}

/** A finding file: everything needed to replay it. */
export interface TargetFinding {
  tool: 'pgcodec-fuzz --target';
  target: string;
  seed: number;
  session: number;
  plan: { kind: PlanKind; what: string; then: Plan['then']; protocol32: boolean; negotiations: number };
  user: string;
  database?: string;
  outcome: Outcome;
  code: string | null;
  detail: string;
  /** Why PostgreSQL does this, if it is its known behavior. */
  known: string | null;
  /** Chunks written, as hex: the login's, then the plan's from `planStart`. */
  sent: string[];
  planStart: number;
  received: string[];
}

export interface TargetReport {
  target: string;
  seed: number;
  sessions: number;
  byKind: Record<string, number>;
  outcomes: Record<string, number>;
  /** SQLSTATEs of the errors the server answered with, and how often. */
  codes: Record<string, number>;
  probes: number;
  /** Why the server stopped accepting connections, if it did. */
  down: string | null;
  findings: { file: string; outcome: Outcome; kind: PlanKind; detail: string; known: string | null }[];
  /** Findings by outcome and whether known: `closed-silently (known)` → count. */
  findingCounts: Record<string, number>;
}

/** Fuzzes `opts` for `opts.minutes`; the report lists every finding file. */
export async function fuzzTarget(opts: TargetOptions): Promise<TargetReport> {
  const host = await loopbackAddress(opts.host);
  const target: Target = { host, port: opts.port, cred: opts.cred };
  const bound = opts.boundMs ?? 10_000;
  const every = opts.probeEvery ?? 10;
  const deadline = Date.now() + opts.minutes * 60_000;
  const report: TargetReport = { target: `${opts.host}:${opts.port}`, seed: opts.seed, sessions: 0, byKind: {}, outcomes: {}, codes: {}, probes: 0, down: null, findings: [], findingCounts: {} };
  const bump = (r: Record<string, number>, k: string) => (r[k] = (r[k] ?? 0) + 1);
  const seen = new Map<string, number>();
  mkdirSync(opts.out, { recursive: true });

  const health = async (): Promise<boolean> => {
    report.probes++;
    const why = await probeHealth(target, bound);
    if (why === null) return true;
    report.down = why;
    opts.log?.(`the server no longer accepts a login and a query: ${why}`);
    return false;
  };
  if (!(await health())) return report;

  for (let i = 0; Date.now() < deadline; i++) {
    const [p] = fc.sample(plan(), { seed: opts.seed + i, numRuns: 1 }) as [Plan];
    let r: SessionResult;
    try {
      r = await runSession(target, p, bound);
    } catch (e) {
      // Not even a connection: the server is gone.
      report.down = `session ${i}: ${e instanceof Error ? e.message : String(e)}`;
      break;
    }
    report.sessions++;
    bump(report.byKind, p.kind);
    bump(report.outcomes, r.outcome);
    if (r.code !== null) bump(report.codes, r.code);
    const finding = FINDINGS.has(r.outcome);
    if (finding) {
      const known = explain(p, r);
      bump(report.findingCounts, `${r.outcome} after ${p.kind}${known === null ? '' : ' (known)'}`);
      // Every finding is counted; the first three of each outcome, plan kind and explanation are kept as files.
      const sig = `${r.outcome}-${p.kind}${known === null ? '-new' : ''}`;
      const key = `${sig}:${(known ?? '').replace(/-?\d+/g, '#')}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n <= 3) {
        const file = join(opts.out, `${sig}-${opts.seed}-${i}.json`);
        const f: TargetFinding = {
          tool: 'pgcodec-fuzz --target',
          target: report.target,
          seed: opts.seed,
          session: i,
          plan: { kind: p.kind, what: p.what, then: p.then, protocol32: p.protocol32, negotiations: p.negotiations },
          user: opts.cred.user,
          database: opts.cred.database,
          outcome: r.outcome,
          code: r.code,
          detail: r.detail,
          known,
          sent: r.sent,
          planStart: r.planStart,
          received: r.received,
        };
        writeFileSync(file, JSON.stringify(f, null, 2) + '\n');
        report.findings.push({ file, outcome: r.outcome, kind: p.kind, detail: r.detail, known });
        opts.log?.(`finding: ${r.outcome} after ${p.kind} (${p.what.slice(0, 80)}): ${r.detail.slice(0, 200)}${known === null ? ' — NEW' : ''} → ${file}`);
      }
    }
    if ((finding || (i + 1) % every === 0) && !(await health())) break;
  }
  if (report.down === null) await health();
  return report;
}

/** Replays a finding file against its target (or `override`): the same plan bytes after a fresh login. */
export async function replayTargetFinding(file: string, cred: Target['cred'], override?: { host: string; port: number }, boundMs = 10_000): Promise<SessionResult> {
  const f = JSON.parse(readFileSync(file, 'utf8')) as TargetFinding;
  const [h, port] = override !== undefined ? [override.host, override.port] : [f.target.slice(0, f.target.lastIndexOf(':')), Number(f.target.slice(f.target.lastIndexOf(':') + 1))];
  const host = await loopbackAddress(h);
  const p: Plan = { ...f.plan, chunks: f.sent.slice(f.planStart).map((x) => Uint8Array.from(Buffer.from(x, 'hex'))) };
  return runSession({ host, port, cred }, p, boundMs);
}

/** The report as lines for a console or a test's output. */
export function formatTargetReport(r: TargetReport): string {
  const kv = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return [
    `target ${r.target}, seed ${r.seed}: ${r.sessions} sessions (${kv(r.byKind)})`,
    `  outcomes: ${kv(r.outcomes)}`,
    `  server errors (SQLSTATE): ${kv(r.codes)}`,
    `  health probes: ${r.probes}, ${r.down === null ? 'all answered' : `FAILED: ${r.down}`}`,
    `  findings: ${kv(r.findingCounts)}`,
    `  kept: ${r.findings.length}${r.findings.map((f) => `\n    ${f.outcome} after ${f.kind}: ${f.detail.slice(0, 160)}\n      ${f.known === null ? 'NEW' : `known: ${f.known}`}\n      ${f.file}`).join('')}`,
  ].join('\n');
}
