// Digests: deterministic text a person or an LLM reads in seconds, always within a character budget.

import type { Change, SeriesAnomaly, TriageReport } from '../types';
import { formatClock, formatDuration, formatEffect } from './format';
import { describeEdge, describeErrorOrigin, describeGap, describeLatencyOrigin } from './traces';
import { clipWords } from '../../domain/text';

/** `checkout p99 latency from 118ms to 2.31s (20×), starting 03:02:10 UTC, 15s after deploy checkout v2.3.1`. */
export function digestAnomaly(a: SeriesAnomaly, change?: Change): string {
  const at = a.changeAt != null ? `, starting ${formatClock(a.changeAt)}` : '';
  let text = `${a.service} ${a.metric} ${formatEffect(a.baseline, a.current, a.unit)}${at}`;
  if (change) {
    const ref = a.changeAt ?? change.time;
    const d = (ref - change.time) / 1000;
    text += `, ${formatDuration(d)} ${d >= 0 ? 'after' : 'before'} ${change.kind} ${change.summary}`;
  }
  return text;
}

/** Cuts text to at most `max` characters at a word boundary, marking the cut with `…`. */
export const truncateWords = clipWords;

interface Item {
  section: number;
  order: number;
  priority: number;
  text: string;
}

const SECTIONS = ['', 'Suspects', 'Red herrings', 'Anomalies', 'New or surging logs', 'Problems', 'Traces'];
/** Problems listed one per line; the rest are counted. */
const MAX_PROBLEMS = 5;

/**
 * Renders a report within `budgetChars`: sections in reading order, but when space runs out the
 * lowest-priority lines go first (later suspects, then anomalies and logs), never cutting a line mid-word.
 */
export function digestReport(report: Omit<TriageReport, 'digest'>, budgetChars: number): string {
  const items: Item[] = [];
  let order = 0;
  const add = (section: number, priority: number, text: string): void => {
    items.push({ section, order: order++, priority, text });
  };
  // The top suspect outranks even the header: in 150 characters, the answer matters more than the window.
  add(0, 1, `Onset ${report.onset} (baseline from ${report.window.from}, now ${report.window.to})`);
  report.suspects.slice(0, 8).forEach((s, i) => {
    const change = s.change ? ` [change ${s.change}]` : '';
    add(
      1,
      i === 0 ? 0 : 1 + i * 10,
      `${i + 1}. ${s.service} (score ${s.score.toFixed(2)})${change}: ${s.reason.replace(new RegExp(`^${s.service}: `), '')}`,
    );
    s.evidence.slice(0, 4).forEach((e, j) => add(1, 4 + i * 10 + j, `   + ${e}`));
    s.against.slice(0, 2).forEach((e, j) => add(1, 6 + i * 10 + j, `   - ${e}`));
  });
  report.red_herrings.slice(0, 8).forEach((r, i) => add(2, 3 + i * 4, `- ${r.what}: ${r.why}`));
  if (report.traces) {
    const t = report.traces;
    const origins = [
      ...t.errorOrigins.filter((o) => o.strength > 0).map(describeErrorOrigin),
      ...t.latencyOrigins.map(describeLatencyOrigin),
      ...t.gaps.filter((g) => g.strength > 0).map(describeGap),
    ];
    origins.slice(0, 4).forEach((o, i) => add(6, 5 + i * 6, `- ${o}`));
    t.edges.slice(0, 4).forEach((e, i) => add(6, 25 + i * 3, `- ${describeEdge(e)}`));
    if (!origins.length)
      add(
        6,
        40,
        `- ${t.spans.incident} spans since onset, ${t.spans.baseline} before: no service stands out${t.notes.length ? ` (${t.notes[0]})` : ''}`,
      );
  }
  report.anomalies.slice(0, 8).forEach((a, i) => add(3, 20 + i * 3, `${a.sparkline} ${digestAnomaly(a)}`));
  report.templates
    .filter((t) => t.label === 'new' || t.label === 'surging')
    .slice(0, 6)
    .forEach((t, i) =>
      add(4, 30 + i * 3, `${t.service} [${t.label}] ${t.incidentCount}× ${t.template.replace(/\s+/g, ' ')}`),
    );
  // Where and what, not a total: whoever fixes the data needs the file, the line and the reason.
  const problems = [...report.problems].sort((a, b) => b.count - a.count);
  problems.slice(0, MAX_PROBLEMS).forEach((p, i) => {
    const where = `${p.origin}${p.line !== undefined ? ` line ${p.line}` : ''}`;
    add(5, 100 + i, `- ${where}: ${clipWords(p.problem, 200)}${p.count > 1 ? ` (${p.count}×)` : ''}`);
  });
  if (problems.length > MAX_PROBLEMS) add(5, 100 + MAX_PROBLEMS, `- and ${problems.length - MAX_PROBLEMS} more`);

  const render = (kept: Item[]): string => {
    const lines: string[] = [];
    let section = -1;
    for (const it of [...kept].sort((a, b) => a.order - b.order)) {
      if (it.section !== section) {
        section = it.section;
        const title = SECTIONS[section];
        if (title) lines.push(`${title}:`);
      }
      lines.push(it.text);
    }
    return lines.join('\n');
  };
  const kept = [...items].sort((a, b) => a.priority - b.priority || a.order - b.order);
  let text = render(kept);
  while (text.length > budgetChars && kept.length > 1) {
    kept.pop();
    text = render(kept);
  }
  return truncateWords(text, budgetChars);
}
