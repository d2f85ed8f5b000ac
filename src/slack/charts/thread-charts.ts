// Charts in the investigation thread: after a finding about metrics, one PNG of the series it read; after
// the synthesis, one of the implicated series. A chart is an extra: when it fails the finding stands,
// and a warning is logged.
import type { Evidence, EvidenceSeries, Finding, Investigation, Synthesis } from '../../domain/types';
import { redactDeep } from '../../domain/redact';
import { chartSpec, describeChart, type ChartSpec } from '../../evidence/charts/spec';
import type { Logger } from '../../logging';
import type { RecoveryCheck } from '../../verification/check';
import type { VerificationContext } from '../../verification/service';
import type { Poster } from '../poster';
import { renderChartPng } from './png';

/** Slack's limit on an image's alt text. */
const ALT_TEXT_MAX = 1000;

export interface ThreadChartsDeps {
  poster: Pick<Poster, 'uploadFile'>;
  logger: Logger;
  /** Spec to PNG bytes; resvg by default. */
  render?: (spec: ChartSpec) => Buffer;
}

/** Renders and uploads the charts of an investigation thread. */
export class ThreadCharts {
  private readonly render: (spec: ChartSpec) => Buffer;

  constructor(private readonly deps: ThreadChartsDeps) {
    this.render = deps.render ?? renderChartPng;
  }

  /** The series a finding read, cited ones first, the service of its first claim highlighted. */
  async finding(inv: Investigation, finding: Finding, key: string): Promise<void> {
    const cited = new Set(finding.claims.flatMap((c) => c.evidence));
    const ordered = [...finding.evidence.filter((e) => cited.has(e.id)), ...finding.evidence.filter((e) => !cited.has(e.id))];
    const series = seriesOf(ordered);
    if (series.length === 0) return;
    const highlight = finding.claims.find((c) => c.service)?.service ?? series[0]?.service;
    const spec = chartSpec({
      title: `Scout ${finding.scout}: what moved at the onset`, window: windowMs(inv), series, changes: changesOf(finding.evidence),
      ...(highlight ? { highlight } : {}),
    });
    if (spec) await this.upload(inv, spec, `${key}`, `chart-${finding.scout}-round${inv.round}.png`);
  }

  /** The top hypothesis's series (its cited evidence, else every series of its service), with its change marked. */
  async synthesis(inv: Investigation, synthesis: Synthesis, evidence: readonly Evidence[]): Promise<void> {
    const top = synthesis.hypotheses[0];
    if (!top) return;
    const ids = new Set(top.evidence);
    let series = seriesOf(evidence.filter((e) => ids.has(e.id)));
    if (series.length === 0) series = seriesOf(evidence.filter((e) => e.service === top.service));
    if (series.length === 0) return;
    const changes = changesOf(evidence).filter((c) => !top.change || c.id === top.change);
    const spec = chartSpec({ title: `Hypothesis 1: ${top.service}`, window: windowMs(inv), series, highlight: top.service, changes });
    if (spec) await this.upload(inv, spec, `${inv.id}:r${inv.round}:synthesis`, `chart-hypothesis-round${inv.round}.png`);
  }

  /** After a fix: the signals it was judged on, from the baseline through the action to what was read. */
  async verification(ctx: VerificationContext, check: RecoveryCheck, where: { channel: string; threadTs?: string }): Promise<void> {
    const p = ctx.proposal;
    const series = check.signals.flatMap((s) => (s.series ? [s.series] : []));
    const verdict = check.verdict === 'recovered' ? 'recovered' : check.verdict === 'not_recovered' ? 'not recovered' : 'cannot tell yet';
    const spec = chartSpec({
      title: `After ${p.actionId}: ${verdict}`,
      window: { ...check.window, to: check.readTo },
      series,
      ...(check.signals[0] ? { highlight: check.signals[0].service } : {}),
      changes: [{ at: check.actionAt, label: p.actionId.slice(0, 32) }],
    });
    if (spec) await this.post(where, spec, `verification:${p.incidentId}:${p.id}`, `chart-verification-${p.id}.png`, { proposalId: p.id });
  }

  private upload(inv: Investigation, spec: ChartSpec, key: string, filename: string): Promise<void> {
    return this.post({ channel: inv.channelId, ...(inv.threadTs ? { threadTs: inv.threadTs } : {}) }, spec, key, filename, { investigationId: inv.id });
  }

  private async post(where: { channel: string; threadTs?: string }, spec: ChartSpec, key: string, filename: string, logFields: Record<string, string>): Promise<void> {
    try {
      // Labels become pixels, past the poster's redaction: redact the spec itself first.
      const safe = redactDeep(spec);
      const data = this.render(safe);
      const alt = describeChart(safe);
      await this.deps.poster.uploadFile({
        ...where, filename, data, title: safe.title,
        altText: alt.length > ALT_TEXT_MAX ? `${alt.slice(0, ALT_TEXT_MAX - 1)}…` : alt, key: `${key}:chart`,
      });
    } catch (err) {
      this.deps.logger.warn({ err, ...logFields, chart: filename }, 'could not post a chart; the message stands without it');
    }
  }
}

function windowMs(inv: Investigation): { from: number; onset: number; to: number } {
  return { from: Date.parse(inv.window.from), onset: Date.parse(inv.window.onset), to: Date.parse(inv.window.to) };
}

/** Distinct series (by label) in evidence order. */
function seriesOf(evidence: readonly Evidence[]): EvidenceSeries[] {
  const seen = new Set<string>();
  const out: EvidenceSeries[] = [];
  for (const e of evidence) {
    if (!e.series || seen.has(e.series.label)) continue;
    seen.add(e.series.label);
    out.push(e.series);
  }
  return out;
}

/** Changes the evidence names (changes_list items: `<id> <kind> <service> ...` at the change's time). */
function changesOf(evidence: readonly Evidence[]): Array<{ id: string; at: number; label: string }> {
  return evidence
    .filter((e) => e.tool === 'changes_list' && e.timeRange)
    .map((e) => {
      const [id = '', kind = 'change', service = ''] = e.excerpt.split(' ');
      return { id, at: Date.parse(e.timeRange?.from ?? ''), label: `${kind} ${service}`.trim().slice(0, 32) };
    })
    .filter((c) => Number.isFinite(c.at))
    .slice(0, 3);
}
