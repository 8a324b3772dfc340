/**
 * One horizontal bar chart per workload, hand-written SVG: a group of bars
 * per contender × mode, one bar per chunking (and tcp), median MB/s with a
 * p25–p75 whisker. The axis is scaled to the decoders; a memcpy bar that
 * would run off it is cut with a break mark and labelled with its value.
 */
import { describeMachine } from '../machine.ts';
import type { Measurement, Report, WorkloadInfo } from '../results.ts';
import { mbps, ratio, sizeLine } from './format.ts';
import { SERIES, variants } from './order.ts';

const COLORS: Record<string, string> = { whole: '#4c78a8', '64k': '#f58518', '8k': '#54a24b', tcp: '#b279a2' };

const WIDTH = 960;
const LEFT = 190; // labels
const RIGHT_PAD = 175; // value labels
const BAR = 13;
const BAR_GAP = 3;
const GROUP_GAP = 14;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round axis maximum ≥ x: 1, 2, 2.5, 5 × 10^k. */
function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function workloadSvg(w: WorkloadInfo, ms: readonly Measurement[], report: Pick<Report, 'machine' | 'date' | 'options' | 'othersCpuPercent'>): string {
  const series = SERIES.filter((s) => ms.some((m) => m.chunking === s));
  const groups = variants(ms);
  const find = (contender: string, mode: string, s: string) => ms.find((m) => m.contender === contender && m.mode === mode && m.chunking === s);

  const decoders = ms.filter((m) => m.supported && m.mbps && m.contender !== 'memcpy');
  const all = ms.filter((m) => m.supported && m.mbps);
  const top = Math.max(0, ...(decoders.length ? decoders : all).map((m) => m.mbps!.p75));
  const axisMax = niceCeil(top * 1.05);
  const plotW = WIDTH - LEFT - RIGHT_PAD;
  const x = (v: number) => LEFT + (Math.min(v, axisMax) / axisMax) * plotW;

  const headerH = 92;
  const fullH = series.length * (BAR + BAR_GAP) - BAR_GAP;
  // a group with nothing supported is one line high
  const supportedAny = (g: { contender: string; mode: string }) => series.some((s) => find(g.contender, g.mode, s)?.supported);
  const groupHeights = groups.map((g) => (supportedAny(g) ? fullH : Math.max(BAR, 24)));
  const plotTop = headerH + 10;
  const plotH = groupHeights.reduce((a, h) => a + h + GROUP_GAP, 0);
  const height = plotTop + plotH + 40;

  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="${WIDTH}" height="${height}" fill="#fff"/>`);
  o.push(`<text x="12" y="22" font-size="16" font-weight="bold">${esc(`${w.name} — MB/s (median, p25–p75), higher is better`)}</text>`);
  o.push(`<text x="12" y="40" fill="#333">${esc(`${w.description} · ${sizeLine(w)}`)}</text>`);
  o.push(`<text x="12" y="56" fill="#666" font-size="11">${esc(describeMachine(report.machine))}</text>`);
  o.push(`<text x="12" y="70" fill="#666" font-size="11">${esc(`${report.date}${report.options.quick ? ' · QUICK smoke run' : ''} · ${report.options.timeMs} ms per task · MB = 10^6 bytes${report.othersCpuPercent !== null ? ` · other processes: ${report.othersCpuPercent}% of a core` : ''}`)}</text>`);
  // legend
  let lx = 12;
  for (const s of series) {
    o.push(`<rect x="${lx}" y="78" width="12" height="10" fill="${COLORS[s]}"/>`);
    const label = s === 'tcp' ? 'tcp (loopback)' : s === 'whole' ? 'whole buffer' : `${s} reads`;
    o.push(`<text x="${lx + 16}" y="87" font-size="11">${esc(label)}</text>`);
    lx += 30 + label.length * 6.5;
  }
  // grid
  for (let i = 0; i <= 5; i++) {
    const v = (axisMax * i) / 5;
    const gx = x(v);
    o.push(`<line x1="${gx}" y1="${plotTop - 4}" x2="${gx}" y2="${plotTop + plotH}" stroke="${i === 0 ? '#999' : '#e5e5e5'}"/>`);
    o.push(`<text x="${gx}" y="${plotTop + plotH + 16}" text-anchor="middle" fill="#555" font-size="11">${esc(mbps(v))}</text>`);
  }
  o.push(`<text x="${LEFT + plotW / 2}" y="${plotTop + plotH + 32}" text-anchor="middle" fill="#555" font-size="11">MB/s</text>`);

  let gy = plotTop - GROUP_GAP;
  groups.forEach((g, gi) => {
    gy += GROUP_GAP + (gi > 0 ? groupHeights[gi - 1]! : 0);
    const groupH = groupHeights[gi]!;
    const name = g.contender;
    const mode = g.mode === 'all' ? 'any mode' : g.mode;
    o.push(`<text x="${LEFT - 8}" y="${gy + groupH / 2 - 2}" text-anchor="end" font-weight="bold">${esc(name)}</text>`);
    o.push(`<text x="${LEFT - 8}" y="${gy + groupH / 2 + 11}" text-anchor="end" fill="#555">${esc(mode)}</text>`);
    if (!supportedAny(g)) {
      o.push(`<text x="${LEFT + 6}" y="${gy + groupH / 2 + 4}" fill="#999" font-size="11">— not supported</text>`);
      return;
    }
    series.forEach((s, si) => {
      const m = find(g.contender, g.mode, s);
      const by = gy + si * (BAR + BAR_GAP);
      if (!m) return;
      if (!m.supported || !m.mbps) {
        o.push(`<text x="${LEFT + 4}" y="${by + BAR - 3}" fill="#999" font-size="11">— not supported</text>`);
        return;
      }
      const v = m.mbps.median;
      const clipped = v > axisMax;
      const bw = Math.max(1, x(v) - LEFT);
      o.push(`<rect x="${LEFT}" y="${by}" width="${bw.toFixed(1)}" height="${BAR}" fill="${COLORS[s]}"><title>${esc(`${g.contender} ${g.mode} ${s}: ${mbps(v)} MB/s (p25 ${mbps(m.mbps.p25)}, p75 ${mbps(m.mbps.p75)})`)}</title></rect>`);
      if (clipped) {
        const bx = LEFT + bw - 18;
        o.push(`<path d="M${bx} ${by + BAR + 1} l6 ${-BAR - 2} M${bx + 5} ${by + BAR + 1} l6 ${-BAR - 2}" stroke="#fff" stroke-width="2.5"/>`);
      } else {
        const y = by + BAR / 2;
        o.push(`<path d="M${x(m.mbps.p25).toFixed(1)} ${y} H${x(m.mbps.p75).toFixed(1)} M${x(m.mbps.p25).toFixed(1)} ${y - 3} v6 M${x(m.mbps.p75).toFixed(1)} ${y - 3} v6" stroke="#222" stroke-width="1"/>`);
      }
      const extra = m.contender !== 'pg-protocol' && m.contender !== 'memcpy' && m.vsPgProtocol ? `  (${ratio(m.vsPgProtocol)} pg-protocol)` : '';
      const lxv = clipped ? x(axisMax) + 6 : Math.max(x(v), x(m.mbps.p75)) + 6;
      o.push(`<text x="${lxv.toFixed(1)}" y="${by + BAR - 3}" font-size="11">${esc(`${mbps(v)}${clipped ? ' (off scale)' : ''}${extra}`)}</text>`);
    });
  });
  o.push('</svg>');
  return o.join('\n') + '\n';
}

/** Every chart of a report: file name → SVG text. */
export function reportSvgs(r: Report): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of r.workloads) {
    const ms = [...r.throughput, ...r.tcp].filter((m) => m.workload === w.name);
    if (ms.length > 0) out.set(`${w.name}.svg`, workloadSvg(w, ms, r));
  }
  return out;
}
