/**
 * One chart per group, hand-written SVG: for every workload (or message
 * kind) a section of horizontal bars, one per row of the group, each the
 * median ratio to the group's reference with its rounds' p25–p75 whisker;
 * the reference sits at 1×, an issue target is a dashed tick on its row.
 * Under the plot, the group's work and every mode in one line each.
 */
import { variantKey } from '../contenders/index.ts';
import { GROUPS, type GroupName } from '../groups.ts';
import { describeMachine } from '../machine.ts';
import type { Report } from '../results.ts';
import { RATIO_TARGETS } from '../targets.ts';
import type { Spread } from '../stats.ts';
import { mbps, ratio } from './format.ts';
import { explainLines } from './table.ts';

interface Bar {
  name: string;
  /** null: the reference (1×). */
  vs: Spread | null;
  label: string;
  target?: number;
  flagged: boolean;
}

interface Section {
  title: string;
  bars: Bar[];
}

const WIDTH = 1000;
const LEFT = 300;
const RIGHT_PAD = 190;
const BAR = 12;
const GAP = 3;
const SECTION_GAP = 22;
const LINE = 14;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round axis maximum ≥ x: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k. */
function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function chart(title: string, header: string[], sections: readonly Section[], notes: readonly string[]): string {
  const top = Math.max(1, ...sections.flatMap((s) => s.bars.map((b) => Math.max(b.vs?.p75 ?? 1, b.target ?? 0))));
  const axisMax = niceCeil(top * 1.05);
  const plotW = WIDTH - LEFT - RIGHT_PAD;
  const x = (v: number) => LEFT + (Math.min(v, axisMax) / axisMax) * plotW;
  const headerH = 28 + header.length * LINE + 8;
  const plotH = sections.reduce((a, s) => a + 18 + s.bars.length * (BAR + GAP) + SECTION_GAP, 0);
  const height = headerH + plotH + 30 + notes.length * LINE + 12;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="${WIDTH}" height="${height}" fill="#fff"/>`);
  o.push(`<text x="12" y="22" font-size="16" font-weight="bold">${esc(title)}</text>`);
  header.forEach((h, i) => o.push(`<text x="12" y="${40 + i * LINE}" fill="#555" font-size="11">${esc(h)}</text>`));
  const plotTop = headerH;
  for (let i = 0; i <= 5; i++) {
    const v = (axisMax * i) / 5;
    o.push(`<line x1="${x(v)}" y1="${plotTop}" x2="${x(v)}" y2="${plotTop + plotH}" stroke="#eee"/>`);
    o.push(`<text x="${x(v)}" y="${plotTop + plotH + 14}" text-anchor="middle" fill="#555" font-size="11">${esc(ratio(v))}</text>`);
  }
  o.push(`<line x1="${x(1)}" y1="${plotTop}" x2="${x(1)}" y2="${plotTop + plotH}" stroke="#999" stroke-dasharray="2 2"/>`);
  let y = plotTop;
  for (const s of sections) {
    o.push(`<text x="12" y="${y + 13}" font-weight="bold">${esc(s.title)}</text>`);
    y += 18;
    for (const b of s.bars) {
      const v = b.vs?.median ?? 1;
      const color = b.vs === null ? '#bbb' : b.flagged ? '#e8a33d' : v >= 1 ? '#4c78a8' : '#c0504d';
      o.push(`<text x="${LEFT - 8}" y="${y + BAR - 2}" text-anchor="end" font-size="11">${esc(b.name)}</text>`);
      o.push(`<rect x="${LEFT}" y="${y}" width="${Math.max(1, x(v) - LEFT).toFixed(1)}" height="${BAR}" fill="${color}"><title>${esc(`${b.name}: ${b.label}`)}</title></rect>`);
      if (b.vs) {
        const my = y + BAR / 2;
        o.push(`<path d="M${x(b.vs.p25).toFixed(1)} ${my} H${x(b.vs.p75).toFixed(1)} M${x(b.vs.p25).toFixed(1)} ${my - 3} v6 M${x(b.vs.p75).toFixed(1)} ${my - 3} v6" stroke="#222"/>`);
      }
      if (b.target !== undefined) o.push(`<line x1="${x(b.target)}" y1="${y - 2}" x2="${x(b.target)}" y2="${y + BAR + 2}" stroke="#2a2" stroke-width="2" stroke-dasharray="3 2"/>`);
      o.push(`<text x="${(Math.max(x(v), x(b.vs?.p75 ?? v)) + 6).toFixed(1)}" y="${y + BAR - 2}" font-size="11">${esc(b.label)}</text>`);
      y += BAR + GAP;
    }
    y += SECTION_GAP;
  }
  notes.forEach((n, i) => o.push(`<text x="12" y="${plotTop + plotH + 34 + i * LINE}" fill="#333" font-size="11">${esc(n)}</text>`));
  o.push('</svg>');
  return o.join('\n') + '\n';
}

function header(r: Report): string[] {
  return [
    describeMachine(r.machine),
    `${r.date}${r.options.quick ? ' · QUICK smoke run' : ''} · bar: median over up to ${r.options.rounds} interleaved rounds of the per-round ratio, whisker: its p25–p75`,
    'grey: the reference (1×) · red: slower than it · orange: flagged (the rounds disagree by more than the ratio says) · green tick: issue 12 target',
  ];
}

/** The chart of one group in one suite, or null if it has no rows. */
export function groupSvg(r: Report, suite: 'throughput' | 'tcp', group: Exclude<GroupName, 'encode' | 'limit'>): string | null {
  const g = GROUPS[group];
  const rows = r[suite].filter((m) => m.group === group && m.supported && m.mbps);
  if (rows.length === 0) return null;
  const sections = new Map<string, Section>();
  for (const m of rows) {
    const k = `${m.workload}${m.chunking === '64k' || suite === 'tcp' ? '' : ` · ${m.chunking}`}`;
    const s = sections.get(k) ?? { title: k, bars: [] };
    const t = RATIO_TARGETS.find((t) => t.over === 'reference' && t.how === m.how && t.workloads.includes(m.workload) && m.contender.startsWith('pgcodec'));
    s.bars.push({
      name: variantKey(m),
      vs: m.vsReference ?? null,
      label: `${m.vsReference ? ratio(m.vsReference.median) : 'reference'} · ${mbps(m.mbps!.median)} MB/s`,
      target: t?.min,
      flagged: (m.flags ?? []).length > 0,
    });
    sections.set(k, s);
  }
  const notes = [g.work, ...explainLines(rows, r.explain)];
  return chart(`${g.title} — speed over ${g.reference} (${suite === 'tcp' ? 'over loopback tcp' : 'in memory'}), higher is better`, header(r), [...sections.values()], notes);
}

export function encodeSvg(r: Report): string | null {
  if (r.encode.length === 0) return null;
  const sections = new Map<string, Section>();
  for (const m of r.encode) {
    const s = sections.get(m.message) ?? { title: m.message, bars: [] };
    s.bars.push({
      name: `${m.contender} ${m.how}`,
      vs: m.vsReference,
      label: `${m.vsReference ? ratio(m.vsReference.median) : 'reference'} · ${mbps(m.mbps.median)} MB/s`,
      target: m.contender === 'pgcodec' ? 1.5 : undefined,
      flagged: m.flags.length > 0,
    });
    sections.set(m.message, s);
  }
  const notes = [GROUPS.encode.work, ...explainLines(r.encode, r.explain)];
  return chart(`${GROUPS.encode.title} — speed over the reference, higher is better`, header(r), [...sections.values()], notes);
}

/** Every chart of a report: file name → SVG text. */
export function reportSvgs(r: Report): Map<string, string> {
  const out = new Map<string, string>();
  for (const suite of ['throughput', 'tcp'] as const) {
    for (const g of ['strings', 'frames'] as const) {
      const svg = groupSvg(r, suite, g);
      if (svg) out.set(`${suite === 'tcp' ? 'tcp-' : ''}${g}.svg`, svg);
    }
  }
  const e = encodeSvg(r);
  if (e) out.set('encode.svg', e);
  return out;
}
