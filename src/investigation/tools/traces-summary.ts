// traces_summary: per-service span error ratio and latency since the onset, with the calls each makes.
import { z } from 'zod';
import type { ToolItem } from '../types';
import { defineTool } from './define';
import { clip, matchesService, range, service, take } from './shared';

export const tracesSummary = defineTool({
  name: 'traces_summary',
  description: 'Per-service span error ratio and latency from traces, with the calls each service makes.',
  input: z.object({ service: service.optional() }).strict(),

  async run({ ctx, inScope }, input) {
    const src = await ctx.backend('traces');
    const stats = (await ctx.traces())
      .filter((t) => inScope(t.service) && matchesService(input.service, t.service))
      .sort((a, b) => b.errorRatio - a.errorRatio);
    const { shown, footer } = take(stats, 10);
    const items: ToolItem[] = shown.map((t) => ({
      source: src,
      service: t.service,
      timeRange: range(ctx.window.onset, ctx.window.to),
      excerpt: clip(
        `${t.service} ${t.spans} spans, ${(t.errorRatio * 100).toFixed(1)}% errors, p50 ${t.p50Ms.toFixed(0)}ms p99 ${t.p99Ms.toFixed(0)}ms; calls ` +
          t.calls
            .filter((c) => inScope(c.service))
            .map((c) => `${c.service} ${c.count} (${c.errors} err)`)
            .join(', '),
      ),
    }));
    return {
      header: stats.length ? `${stats.length} services in traces since onset` : 'no traces in this source',
      items,
      ...(footer ? { footer } : {}),
    };
  },
});
