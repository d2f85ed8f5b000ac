// Log templates against the baseline: which message shapes are new, surging, steady or gone
// in the incident window, per service. The miner itself is Drain-like (see drain.ts).

import { createHash } from 'node:crypto';
import { redactSecrets } from '../../domain/redact';
import { levelRank, parseLine } from '../logparse';
import { blockLine } from '../logparse/line-shapes';
import type { AnalysisWindow, LogEvent, TemplateLabel, TemplateStat } from '../types';
import { Drain, type DrainOptions } from './drain';

export type TemplateMinerOptions = Pick<DrainOptions, 'similarity' | 'depth' | 'maxChildren'>;

/** Stable short id of a template text: the same template gets the same id in every run. */
export function templateId(template: string): string {
  return 'T' + createHash('sha1').update(template).digest('hex').slice(0, 8);
}

/** Online template miner over message bodies (header already stripped). */
export class TemplateMiner {
  private readonly drain: Drain;

  constructor(opts: TemplateMinerOptions = {}) {
    this.drain = new Drain(opts);
  }

  /** Adds a body; returns its cluster's current id and template (both may still generalise later). */
  add(body: string): { id: string; template: string } {
    const cluster = this.drain.add(body);
    const template = this.drain.template(cluster);
    return { id: templateId(template), template };
  }

  /** Hot-path variant: the dense integer cluster id (final identity; resolve with `templateOf`). */
  addCluster(body: string): number {
    return this.drain.add(body);
  }

  /** Final template text of a cluster id from `addCluster`. */
  templateOf(cluster: number): string {
    return this.drain.template(cluster);
  }

  /** All templates so far with their line counts, most frequent first. */
  templates(): Array<{ id: string; template: string; count: number }> {
    const out: Array<{ id: string; template: string; count: number }> = [];
    for (let c = 0; c < this.drain.size; c++) {
      const template = this.drain.template(c);
      out.push({ id: templateId(template), template, count: this.drain.count(c) });
    }
    return out.sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  }
}

export interface MineOptions extends TemplateMinerOptions {
  /** Incident/baseline rate ratio at or above which a template is `surging` (default 3). */
  surgeRatio?: number;
  /** Incident occurrences a surge needs at least (default 3). */
  minSurgeCount?: number;
}

interface Acc {
  baseline: number;
  incident: number;
  firstSeen: number;
  level: string | undefined;
  samples: string[];
  baselineSamples: string[];
}

const SAMPLE_CHARS = 300;

/** An event's text for a template's samples: redacted before it is clipped, so no secret is cut past recognition. */
function sample(raw: string): string {
  const text = redactSecrets(raw).text;
  return text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS - 1) + '…' : text;
}

/** Lines a template's own later rate must have predicted before its first line for that silence to count (P(0) ≈ 5 %). */
const EXPECTED_BEFORE = 3;

/**
 * Without a baseline before the onset, the logs' own early stretch is one: a template whose later rate
 * would have put at least EXPECTED_BEFORE lines between its service's first line and its own first line,
 * yet none came, began while the logs were running. One that appears soon after its service's logs begin
 * (or too rarely for its absence to mean anything) cannot be judged.
 */
function startedInLogs(firstSeen: number, incident: number, serviceFrom: number, to: number): boolean {
  const after = Math.max(to - firstSeen, 1_000);
  return (incident * (firstSeen - serviceFrom)) / after >= EXPECTED_BEFORE;
}

function label(
  baseline: number,
  incident: number,
  ratio: number,
  opts: Required<Pick<MineOptions, 'surgeRatio' | 'minSurgeCount'>>,
  hasBaseline: boolean,
  startedLater: boolean,
): TemplateLabel {
  if (baseline === 0) return hasBaseline || startedLater ? 'new' : 'unknown';
  if (incident === 0) return 'gone';
  return ratio >= opts.surgeRatio && incident >= opts.minSurgeCount ? 'surging' : 'steady';
}

function sortKey(s: TemplateStat): number {
  const hot = s.label === 'new' || s.label === 'surging';
  if (hot && levelRank(s.level) >= levelRank('error')) return 0;
  if (hot) return 1;
  return s.label === 'steady' || s.label === 'unknown' ? 2 : 3;
}

