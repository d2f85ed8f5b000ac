// metrics_anomalies: metric series that moved at the incident, strongest first; the deterministic plan
// names the most anomalous services and which one moved first.
import { z } from 'zod';
import type { Evidence } from '../../domain/types';
import { digestAnomaly } from '../../evidence/analyzers/digest';
import { formatClock, formatEffect, formatMinute } from '../../evidence/analyzers/format';
import { serviceScores } from '../../evidence/analyzers/metrics';
import { deriveSignals } from '../../evidence/analyzers/signals';
import { signalSeries } from '../../evidence/charts/spec';
import type { DraftClaim } from '../citations';
import type { ToolItem } from '../types';
import { defineTool } from './define';
import { metricTarget } from '../../evidence/sources/links';
import { byRef, clip, limit, linkTo, matchesService, range, service, take } from './shared';

export const metricsAnomalies = defineTool({
  name: 'metrics_anomalies',
  description:
    'Metric series that moved at the incident, strongest first, with change points, robust scores and sparklines.',
  input: z
    .object({
      service: service.optional(),
      kind: z.enum(['latency', 'errors', 'traffic', 'saturation', 'other']).optional(),
      limit,
    })
    .strict(),

  async run({ ctx, inScope }, input) {
    const src = await ctx.backend('metrics');
    const list = (await ctx.anomalies())
      .filter(
        (a) => inScope(a.service) && matchesService(input.service, a.service) && (!input.kind || a.kind === input.kind),
      )
      .sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
    const { shown, footer } = take(list, input.limit);
    // The points behind each shown anomaly, downsampled, so the thread can chart what was read.
    const services = new Set(shown.map((a) => a.service));
    const signals = new Map(
      deriveSignals((await ctx.series()).filter((s) => services.has(s.service))).map((s) => [s.key, s]),
    );
    const items: ToolItem[] = shown.map((a) => {
      const sig = signals.get(a.key);
      return {
        source: src,
        service: a.service,
        ref: a.key,
        timeRange: range(ctx.window.from, ctx.window.to),
        ...linkTo(ctx.source, metricTarget(a.key, a.service, ctx.window.from, ctx.window.to)),
        excerpt: clip(`${digestAnomaly(a)} [${a.kind}]`),
        sparkline: a.sparkline,
        ...(sig ? { series: signalSeries(sig, ctx.window, a.changeAt) } : {}),
      };
    });
    return {
      header: `${list.length} anomalous series (onset ${formatClock(ctx.window.onset)})`,
      items,
      ...(footer ? { footer } : {}),
    };
  },

  plan: {
    // A changes scout reads anomalies only to correlate; this step belongs to scouts without changes_list.
    when: (granted) => !granted.includes('changes_list'),
    async run({ ctx, service: svc, call }) {
      const r = await call({ ...(svc ? { service: svc } : {}), limit: 8 });
      const ev = byRef(r);
      const anomalies = (await ctx.anomalies()).filter((a) => ev.has(a.key));
      if (!anomalies.length) return { claims: [], summary: 'No metric moved at the onset.' };
      const claims: DraftClaim[] = [];
      for (const s of serviceScores(anomalies).slice(0, 3)) {
        const top = s.anomalies.slice(0, 2);
        claims.push({
          text: `${s.service}: ${top.map((a) => `${a.metric} ${formatEffect(a.baseline, a.current, a.unit)}${a.changeAt != null ? `, starting ${formatMinute(a.changeAt)}` : ''}`).join('; ')}.`,
          evidence: top.map((a) => (ev.get(a.key) as Evidence).id),
          service: s.service,
        });
      }
      const timed = anomalies
        .filter((a) => a.changeAt != null)
        .sort((a, b) => (a.changeAt as number) - (b.changeAt as number));
      const first = timed[0];
      const nextOther = timed.find((a) => first && a.service !== first.service);
      // "Moved first" only when it really led: a tie at the same change point says nothing about order.
      if (first && nextOther && (nextOther.changeAt as number) > (first.changeAt as number)) {
        claims.push({
          text: `${first.service} moved first (${first.metric} at ${formatClock(first.changeAt as number)}); others followed.`,
          evidence: [(ev.get(first.key) as Evidence).id],
          service: first.service,
        });
      }
      return {
        claims,
        summary: `Strongest anomalies in ${serviceScores(anomalies)
          .slice(0, 3)
          .map((s) => s.service)
          .join(', ')}.`,
        confidence: 0.6,
      };
    },
  },
});
