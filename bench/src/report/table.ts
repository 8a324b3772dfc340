/** The terminal report: one table per workload (every chunking, then tcp), then load times. */
import { describeMachine } from '../machine.ts';
import { NOISY_PERCENT, type Measurement, type Report } from '../results.ts';
import { mbps, percent, perSec, ratio, sizeLine } from './format.ts';
import { byReportOrder } from './order.ts';

type Row = string[];

function render(rows: Row[], rightAligned: boolean[]): string {
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

export function workloadTable(ms: readonly Measurement[], unit: string): string {
  const header: Row = ['chunking', 'contender', 'mode', 'MB/s', 'p25–p75', `${unit}/s`, 'vs pg-protocol', 'of memcpy'];
  const rows: Row[] = [header];
  let last = '';
  for (const m of [...ms].sort(byReportOrder)) {
    const chunking = m.chunking === last ? '' : m.chunking;
    last = m.chunking;
    if (!m.supported || !m.mbps) {
      rows.push([chunking, m.contender, m.mode, '—', '', '', '', '']);
      continue;
    }
    rows.push([
      chunking,
      m.contender,
      m.mode,
      mbps(m.mbps.median),
      `${mbps(m.mbps.p25)}–${mbps(m.mbps.p75)}`,
      perSec(m.unitsPerSec!.median),
      ratio(m.vsPgProtocol),
      percent(m.vsMemcpy),
    ]);
  }
  return render(rows, [false, false, false, true, true, true, true, true]);
}

export function reportText(r: Report): string {
  const out: string[] = [];
  out.push(`pgcodec benchmark · ${r.date}${r.options.quick ? ' · QUICK (smoke run, numbers are rough)' : ''}`);
  out.push(describeMachine(r.machine));
  if (r.othersCpuPercent !== null) {
    out.push(
      `other processes used ${r.othersCpuPercent}% of a core while this run measured${r.othersCpuPercent > NOISY_PERCENT ? ': EXPECT NOISE, rerun on a quiet machine' : ''}`,
    );
  }
  out.push(`time per task ${r.options.timeMs} ms · seed 0x${r.options.seed.toString(16)}${r.options.scale !== 1 ? ` · scale ${r.options.scale}` : ''} · MB = 10^6 bytes · medians`);
  for (const w of r.workloads) {
    const ms = [...r.throughput, ...r.tcp].filter((m) => m.workload === w.name);
    if (ms.length === 0) continue;
    out.push('');
    out.push(`${w.name} — ${w.description}`);
    out.push(sizeLine(w));
    out.push(workloadTable(ms, w.unit));
  }
  if (r.load.length > 0) {
    out.push('');
    out.push('load — fresh node process: import() of the module, then the first decoder (ms, median of runs)');
    const rows: Row[] = [['contender', 'module', 'import ms', 'p25–p75', 'first decoder ms', 'runs']];
    for (const l of r.load) {
      rows.push([
        l.contender,
        l.specifier,
        l.importMs.median.toFixed(2),
        `${l.importMs.p25.toFixed(2)}–${l.importMs.p75.toFixed(2)}`,
        l.setupMs.median.toFixed(3),
        String(l.runs),
      ]);
    }
    out.push(render(rows, [false, false, true, true, true, true]));
  }
  out.push('');
  out.push(`wall time ${r.wallSeconds.toFixed(1)} s`);
  return out.join('\n');
}
