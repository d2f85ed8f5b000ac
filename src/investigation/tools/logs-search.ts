// logs_search: log lines containing a text, grouped by line shape, counted before and after the onset.
import { z } from 'zod';
import type { ToolItem } from '../types';
import { defineTool } from './define';
import { clip, limit, linkTo, matchesService, range, service, take } from './shared';

/** Distinct line groups logs_search keeps while streaming the window's logs. */
const MAX_SEARCH_GROUPS = 5_000;

export const logsSearch = defineTool({
  name: 'logs_search',
  description: 'Log lines containing a text, grouped by template, with counts before and after the onset.',
  input: z
    .object({
      query: z.string().min(2).max(200).describe('Case-insensitive text to find in log lines'),
      service: service.optional(),
      limit,
    })
    .strict(),

  async run({ ctx, inScope }, input) {
    const src = await ctx.backend('logs');
    const q = input.query.toLowerCase();
    const groups = new Map<string, { service: string; text: string; before: number; after: number; first: number }>();
    let ungrouped = 0;
    for await (const e of ctx.logEvents()) {
      if (!inScope(e.service) || !matchesService(input.service, e.service) || !e.text.toLowerCase().includes(q))
        continue;
      const body = (e.body ?? e.text).split('\n')[0] ?? '';
      const key = `${e.service}\u0000${body.replace(/\d+/g, '#').slice(0, 160)}`;
      // Bounded: past MAX_SEARCH_GROUPS distinct lines the rest are counted, not kept.
      if (!groups.has(key) && groups.size >= MAX_SEARCH_GROUPS) {
        ungrouped++;
        continue;
      }
      const g = groups.get(key) ?? { service: e.service, text: body, before: 0, after: 0, first: e.ts };
      if (e.ts < ctx.window.onset) g.before++;
      else g.after++;
      g.first = Math.min(g.first, e.ts);
      groups.set(key, g);
    }
    const list = [...groups.values()].sort((a, b) => b.after - a.after || b.before - a.before);
    const taken = take(list, input.limit);
    const { shown } = taken;
    const footer =
      [taken.footer, ungrouped ? `${ungrouped} more matching lines not grouped` : undefined]
        .filter(Boolean)
        .join('; ') || undefined;
    const items: ToolItem[] = shown.map((g) => ({
      source: src,
      service: g.service,
      timeRange: range(g.first, ctx.window.to),
      ...linkTo(ctx.source, {
        signal: 'logs',
        service: g.service,
        contains: input.query,
        ignoreCase: true,
        from: ctx.window.from,
        to: ctx.window.to,
      }),
      excerpt: clip(`${g.service} "${clip(g.text, 150)}" before onset ${g.before}, after ${g.after}`),
    }));
    return {
      header: `${list.length} line groups matching "${clip(input.query, 60)}"`,
      items,
      ...(footer ? { footer } : {}),
    };
  },
});
