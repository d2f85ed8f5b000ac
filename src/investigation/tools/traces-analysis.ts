// traces_analysis: where errors start and latency is added, per-edge changes, external dependencies; the
// deterministic plan names the service traces point at (and costs no call when the source has no spans).
import { z } from 'zod';
import type { Evidence } from '../../domain/types';
import { describeEdge, describeErrorOrigin, describeGap, describeLatencyOrigin } from '../../evidence/analyzers/traces';
import type { DraftClaim } from '../citations';
import type { ToolItem } from '../types';
import { defineTool } from './define';
import { byRef, clip, limit, range, service, take } from './shared';

export const tracesAnalysis = defineTool({
  name: 'traces_analysis',
  description:
    'Traces before vs since the onset: where errors start (failing spans whose children succeed; callers that only propagate are named), ' +
    "where latency is added (own time per trace), time lost on the way between caller and callee (the caller's span of a call vs the callee's), " +
    'caller→callee edges whose error rate or latency changed, and external dependencies named by client spans.',
  input: z.object({ service: service.optional().describe('Only findings that involve this service'), limit }).strict(),

  async run({ ctx, inScope }, input) {
    const t = await ctx.traceReport();
    if (!t) return { header: 'no spans in this window', items: [] };
    const about = (...names: string[]): boolean =>
      names.every(inScope) && (input.service === undefined || names.includes(input.service));
    const at = range(ctx.window.onset, ctx.window.to);
    const src = ctx.source.name;
    const list: ToolItem[] = [
      ...t.errorOrigins
        .filter((o) => about(o.service))
        .map((o) => ({
          source: src,
          service: o.service,
          ref: `error_origin:${o.service}`,
          timeRange: at,
          excerpt: clip(
            `traces: ${describeErrorOrigin({ ...o, propagatedTo: o.propagatedTo.filter(inScope) })}; strength ${o.strength.toFixed(2)}`,
          ),
        })),
      ...t.latencyOrigins
        .filter((o) => about(o.service))
        .map((o) => ({
          source: src,
          service: o.service,
          ref: `latency_origin:${o.service}`,
          timeRange: at,
          excerpt: clip(`traces: ${describeLatencyOrigin(o)}; strength ${o.strength.toFixed(2)}`),
        })),
      // A gap names its callers too: only the edges whose both ends are in scope are shown.
      ...t.gaps.flatMap((g) => {
        const edges = g.edges.filter((e) => about(e.caller, e.callee));
        if (g.strength <= 0 || !edges.length || !inScope(g.service)) return [];
        return [
          {
            source: src,
            service: g.service,
            ref: `call_gap:${g.service}`,
            timeRange: at,
            excerpt: clip(`traces: ${describeGap({ ...g, edges })}; strength ${g.strength.toFixed(2)}`),
          },
        ];
      }),
      ...t.edges
        .filter((e) => about(e.caller, e.callee))
        .map((e) => ({
          source: src,
          service: e.caller,
          ref: `edge:${e.caller}>${e.callee}`,
          timeRange: range(ctx.window.from, ctx.window.to),
          excerpt: clip(`traces edge ${describeEdge(e)}`),
        })),
    ];
    const { shown, footer } = take(list, input.limit);
    const note = t.notes.length ? ` (${t.notes.join('; ')})` : '';
    return {
      header: `${t.spans.incident} spans since onset, ${t.spans.baseline} before, ${t.traces} traces${note}`,
      items: shown,
      ...(footer ? { footer } : {}),
    };
  },

  plan: {
    async run({ ctx, inScope, service: svc, signals, call }) {
      // A source without spans costs no tool call and says nothing.
      if (!signals.includes('traces')) return { claims: [], summary: '' };
      const r = await call({ ...(svc ? { service: svc } : {}), limit: 8 });
      const ev = byRef(r);
      const t = await ctx.traceReport();
      if (!t) return { claims: [], summary: '' };
      const claims: DraftClaim[] = [];
      const errorOrigin = t.errorOrigins.find((o) => o.strength > 0 && ev.has(`error_origin:${o.service}`));
      if (errorOrigin) {
        const prop = errorOrigin.propagatedTo.filter(inScope);
        claims.push({
          text: `Traces: errors start in ${errorOrigin.external ? 'external dependency ' : ''}${errorOrigin.service} (${errorOrigin.spans.incident} failing spans whose children succeed since the onset, ${errorOrigin.spans.baseline} before)${prop.length ? `; its failing callers only propagate them (${prop.join(', ')})` : ''}.`,
          evidence: [(ev.get(`error_origin:${errorOrigin.service}`) as Evidence).id],
          service: errorOrigin.service,
        });
      }
      const latencyOrigin = t.latencyOrigins.find((o) => ev.has(`latency_origin:${o.service}`));
      if (latencyOrigin) {
        claims.push({
          text: `Traces: ${latencyOrigin.external ? 'external dependency ' : ''}${latencyOrigin.service} adds the latency: its own time per trace went from ${Math.round(latencyOrigin.baselineMs)}ms to ${Math.round(latencyOrigin.incidentMs)}ms since the onset.`,
          evidence: [(ev.get(`latency_origin:${latencyOrigin.service}`) as Evidence).id],
          service: latencyOrigin.service,
        });
      }
      const gap = t.gaps.find((g) => g.strength > 0 && ev.has(`call_gap:${g.service}`));
      if (gap) {
        claims.push({
          text: `Traces: ${describeGap(gap)}.`,
          evidence: [(ev.get(`call_gap:${gap.service}`) as Evidence).id],
          service: gap.service,
        });
      }
      const named = [errorOrigin, latencyOrigin, gap].filter((o) => o !== undefined).map((o) => o.service);
      const summary = named.length
        ? `Traces point at ${[...new Set(named)].join(' and ')}.`
        : 'Traces show no service where errors start or latency grew.';
      return {
        claims,
        summary,
        ...(Math.max(errorOrigin?.strength ?? 0, latencyOrigin?.strength ?? 0, gap?.strength ?? 0) >= 0.5
          ? { confidence: 0.6 }
          : {}),
      };
    },
  },
});
