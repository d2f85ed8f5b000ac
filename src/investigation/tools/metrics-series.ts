// metrics_series: the shape of one service's series, baseline vs incident medians and a sparkline.
import { z } from 'zod';
import { formatValue } from '../../evidence/analyzers/format';
import { median } from '../../evidence/analyzers/robust';
import { deriveSignals } from '../../evidence/analyzers/signals';
import { sparkline } from '../../evidence/analyzers/sparkline';
import { signalSeries } from '../../evidence/charts/spec';
import type { ToolItem } from '../types';
import { defineTool } from './define';
import { metricTarget } from '../../evidence/sources/links';
import { clip, linkTo, range, service, take } from './shared';

export const metricsSeries = defineTool({
  name: 'metrics_series',
  description:
    "The shape of one service's series (optionally one metric): baseline vs incident medians and a sparkline.",
  input: z
    .object({
      service,
      metric: z.string().min(1).max(120).optional().describe('Metric name, family or human name (e.g. "p99 latency")'),
    })
    .strict(),

  async run({ ctx, inScope }, input) {
    const src = await ctx.backend('metrics');
    if (!inScope(input.service)) return { header: 'no series', items: [] };
    const want = input.metric?.toLowerCase();
    const sigs = deriveSignals((await ctx.series()).filter((s) => s.service === input.service)).filter(
      (s) => !want || [s.metric, s.family, s.key].some((n) => n.toLowerCase().includes(want)),
    );
    const { shown, footer } = take(sigs, 8);
    const items: ToolItem[] = shown.map((s) => {
      const before = s.points.filter((p) => p[0] < ctx.window.onset).map((p) => p[1]);
      const after = s.points.filter((p) => p[0] >= ctx.window.onset).map((p) => p[1]);
      const b = before.length ? formatValue(median(before), s.unit) : 'n/a';
      const a = after.length ? formatValue(median(after), s.unit) : 'n/a';
      return {
        source: src,
        service: s.service,
        timeRange: range(ctx.window.from, ctx.window.to),
        ...linkTo(ctx.source, metricTarget(s.key, s.service, ctx.window.from, ctx.window.to)),
        excerpt: clip(`${s.service} ${s.metric}: baseline median ${b} → incident median ${a}`),
        sparkline: sparkline(s.points.map((p) => p[1])),
        series: signalSeries(s, ctx.window, null),
      };
    });
    return {
      header: `${sigs.length} series of ${input.service}${input.metric ? ` matching "${clip(input.metric, 40)}"` : ''}`,
      items,
      ...(footer ? { footer } : {}),
    };
  },
});
