// changes_list: deploys, config and flag changes around the onset, scored against the anomalies; the
// deterministic plan names the best-correlated change and discounts the others.
import { z } from 'zod';
import type { Evidence } from '../../domain/types';
import { formatClock, formatDuration } from '../../evidence/analyzers/format';
import { changeLink as changeLinkOf } from '../../evidence/sources/links';
import type { Change } from '../../evidence/types';
import type { DraftClaim } from '../citations';
import type { ToolItem } from '../types';
import { defineTool } from './define';
import { byRef, clip, limit, matchesService, quote, range, service, take } from './shared';

export const changesList = defineTool({
  name: 'changes_list',
  description:
    'Deploys, config and flag changes before/around the onset, scored by how well they explain the anomalies.',
  input: z.object({ service: service.optional(), limit }).strict(),

  async run({ ctx, inScope }, input) {
    const src = await ctx.backend('changes');
    const list = (await ctx.changes()).filter(
      (c) => inScope(c.change.service) && matchesService(input.service, c.change.service),
    );
    const { shown, footer } = take(list, input.limit);
    const items: ToolItem[] = shown.map((c) => ({
      source: src,
      service: c.change.service,
      ref: c.change.id,
      timeRange: range(c.change.time, c.change.time),
      ...(changeLinkOf(c.change) ? { link: changeLinkOf(c.change) as string } : {}),
      // The link goes after the clipped part: a cut URL or command is no use to the person who follows it.
      excerpt:
        clip(
          `${c.change.id} ${c.change.kind} ${c.change.service} "${clip(c.change.summary, 90)}"${changeBy(c.change)} at ${formatClock(c.change.time)}, score ${c.score.toFixed(2)}: ${c.reason}`,
        ) + changeLink(c.change),
    }));
    return {
      header: `${list.length} changes (onset ${formatClock(ctx.window.onset)})`,
      items,
      ...(footer ? { footer } : {}),
    };
  },

  plan: {
    async run({ ctx, service: svc, call }) {
      const r = await call({ ...(svc ? { service: svc } : {}), limit: 8 });
      const ev = byRef(r);
      const scored = (await ctx.changes()).filter((c) => ev.has(c.change.id));
      const claims: DraftClaim[] = [];
      const best = scored[0];
      const strong = !!best && best.score > 0.05;
      if (best && strong) {
        claims.push({
          text: `${best.change.kind} ${best.change.service} "${quote(best.change.summary)}" at ${formatClock(best.change.time)}, ${formatDuration(best.leadSeconds)} before the onset, is the best-correlated change (score ${best.score.toFixed(2)}): ${best.reason}.`,
          evidence: [(ev.get(best.change.id) as Evidence).id],
          service: best.change.service,
        });
      }
      for (const c of scored.slice(strong ? 1 : 0, 4)) {
        if (c.score > 0.05 && c.score >= (best?.score ?? 0) / 2) continue;
        claims.push({
          text: `Discounted: ${c.change.kind} ${c.change.service} "${quote(c.change.summary)}": ${c.reason}.`,
          evidence: [(ev.get(c.change.id) as Evidence).id],
          service: c.change.service,
        });
      }
      const summary =
        best && strong
          ? `Best-correlated change: ${best.change.kind} ${best.change.service}.`
          : scored.length
            ? 'No change correlates with the onset.'
            : 'No changes in the lookback.';
      return { claims, summary, ...(strong ? { confidence: 0.65 } : {}) };
    },
  },
});

/** ` by <author>` when the source knows who made the change. */
function changeBy(c: Change): string {
  return c.author ? ` by ${clip(c.author, 40)}` : '';
}

/** Where a person sees the change (its URL or command), for the model to read. */
function changeLink(c: Change): string {
  const link = changeLinkOf(c);
  return link ? `; see ${clip(link, 200)}` : '';
}
