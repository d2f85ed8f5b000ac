// Renders a ChartSpec to SVG: stacked panels sharing one time axis, baseline shaded, onset and changes
// as vertical rules, the suspect's series coloured and thick, others grey. Sized for Slack: drawn at
// 720 px wide with large type so it stays readable when Slack previews it at about 360 px.
import { formatValue } from '../analyzers/format';
import type { ChartPanel, ChartSpec } from './spec';

export const CHART_FONT_FAMILY = 'Inter';
const W = 720;
const LEFT = 96;
const RIGHT = 20;
const TITLE_H = 44;
const PANEL_H = 210;
const LEGEND_H = 30;
const AXIS_H = 40;
const FONT = 17;
/** Average advance of a character at FONT size, for fitting legend labels. */
const CHAR_W = 9.2;
/** Highlighted (suspect) series in distinct strong hues; context series grey, told apart by dashes. */
const HIGHLIGHT = ['#1c64c8', '#c2255c', '#0b7a5c'];
const CONTEXT_DASH = ['', '8 5', '2 4'];
const COLORS = { other: '#8d949b', baseline: '#eef1f5', onset: '#e8590c', change: '#7048e8', grid: '#e3e5e8', text: '#222', muted: '#555' };

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1, 2, 2.5 or 5 times a power of ten: the step giving about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * pow;
}

function yDomain(panel: ChartPanel): { lo: number; hi: number; ticks: number[] } {
  const vals = panel.series.flatMap((s) => s.points.map((p) => p[1]));
  let lo = Math.min(0, ...vals);
  let hi = Math.max(...vals);
  if (!(hi > lo)) hi = lo + 1;
  const step = niceStep(hi - lo, 4);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil((hi * 1.05) / step) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toPrecision(6)));
  return { lo, hi, ticks };
}

const TIME_STEPS_MIN = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440];

function timeTicks(from: number, to: number): number[] {
  const spanMin = (to - from) / 60_000;
  const stepMin = TIME_STEPS_MIN.find((s) => spanMin / s <= 6) ?? 1440;
  const step = stepMin * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** The chart as an SVG document (text drawn in CHART_FONT_FAMILY). */
export function renderChartSvg(spec: ChartSpec): string {
  const { from, to, onset } = spec.window;
  const height = TITLE_H + spec.panels.length * (PANEL_H + LEGEND_H) + AXIS_H;
  const x = (t: number): number => LEFT + ((t - from) / Math.max(1, to - from)) * (W - LEFT - RIGHT);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="${CHART_FONT_FAMILY}" font-size="${FONT}">`,
    `<rect width="${W}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="30" font-size="21" fill="${COLORS.text}">${xml(spec.title)}</text>`,
  ];
  const plotTop = TITLE_H;
  const plotBottom = TITLE_H + spec.panels.length * (PANEL_H + LEGEND_H);
  spec.panels.forEach((panel, i) => {
    const top = TITLE_H + i * (PANEL_H + LEGEND_H) + LEGEND_H;
    const bottom = top + PANEL_H - 14;
    const { lo, hi, ticks } = yDomain(panel);
    const y = (v: number): number => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
    out.push(`<rect x="${x(from).toFixed(1)}" y="${top}" width="${(x(Math.min(onset, to)) - x(from)).toFixed(1)}" height="${bottom - top}" fill="${COLORS.baseline}"/>`);
    for (const v of ticks) {
      out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${COLORS.grid}" stroke-width="1"/>`);
      out.push(`<text x="${LEFT - 8}" y="${(y(v) + 6).toFixed(1)}" text-anchor="end" fill="${COLORS.muted}">${xml(formatValue(v, panel.unit))}</text>`);
    }
    // Each series' look: highlighted ones by hue, context ones grey by dash pattern.
    let strong = 0;
    let ctx = 0;
    const looks = panel.series.map((s) => (s.highlight ? { color: HIGHLIGHT[strong++ % HIGHLIGHT.length] as string, dash: '' } : { color: COLORS.other, dash: CONTEXT_DASH[ctx++ % CONTEXT_DASH.length] as string }));
    // Grey context first, highlighted series last so they are drawn on top.
    const order = panel.series.map((s, k) => ({ s, k })).sort((a, b) => Number(a.s.highlight) - Number(b.s.highlight));
    for (const { s, k } of order) {
      const look = looks[k] as { color: string; dash: string };
      const d = s.points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
      out.push(`<polyline points="${d}" fill="none" stroke="${look.color}" stroke-width="${s.highlight ? 3.5 : 2.5}" stroke-linejoin="round"${look.dash ? ` stroke-dasharray="${look.dash}"` : ''}/>`);
    }
    let lx = LEFT;
    const legendY = top - 9;
    panel.series.forEach((s, k) => {
      const look = looks[k] as { color: string; dash: string };
      const room = Math.floor((W - RIGHT - lx - 24) / CHAR_W);
      if (room < 8) return;
      const label = s.label.length > room ? `${s.label.slice(0, room - 1)}…` : s.label;
      out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${legendY - 6}" y2="${legendY - 6}" stroke="${look.color}" stroke-width="4"${look.dash ? ` stroke-dasharray="${look.dash === '8 5' ? '6 3' : '2 2'}"` : ''}/>`);
      out.push(`<text x="${lx + 24}" y="${legendY}" fill="${COLORS.text}">${xml(label)}</text>`);
      lx += 24 + label.length * CHAR_W + 18;
    });
  });
  // Labels stacked at the top of the plot, one line each, on the side away from the onset, with a white halo.
  const rules = spec.rules.filter((r) => r.at >= from && r.at <= to).sort((a, b) => a.at - b.at);
  rules.forEach((r, i) => {
    const rx = x(r.at).toFixed(1);
    const color = r.kind === 'onset' ? COLORS.onset : COLORS.change;
    out.push(`<line x1="${rx}" x2="${rx}" y1="${plotTop + LEGEND_H - 4}" y2="${plotBottom}" stroke="${color}" stroke-width="2"${r.kind === 'change' ? ' stroke-dasharray="7 5"' : ''}/>`);
    const anchor = r.at < onset || x(r.at) > W - 170 ? 'end' : 'start';
    const dx = anchor === 'end' ? -6 : 6;
    out.push(`<text x="${(x(r.at) + dx).toFixed(1)}" y="${plotTop + LEGEND_H + 18 + i * 21}" text-anchor="${anchor}" fill="${color}" stroke="#ffffff" stroke-width="4" paint-order="stroke">${xml(r.label)}</text>`);
  });
  if (spec.panels.length > 0 && x(onset) - x(from) > 110) {
    out.push(`<text x="${LEFT + 6}" y="${plotBottom - 8}" fill="${COLORS.muted}" font-size="14">baseline</text>`);
  }
  const axisY = plotBottom + 4;
  out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${axisY}" y2="${axisY}" stroke="${COLORS.muted}" stroke-width="1"/>`);
  for (const t of timeTicks(from, to)) {
    out.push(`<text x="${x(t).toFixed(1)}" y="${axisY + 24}" text-anchor="middle" fill="${COLORS.muted}">${hhmm(t)}</text>`);
  }
  out.push(`<text x="${LEFT - 8}" y="${axisY + 24}" text-anchor="end" fill="${COLORS.muted}">UTC</text>`);
  out.push('</svg>');
  return out.join('\n');
}
