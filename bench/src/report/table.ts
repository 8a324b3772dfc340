/**
 * The terminal report: one table per group (rows compared only within their
 * group, each workload a section), each mode explained under its table; the
 * encode table; then the targets, memory, large values, clients, load, and
 * a one-line-per-workload summary at the end.
 */
import { variantKey } from '../contenders/index.ts';
import { GROUPS, type GroupName } from '../groups.ts';
import { describeMachine } from '../machine.ts';
import { FLAG_LEGEND, type Flag } from '../ratios.ts';
import { NOISY_PERCENT, type Report, type Row } from '../results.ts';
import { RATIO_TARGETS } from '../targets.ts';
import { bytes, formatRatioSpread, int, mbps, mib, percent, perSec, ratio, sizeLine } from './format.ts';

type Cells = string[];

export function render(rows: Cells[], rightAligned: boolean[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The issue's bound on this row's ratio to its reference, if any: '≥ 2.5× met'. */
function targetCell(r: Row): string {
  const t = RATIO_TARGETS.find((t) => t.over === 'reference' && t.how === r.how && t.workloads.includes(r.workload));
  if (!t || !r.vsReference || !r.contender.startsWith('pgcodec')) return '';
  return `≥ ${t.min}× ${r.vsReference.median >= t.min ? 'met' : 'NOT met'}`;
}

const flagCell = (fs: readonly Flag[] | undefined) => (fs ?? []).join(' ');

/** One group's table over every workload of a suite. */
export function groupTable(r: Report, suite: 'throughput' | 'tcp', group: GroupName): string | null {
  const all = r[suite].filter((m) => m.group === group);
  if (all.length === 0) return null;
  const g = GROUPS[group];
  const chunkings = new Set(all.map((m) => m.chunking));
  const title = `${g.title} (${suite === 'tcp' ? 'over loopback tcp' : `in memory, ${[...chunkings].join(', ')} reads`})`;
  const where = (m: Row) => `${m.workload}${chunkings.size > 1 ? ` · ${m.chunking}` : ''}`;
  const unitOf = (m: Row) => r.workloads.find((x) => x.name === m.workload)?.unit ?? 'rows';
  if (group === 'limit') {
    // one row per workload: the limit has no ratio, only the speed every other row is a share of
    const rows: Cells[] = [['workload', 'contender', 'how', 'MB/s', 'p25–p75', 'units/s']];
    for (const m of all) {
      if (!m.mbps) continue;
      rows.push([where(m), m.contender, m.how, mbps(m.mbps.median), `${mbps(m.mbps.p25)}–${mbps(m.mbps.p75)}`, `${perSec(m.unitsPerSec!.median)} ${unitOf(m)}`]);
    }
    return [title, render(rows, [false, false, false, true, true, true]), `  ${g.work}`, ...explainLines(all, r.explain).map((l) => `  ${l}`)].join('\n');
  }
  const header: Cells = ['', 'contender', 'how', 'MB/s', 'p25–p75', 'units/s', `vs ${g.reference}`, 'p25–p75', 'flags', 'of limit', 'target'];
  const rows: Cells[] = [header];
  const sections = new Map<string, Row[]>();
  for (const m of all) {
    const k = `${m.workload}\0${m.chunking}`;
    sections.set(k, [...(sections.get(k) ?? []), m]);
  }
  for (const ms of sections.values()) {
    const m0 = ms[0]!;
    if (ms.every((m) => !m.supported)) continue;
    const w = r.workloads.find((x) => x.name === m0.workload);
    rows.push([where(m0), w ? `${bytes(w.bytes)}, ${int(w.units)} ${w.unit}` : '', '', '', '', '', '', '', '', '', '']);
    for (const m of ms) {
      if (!m.supported || !m.mbps) {
        rows.push(['', m.contender, m.how, '—', '', '', '', '', '', '', '']);
        continue;
      }
      rows.push([
        '',
        m.contender,
        m.how,
        mbps(m.mbps.median),
        `${mbps(m.mbps.p25)}–${mbps(m.mbps.p75)}`,
        `${perSec(m.unitsPerSec!.median)} ${unitOf(m)}`,
        m.reference ? '1' : m.vsReference ? ratio(m.vsReference.median) : '—',
        m.vsReference ? `${ratio(m.vsReference.p25).replace('×', '')}–${ratio(m.vsReference.p75)}` : '',
        flagCell(m.flags),
        percent(m.ofLimit),
        targetCell(m),
      ]);
    }
  }
  const out = [title, render(rows, [false, false, false, true, true, true, true, true, false, true, false])];
  out.push(`  ${g.work}`, ...explainLines(all, r.explain).map((l) => `  ${l}`));
  return out.join('\n');
}

/** One line per way of doing the work: "pgcodec-js, pgcodec-wasm · text(i): what it does". */
export function explainLines(rows: readonly { contender: string; how: string }[], explain: Record<string, string>): string[] {
  const byHow = new Map<string, string[]>();
  for (const m of rows) {
    const cs = byHow.get(m.how) ?? [];
    if (!cs.includes(m.contender)) cs.push(m.contender);
    byHow.set(m.how, cs);
  }
  return [...byHow].map(([how, cs]) => `${cs.join(', ')} · ${how}: ${explain[variantKey({ contender: cs[0]!, how })] ?? ''}`);
}

export function encodeTable(r: Report): string | null {
  if (r.encode.length === 0) return null;
  const rows: Cells[] = [['message', 'contender', 'how', 'MB/s', 'msgs/s', 'vs reference', 'p25–p75', 'flags', 'target']];
  let last = '';
  for (const m of r.encode) {
    rows.push([
      m.message === last ? '' : `${m.message} (${int(m.count)}, ${bytes(m.bytes)})`,
      m.contender,
      m.how,
      mbps(m.mbps.median),
      perSec(m.msgsPerSec.median),
      m.reference ? '1 (reference)' : m.vsReference ? ratio(m.vsReference.median) : '—',
      m.vsReference ? `${ratio(m.vsReference.p25).replace('×', '')}–${ratio(m.vsReference.p75)}` : '',
      flagCell(m.flags),
      m.contender === 'pgcodec' && m.vsReference ? `≥ 1.5× ${m.vsReference.median >= 1.5 ? 'met' : 'NOT met'}` : '',
    ]);
    last = m.message;
  }
  const out = [`${GROUPS.encode.title} (every message of a batch, one at a time)`, render(rows, [false, false, false, true, true, true, true, false, false])];
  out.push(`  ${GROUPS.encode.work}`, ...explainLines(r.encode, r.explain).map((l) => `  ${l}`));
  return out.join('\n');
}

export function targetsTable(r: Report): string | null {
  if (r.targets.length === 0) return null;
  const rows: Cells[] = [['target (issue 12)', 'where', 'measured (median, p25–p75 of rounds)', 'result']];
  let last = '';
  for (const t of r.targets) {
    const result = `${t.met ? 'met' : 'NOT met'}${t.withinNoise ? ' (within noise)' : ''}`;
    rows.push([t.target === last ? '' : t.target, t.where, t.measured, t.informational ? `(${result}: fallback engine, not counted)` : result]);
    last = t.target;
  }
  const counted = r.targets.filter((t) => !t.informational);
  const met = counted.filter((t) => t.met).length;
  return [`targets (default engine): ${met} of ${counted.length} met`, render(rows, [false, false, false, false])].join('\n');
}

export function memoryTable(r: Report): string | null {
  if (r.memory.length === 0) return null;
  const rows: Cells[] = [['what', 'engine', 'count', 'RSS per item', 'heap per item', 'external per item', 'RSS total', `RSS at target count`]];
  for (const m of r.memory) {
    rows.push([
      m.what,
      m.engine,
      `${int(m.count)}${m.capped ? ' (capped)' : ''}`,
      mib(Math.max(0, Math.round(m.rssPerItem))),
      mib(Math.max(0, Math.round(m.heapPerItem))),
      mib(Math.max(0, Math.round(m.externalPerItem))),
      `${(m.rssTotal / 1e6).toFixed(0)} MB`,
      m.rssAtTarget !== null ? `${(m.rssAtTarget / 1e6).toFixed(0)} MB at ${int(m.targetCount!)}` : '',
    ]);
  }
  return [
    'memory — idle decoders and connections, each fed a small exchange and read to the end, measured after a GC in a child process',
    render(rows, [false, false, true, true, true, true, true, true]),
    '  per item = growth of the child over its state before making them, divided by the count; external counts array buffers and WebAssembly memories',
  ].join('\n');
}

export function largeTable(r: Report): string | null {
  if (r.large.length === 0) return null;
  const rows: Cells[] = [['contender', 'how', 'value', 'ns/byte', 'vs 1 MiB', 'vs floor', 'peak external', '/ value', 'peak RSS growth', '/ value', '']];
  for (const l of r.large) {
    if (l.skipped) {
      rows.push([l.contender, l.how, mib(l.size), '—', '', '', '', '', '', '', l.skipped]);
      continue;
    }
    rows.push([
      l.contender,
      l.how,
      mib(l.size),
      l.nsPerByte.toFixed(3),
      l.vs1MiB === null ? '' : ratio(l.vs1MiB),
      l.vsFloor === null ? '' : ratio(l.vsFloor),
      mib(Math.round(l.peakExternalPerByte * l.size)),
      `${l.peakExternalPerByte.toFixed(2)}×`,
      mib(Math.round(l.peakRssPerByte * l.size)),
      `${l.peakRssPerByte.toFixed(2)}×`,
      l.ownProcess ? 'own process' : '',
    ]);
  }
  return [
    'large values — one DataRow holding one value, fed in 64 KiB reads; time per byte relative to the 1 MiB value, peak memory relative to the value size',
    render(rows, [false, false, true, true, true, true, true, true, true, true, false]),
    '  peak = high-water sampled after every read, over the level before the pass; external counts array buffers and WebAssembly memory (RSS moves by pages and heap growth: meaningful from about 1 MiB up, cleanest in a process of its own)',
    '  pgcodec: read() the DataRow, bytes(0) its value; pg-protocol: its parse, the value as a string (other work: no binary mode), alongside',
    '  floor: a fresh buffer of the value\'s size, each read\'s value bytes copied in: the least work that leaves the caller a value of its own (fresh memory pays page faults; a reused buffer would not)',
  ].join('\n');
}

export function clientTable(r: Report): string | null {
  if (r.client.length === 0) return null;
  const rows: Cells[] = [['result set', 'client', 'rows', 'rows/s', 'p25–p75', 'vs pg', 'p25–p75', 'peak RSS', 'RSS before']];
  let last = '';
  for (const c of r.client) {
    rows.push([
      c.resultSet === last ? '' : `${c.resultSet} (${bytes(c.bytes)})`,
      c.client,
      int(c.rows),
      perSec(c.rowsPerSec.median),
      `${perSec(c.rowsPerSec.p25)}–${perSec(c.rowsPerSec.p75)}`,
      c.vsPg ? ratio(c.vsPg.median) : '1',
      c.vsPg ? `${ratio(c.vsPg.p25).replace('×', '')}–${ratio(c.vsPg.p75)}` : '',
      `${(c.peakRss.median / 1e6).toFixed(0)} MB`,
      `${(c.baseRss / 1e6).toFixed(0)} MB`,
    ]);
    last = c.resultSet;
  }
  return [
    `clients — each fetches the whole result set from PostgreSQL over loopback, every value as a string, in a child process of its own (${r.client[0]!.rounds} interleaved rounds)`,
    render(rows, [false, false, true, true, true, true, true, true, true]),
    '  pg: client.query({ text, rowMode: "array" }), type parsers off; postgres.js: sql.unsafe(text).values(), type parsers off; pgcodec: MiniClient (FrontendConnection) readRowBatch().strings()',
  ].join('\n');
}

export function proxyTable(r: Report): string | null {
  if ((r.proxy ?? []).length === 0) return null;
  const spread = (s: { median: number; p25: number; p75: number } | null) => (s ? `${ratio(s.median)} (${ratio(s.p25).replace('×', '')}–${ratio(s.p75)})` : '1');
  const rows: Cells[] = [['contender', 'how', 'TPS', 'p25–p75', 'vs pipe', 'vs direct', 'SELECT MB/s', 'vs direct']];
  for (const x of r.proxy) {
    rows.push([x.contender, x.how, int(Math.round(x.tps.median)), `${int(Math.round(x.tps.p25))}–${int(Math.round(x.tps.p75))}`, spread(x.tpsVsPipe), spread(x.tpsVsDirect), x.selectMBps.median.toFixed(1), spread(x.selectVsDirect)]);
  }
  const first = r.proxy[0]!;
  const codec = r.proxy.find((x) => x.contender === 'pgcodec-proxy');
  const verdict = (what: string, s: { median: number; p25: number; p75: number } | null | undefined, bound: number) =>
    s ? `  target ${what} ≥ ${bound}×: ${ratio(s.median)} — ${s.median >= bound ? 'met' : 'NOT met'}${s.p25 < bound && s.p75 >= bound ? ' (within noise)' : ''}` : `  target ${what}: not measured`;
  return [
    `proxies — pgbench -S -M prepared -c 4 -j 2, ${first.seconds} s per run, and a ${int(first.selectRows)}-row SELECT (${bytes(first.selectBytes)}) fetched by the pgcodec client; each proxy a process of its own; ${first.rounds} interleaved rounds, ratios per round`,
    render(rows, [false, false, true, true, true, true, true, true]),
    verdict('pgcodec-proxy TPS vs the pipe', codec?.tpsVsPipe, 0.9),
    verdict('pgcodec-proxy SELECT MB/s vs direct', codec?.selectVsDirect, 0.8),
  ].join('\n');
}

export function loadTable(r: Report): string | null {
  if (r.load.length === 0) return null;
  const rows: Cells[] = [['contender', 'module', 'import ms', 'p25–p75', 'first decoder ms', 'runs']];
  for (const l of r.load) {
    rows.push([l.contender, l.specifier, l.importMs.median.toFixed(2), `${l.importMs.p25.toFixed(2)}–${l.importMs.p75.toFixed(2)}`, l.setupMs.median.toFixed(3), String(l.runs)]);
  }
  return ['load — fresh node process: import() of the module, then the first decoder (ms, median of runs)', render(rows, [false, false, true, true, true, true])].join('\n');
}

/** One line per workload: the default engine's ratios to each group's reference. */
export function summaryTable(r: Report): string | null {
  const ways = ['text(i)', 'text(i), views', 'readRowBatch().strings()', 'readFrames()'];
  const rows: Cells[] = [['workload', 'size', ...ways]];
  const first = r.options.chunkings[0];
  for (const w of r.workloads) {
    const of = r.throughput.filter((m) => m.supported && m.workload === w.name && m.chunking === first && m.contender === 'pgcodec-wasm');
    if (of.length === 0) continue;
    const cell = (how: string) => {
      const s = of.find((m) => m.how === how)?.vsReference;
      return s ? formatRatioSpread(s) : '—';
    };
    rows.push([w.name, bytes(w.bytes), ...ways.map(cell)]);
  }
  if (rows.length === 1) return null;
  return [
    `summary — pgcodec-wasm (the default engine) over each group's reference, in memory, ${first} reads: the strings ways over pg-protocol, readFrames() over js-splitter (median, p25–p75 of rounds)`,
    render(rows, [false, true, true, true, true, true]),
  ].join('\n');
}

export function reportText(r: Report): string {
  const out: string[] = [];
  out.push(`pgcodec benchmark · ${r.date}${r.options.quick ? ' · QUICK (smoke run, numbers are rough)' : ''}`);
  out.push(describeMachine(r.machine));
  if (r.othersCpuPercent !== null) {
    out.push(`other processes used ${r.othersCpuPercent}% of a core while this run measured${r.othersCpuPercent > NOISY_PERCENT ? ': EXPECT NOISE, rerun on a quiet machine' : ''}`);
  }
  if (r.throughput.length + r.tcp.length + r.encode.length > 0) out.push(`up to ${r.options.rounds} interleaved rounds per comparison · seed 0x${r.options.seed.toString(16)}${r.options.scale !== 1 ? ` · scale ${r.options.scale}` : ''}${r.options.issueSizes ? ' · issue sizes' : ''} · MB = 10^6 bytes · medians over rounds`);
  for (const n of r.notes) out.push(`note: ${n}`);
  if (r.workloads.length > 0) {
    out.push('', 'workloads');
    out.push(render([['name', 'origin', 'size', 'what'], ...r.workloads.map((w) => [w.name, w.origin, sizeLine(w), w.description])], [false, false, false, false]));
  }
  const sections: (string | null)[] = [];
  for (const suite of ['throughput', 'tcp'] as const) for (const g of ['strings', 'frames', 'limit'] as const) sections.push(groupTable(r, suite, g));
  sections.push(encodeTable(r), memoryTable(r), largeTable(r), clientTable(r), proxyTable(r), loadTable(r));
  for (const s of sections) if (s) out.push('', s);
  const flagged = [...r.throughput, ...r.tcp, ...r.encode].some((m) => (m.flags ?? []).length > 0);
  if (flagged) {
    out.push('', 'flags:');
    for (const [f, text] of Object.entries(FLAG_LEGEND)) out.push(`  ${f}  ${text}`);
  }
  for (const s of [summaryTable(r), targetsTable(r)]) if (s) out.push('', s);
  out.push('', `wall time ${r.wallSeconds.toFixed(1)} s (${Object.entries(r.suiteSeconds).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(', ')})`);
  return out.join('\n');
}