/** Mines templates per service over [from, to] and labels each against the baseline [from, onset). */
export async function mineTemplates(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  window: AnalysisWindow,
  opts: MineOptions = {},
): Promise<TemplateStat[]> {
  const miners = new Map<string, { miner: TemplateMiner; accs: Map<number, Acc>; from: number }>();
  let covered = Infinity; // the earliest event: logs kept or shipped since then, whatever the window asks
  for await (const ev of events) {
    if (ev.ts < window.from || ev.ts > window.to) continue;
    if (ev.ts < covered) covered = ev.ts;
    let m = miners.get(ev.service);
    if (!m) {
      m = { miner: new TemplateMiner(opts), accs: new Map(), from: ev.ts };
      miners.set(ev.service, m);
    }
    if (ev.ts < m.from) m.from = ev.ts;
    const cluster = m.miner.addCluster(bodyOf(ev));
    let acc = m.accs.get(cluster);
    if (!acc) {
      acc = { baseline: 0, incident: 0, firstSeen: ev.ts, level: undefined, samples: [], baselineSamples: [] };
      m.accs.set(cluster, acc);
    }
    const inIncident = ev.ts >= window.onset;
    if (inIncident) acc.incident++;
    else acc.baseline++;
    if (ev.ts < acc.firstSeen) acc.firstSeen = ev.ts;
    if (ev.level !== undefined && levelRank(ev.level) > levelRank(acc.level)) acc.level = ev.level;
    const bucket = inIncident ? acc.samples : acc.baselineSamples;
    if (bucket.length < 3) bucket.push(sample(ev.text));
  }
  const rules = { surgeRatio: opts.surgeRatio ?? 3, minSurgeCount: opts.minSurgeCount ?? 3 };
  // Baseline rates over the time the logs cover: logs that begin a minute before the onset are not an hour of silence.
  const baseFrom = covered < window.onset ? covered : window.from;
  const baseMin = Math.max((window.onset - baseFrom) / 60_000, 1e-9);
  const incMin = Math.max((window.to - window.onset) / 60_000, 1 / 60);
  const out: TemplateStat[] = [];
  for (const [service, { miner, accs, from }] of miners) {
    // Two clusters may end with the same text: report them as one template.
    const byText = new Map<string, Acc>();
    for (const [cluster, acc] of accs) {
      const text = miner.templateOf(cluster);
      const prev = byText.get(text);
      if (!prev) {
        byText.set(text, acc);
        continue;
      }
      prev.baseline += acc.baseline;
      prev.incident += acc.incident;
      prev.firstSeen = Math.min(prev.firstSeen, acc.firstSeen);
      if (levelRank(acc.level) > levelRank(prev.level)) prev.level = acc.level;
      prev.samples.push(...acc.samples.slice(0, 3 - prev.samples.length));
      prev.baselineSamples.push(...acc.baselineSamples.slice(0, 3 - prev.baselineSamples.length));
    }
    for (const [template, acc] of byText) {
      const ratio = acc.baseline === 0 ? Infinity : acc.incident / incMin / (acc.baseline / baseMin);
      const stat: TemplateStat = {
        id: templateId(template),
        template,
        service,
        baselineCount: acc.baseline,
        incidentCount: acc.incident,
        ratio,
        firstSeen: acc.firstSeen,
        label: label(
          acc.baseline,
          acc.incident,
          ratio,
          rules,
          covered < window.onset,
          startedInLogs(acc.firstSeen, acc.incident, from, window.to),
        ),
        samples: [...acc.samples, ...acc.baselineSamples].slice(0, 3),
      };
      if (acc.level !== undefined) stat.level = acc.level;
      const example = acc.samples[0] ?? acc.baselineSamples[0];
      if (example !== undefined) stat.example = exampleLine(example);
      out.push(stat);
    }
  }
  return out.sort(
    (a, b) =>
      sortKey(a) - sortKey(b) ||
      levelRank(b.level) - levelRank(a.level) ||
      b.incidentCount - a.incidentCount ||
      a.service.localeCompare(b.service) ||
      a.id.localeCompare(b.id),
  );
}

/** The first physical line of a (redacted) sample. */
function exampleLine(sample: string): string {
  const nl = sample.indexOf('\n');
  return nl < 0 ? sample : sample.slice(0, nl);
}

/**
 * What an event is mined as: its first line's body and, for a multi-line event, the line under it that
 * says what kind of block follows (see blockLine: a table's column header, the exception a stack trace
 * or a Python traceback is of, a command's first line of output): the same first line with another
 * block under it is another event, and a single line is another event than the same line heading a
 * block. Other lines are left out so that a table with more rows, or a longer dump, stays the same template.
 */
export function blockBody(ev: { body: string; text: string }): string {
  if (ev.text.indexOf('\n') < 0) return ev.body;
  const under = blockLine(ev.text.split('\n'));
  return under === undefined ? ev.body : `${ev.body}\n${under}`;
}

/**
 * The body to mine: the first line's, with the header stripped (a LogEvent without one is parsed by the
 * parser the sources use). The lines under it are the stack, not the shape: the same failure logged with
 * and without a stack is one template here, so it is not "gone" in the baseline and "new" in the incident.
 * A Python traceback's first line says nothing of its own, so it is mined as blockBody reads it, with the
 * exception it ends with ("Traceback (most recent call last): ValueError: bad amount"), as `templates` does.
 */
function bodyOf(ev: LogEvent): string {
  const nl = ev.text.indexOf('\n');
  const body = ev.body ?? parseLine(nl < 0 ? ev.text : ev.text.slice(0, nl), ev.ts).body;
  return nl >= 0 && body.startsWith('Traceback (') ? blockBody({ body, text: ev.text }) : body;
}
