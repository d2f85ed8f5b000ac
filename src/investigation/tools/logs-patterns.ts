// logs_patterns: log templates per service with baseline vs incident counts and a label; the deterministic
// plan names the services whose errors began at the incident and the errors that were already there.
import { z } from 'zod';
import type { Evidence } from '../../domain/types';
import { formatClock } from '../../evidence/analyzers/format';
import { isErrorTemplate } from '../../evidence/analyzers/own-errors';
import type { DraftClaim } from '../citations';
import type { ToolItem } from '../types';
import { defineTool } from './define';
import { templateTarget } from '../../evidence/sources/links';
import { byRef, clip, limit, linkTo, matchesService, quote, range, service, take } from './shared';

const ERRORISH = /err|fatal|crit|panic|severe|warn|exception|fail|timeout|refused/i;

export const logsPatterns = defineTool({
  name: 'logs_patterns',
  description:
    'Log templates per service in the window, with baseline vs incident counts and a label: new, surging, steady (already there before the onset), gone.',
  input: z
    .object({
      service: service.optional(),
      label: z
        .enum(['new', 'surging', 'steady', 'gone', 'all'])
        .optional()
        .describe('Template label filter (default: all)'),
      errors_only: z.boolean().optional().describe('Only templates that read as errors or warnings'),
      limit,
    })
    .strict(),

  async run({ ctx, inScope }, input) {
    const src = await ctx.backend('logs');
    const { window } = ctx;
    const list = (await ctx.templates())
      .filter((t) => inScope(t.service) && matchesService(input.service, t.service))
      .filter((t) => !input.label || input.label === 'all' || t.label === input.label)
      .filter((t) => !input.errors_only || ERRORISH.test(t.level ?? '') || ERRORISH.test(t.template))
      // New and surging first (what changed), then by volume during the incident.
      .sort((a, b) => labelRank(a.label) - labelRank(b.label) || b.incidentCount - a.incidentCount);
    const { shown, footer } = take(list, input.limit);
    const items: ToolItem[] = shown.map((t) => ({
      source: src,
      service: t.service,
      ref: t.id,
      timeRange: range(window.from, window.to),
      ...linkTo(ctx.source, templateTarget(t.service, t.template, window.from, window.to)),
      excerpt: clip(
        `${t.service} [${t.label}] ${t.level ? `${t.level} ` : ''}"${clip(t.template, 140)}" baseline ${t.baselineCount} → incident ${t.incidentCount}` +
          (t.label === 'new'
            ? ` (first ${formatClock(t.firstSeen)})`
            : Number.isFinite(t.ratio)
              ? ` (×${t.ratio.toFixed(1)} rate)`
              : '') +
          // A real line beside the template, so its `<*>` placeholders read as what they stand for.
          (t.example ? `, e.g. "${clip(t.example.replace(/\s+/g, ' ').trim(), 160)}"` : ''),
      ),
    }));
    return {
      header: `${list.length} log templates (onset ${formatClock(window.onset)}, baseline from ${formatClock(window.from)})`,
      items,
      ...(footer ? { footer } : {}),
    };
  },

  plan: {
    async run({ ctx, service: svc, call }) {
      const r = await call({ ...(svc ? { service: svc } : {}), errors_only: true, limit: 12 });
      const ev = byRef(r);
      const stats = (await ctx.templates()).filter((t) => ev.has(t.id) && isErrorTemplate(t));
      const rising = stats.filter((t) => t.label === 'new' || t.label === 'surging');
      const steady = stats.filter((t) => t.label === 'steady');
      const claims: DraftClaim[] = [];
      const byService = new Map<string, typeof rising>();
      for (const t of rising) byService.set(t.service, [...(byService.get(t.service) ?? []), t]);
      const services = [...byService.entries()].sort((a, b) => sum(b[1]) - sum(a[1])).slice(0, 3);
      for (const [service, list] of services) {
        const top = list.slice(0, 2);
        const desc = top
          .map((t) =>
            t.label === 'new'
              ? `new "${quote(t.template)}" (${t.incidentCount}× since ${formatClock(t.firstSeen)})`
              : `surging "${quote(t.template)}" (${t.baselineCount} → ${t.incidentCount})`,
          )
          .join(' and ');
        claims.push({
          text: `${service} logs errors that began at the incident: ${desc}.`,
          evidence: top.map((t) => (ev.get(t.id) as Evidence).id),
          service,
        });
      }
      for (const t of steady.slice(0, 2)) {
        claims.push({
          text: `${t.service} "${quote(t.template)}" was already frequent before the onset (${t.baselineCount} → ${t.incidentCount}): likely a red herring.`,
          evidence: [(ev.get(t.id) as Evidence).id],
          service: t.service,
        });
      }
      const summary = rising.length
        ? `New or surging errors in ${services.map(([s]) => s).join(', ')}.`
        : 'No new or surging error templates since the onset.';
      return { claims, summary, ...(rising.some((t) => t.label === 'new') ? { confidence: 0.6 } : {}) };
    },
  },
});

function labelRank(l: string): number {
  return l === 'new' ? 0 : l === 'surging' ? 1 : l === 'steady' ? 2 : 3;
}

function sum(list: Array<{ incidentCount: number }>): number {
  return list.reduce((s, t) => s + t.incidentCount, 0);
}
