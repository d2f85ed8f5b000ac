// The read-only tools scouts may call (names in src/domain/tools.ts). Each has a zod input schema (sent to
// Claude as JSON Schema) and returns a header plus items; the tool gate turns items into evidence with ids,
// redacts and wraps them. Implementations read only through the shared EvidenceContext and only the
// services the caller's scope allows (`inScope`); the gate filters again (defence in depth).
import { z } from 'zod';
import type { ToolName } from '../domain/tools';
import { digestAnomaly, truncateWords } from '../evidence/analyzers/digest';
import { formatClock, formatValue } from '../evidence/analyzers/format';
import { dependencies, dependents } from '../evidence/analyzers/graph';
import { deriveSignals } from '../evidence/analyzers/signals';
import { describeEdge, describeErrorOrigin, describeLatencyOrigin } from '../evidence/analyzers/traces';
import { sparkline } from '../evidence/analyzers/sparkline';
import { median } from '../evidence/analyzers/robust';
import type { Change } from '../evidence/types';
import type { EvidenceContext } from './context';
import type { ToolItem, ToolOutput } from './types';

const service = z.string().min(1).max(80).describe('A service name, e.g. "payments"');
const limit = z.number().int().min(1).max(30).optional().describe('How many items at most (default 10)');

export const TOOL_INPUTS = {
  logs_patterns: z
    .object({
      service: service.optional(),
      label: z.enum(['new', 'surging', 'steady', 'gone', 'all']).optional().describe('Template label filter (default: all)'),
      errors_only: z.boolean().optional().describe('Only templates that read as errors or warnings'),
      limit,
    })
    .strict(),
  logs_search: z
    .object({ query: z.string().min(2).max(200).describe('Case-insensitive text to find in log lines'), service: service.optional(), limit })
    .strict(),
  metrics_anomalies: z
    .object({ service: service.optional(), kind: z.enum(['latency', 'errors', 'traffic', 'saturation', 'other']).optional(), limit })
    .strict(),
  metrics_series: z
    .object({ service, metric: z.string().min(1).max(120).optional().describe('Metric name, family or human name (e.g. "p99 latency")') })
    .strict(),
  changes_list: z.object({ service: service.optional(), limit }).strict(),
  topology: z.object({ service: service.optional() }).strict(),
  traces_summary: z.object({ service: service.optional() }).strict(),
  traces_analysis: z.object({ service: service.optional().describe('Only findings that involve this service'), limit }).strict(),
} satisfies Record<ToolName, z.ZodObject>;

export type ToolInput<N extends ToolName> = z.infer<(typeof TOOL_INPUTS)[N]>;

export const TOOL_DESCRIPTIONS: Record<ToolName, string> = {
  logs_patterns: 'Log templates per service in the window, with baseline vs incident counts and a label: new, surging, steady (already there before the onset), gone.',
  logs_search: 'Log lines containing a text, grouped by template, with counts before and after the onset.',
  metrics_anomalies: 'Metric series that moved at the incident, strongest first, with change points, robust scores and sparklines.',
  metrics_series: 'The shape of one service\'s series (optionally one metric): baseline vs incident medians and a sparkline.',
  changes_list: 'Deploys, config and flag changes before/around the onset, scored by how well they explain the anomalies.',
  topology: 'The call graph around a service: what it calls and what calls it.',
  traces_summary: 'Per-service span error ratio and latency from traces, with the calls each service makes.',
  traces_analysis:
    'Traces before vs since the onset: where errors start (failing spans whose children succeed; callers that only propagate are named), ' +
    'where latency is added (own time per trace), caller→callee edges whose error rate or latency changed, and external dependencies named by client spans.',
};

export interface ToolEnv {
  ctx: EvidenceContext;
  /** The caller's service scope (already the gate's rule). */
  inScope: (service: string) => boolean;
}

type Impl<N extends ToolName> = (env: ToolEnv, input: ToolInput<N>) => Promise<ToolOutput>;

const LINE = 220;
/** Distinct line groups logs_search keeps while streaming the window's logs. */
const MAX_SEARCH_GROUPS = 5_000;
const clip = (s: string, n = LINE): string => truncateWords(s.replace(/\s+/g, ' ').trim(), n);
const range = (from: number, to: number): { from: string; to: string } => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });

function take<T>(list: T[], n: number | undefined, def = 10): { shown: T[]; footer?: string } {
  const k = n ?? def;
  const shown = list.slice(0, k);
  return list.length > k ? { shown, footer: `${list.length - k} more not shown` } : { shown };
}

/** A real line beside the template, so `<*>` placeholders read as what they stand for. */
function exampleOf(t: { example?: string; samples: string[] }): string {
  const line = (t.example ?? t.samples[0] ?? '').replace(/\s+/g, ' ').trim();
  return line ? `, e.g. "${clip(line, 160)}"` : '';
}

const matchesService = (want: string | undefined, s: string): boolean => want === undefined || want === s;

const IMPLS: { [N in ToolName]: Impl<N> } = {
  async logs_patterns({ ctx, inScope }, input) {
    const src = await ctx.backend('logs');
    const { window } = ctx;
    const errorish = /err|fatal|crit|panic|severe|warn|exception|fail|timeout|refused/i;
    const list = (await ctx.templates())
      .filter((t) => inScope(t.service) && matchesService(input.service, t.service))
      .filter((t) => !input.label || input.label === 'all' || t.label === input.label)
      .filter((t) => !input.errors_only || errorish.test(t.level ?? '') || errorish.test(t.template))
      // New and surging first (what changed), then by volume during the incident.
      .sort((a, b) => labelRank(a.label) - labelRank(b.label) || b.incidentCount - a.incidentCount);
    const { shown, footer } = take(list, input.limit);
    const items: ToolItem[] = shown.map((t) => ({
      source: src,
      service: t.service,
      ref: t.id,
      timeRange: range(window.from, window.to),
      excerpt: clip(
        `${t.service} [${t.label}] ${t.level ? `${t.level} ` : ''}"${clip(t.template, 140)}" baseline ${t.baselineCount} → incident ${t.incidentCount}` +
          (t.label === 'new' ? ` (first ${formatClock(t.firstSeen)})` : Number.isFinite(t.ratio) ? ` (×${t.ratio.toFixed(1)} rate)` : '') +
          exampleOf(t),
      ),
    }));
    return { header: `${list.length} log templates (onset ${formatClock(window.onset)}, baseline from ${formatClock(window.from)})`, items, ...(footer ? { footer } : {}) };
  },

  async logs_search({ ctx, inScope }, input) {
    const src = await ctx.backend('logs');
    const q = input.query.toLowerCase();
    const groups = new Map<string, { service: string; text: string; before: number; after: number; first: number }>();
    let ungrouped = 0;
    for await (const e of ctx.logEvents()) {
      if (!inScope(e.service) || !matchesService(input.service, e.service) || !e.text.toLowerCase().includes(q)) continue;
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
    const footer = [taken.footer, ungrouped ? `${ungrouped} more matching lines not grouped` : undefined].filter(Boolean).join('; ') || undefined;
    const items: ToolItem[] = shown.map((g) => ({
      source: src,
      service: g.service,
      timeRange: range(g.first, ctx.window.to),
      excerpt: clip(`${g.service} "${clip(g.text, 150)}" before onset ${g.before}, after ${g.after}`),
    }));
    return { header: `${list.length} line groups matching "${clip(input.query, 60)}"`, items, ...(footer ? { footer } : {}) };
  },

  async metrics_anomalies({ ctx, inScope }, input) {
    const src = await ctx.backend('metrics');
    const list = (await ctx.anomalies())
      .filter((a) => inScope(a.service) && matchesService(input.service, a.service) && (!input.kind || a.kind === input.kind))
      .sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
    const { shown, footer } = take(list, input.limit);
    const items: ToolItem[] = shown.map((a) => ({
      source: src,
      service: a.service,
      ref: a.key,
      timeRange: range(ctx.window.from, ctx.window.to),
      excerpt: clip(`${digestAnomaly(a)} [${a.kind}]`),
      sparkline: a.sparkline,
    }));
    return { header: `${list.length} anomalous series (onset ${formatClock(ctx.window.onset)})`, items, ...(footer ? { footer } : {}) };
  },

  async metrics_series({ ctx, inScope }, input) {
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
        excerpt: clip(`${s.service} ${s.metric}: baseline median ${b} → incident median ${a}`),
        sparkline: sparkline(s.points.map((p) => p[1])),
      };
    });
    return { header: `${sigs.length} series of ${input.service}${input.metric ? ` matching "${clip(input.metric, 40)}"` : ''}`, items, ...(footer ? { footer } : {}) };
  },

  async changes_list({ ctx, inScope }, input) {
    const src = await ctx.backend('changes');
    const list = (await ctx.changes()).filter((c) => inScope(c.change.service) && matchesService(input.service, c.change.service));
    const { shown, footer } = take(list, input.limit);
    const items: ToolItem[] = shown.map((c) => ({
      source: src,
      service: c.change.service,
      ref: c.change.id,
      timeRange: range(c.change.time, c.change.time),
      // The link goes after the clipped part: a cut URL or command is no use to the person who follows it.
      excerpt: clip(`${c.change.id} ${c.change.kind} ${c.change.service} "${clip(c.change.summary, 90)}"${changeBy(c.change)} at ${formatClock(c.change.time)}, score ${c.score.toFixed(2)}: ${c.reason}`) + changeLink(c.change),
    }));
    return { header: `${list.length} changes (onset ${formatClock(ctx.window.onset)})`, items, ...(footer ? { footer } : {}) };
  },

  async topology({ ctx, inScope }, input) {
    const src = await ctx.backend('topology');
    const topo = await ctx.topology();
    if (!topo) return { header: 'no topology known', items: [] };
    const nodes = topo.services.filter((n) => inScope(n.name) && (!input.service || n.name === input.service || dependencies(topo, input.service).includes(n.name) || dependents(topo, input.service).includes(n.name)));
    const items: ToolItem[] = nodes.slice(0, 20).map((n) => {
      const calls = n.calls.filter(inScope);
      const callers = topo.services.filter((m) => m.calls.includes(n.name) && inScope(m.name)).map((m) => m.name);
      return { source: src, service: n.name, excerpt: clip(`${n.name} (${n.kind}) calls [${calls.join(', ')}]; called by [${callers.join(', ')}]`) };
    });
    return { header: `${nodes.length} services${input.service ? ` around ${input.service}` : ''}`, items };
  },

  async traces_summary({ ctx, inScope }, input) {
    const src = await ctx.backend('traces');
    const stats = (await ctx.traces()).filter((t) => inScope(t.service) && matchesService(input.service, t.service)).sort((a, b) => b.errorRatio - a.errorRatio);
    const { shown, footer } = take(stats, 10);
    const items: ToolItem[] = shown.map((t) => ({
      source: src,
      service: t.service,
      timeRange: range(ctx.window.onset, ctx.window.to),
      excerpt: clip(
        `${t.service} ${t.spans} spans, ${(t.errorRatio * 100).toFixed(1)}% errors, p50 ${t.p50Ms.toFixed(0)}ms p99 ${t.p99Ms.toFixed(0)}ms; calls ` +
          t.calls.filter((c) => inScope(c.service)).map((c) => `${c.service} ${c.count} (${c.errors} err)`).join(', '),
      ),
    }));
    return { header: stats.length ? `${stats.length} services in traces since onset` : 'no traces in this source', items, ...(footer ? { footer } : {}) };
  },

  async traces_analysis({ ctx, inScope }, input) {
    const t = await ctx.traceReport();
    if (!t) return { header: 'no spans in this window', items: [] };
    const about = (...names: string[]): boolean => names.every(inScope) && (input.service === undefined || names.includes(input.service));
    const at = range(ctx.window.onset, ctx.window.to);
    const src = ctx.source.name;
    const list: ToolItem[] = [
      ...t.errorOrigins
        .filter((o) => about(o.service))
        .map((o) => ({ source: src, service: o.service, ref: `error_origin:${o.service}`, timeRange: at, excerpt: clip(`traces: ${describeErrorOrigin({ ...o, propagatedTo: o.propagatedTo.filter(inScope) })}; strength ${o.strength.toFixed(2)}`) })),
      ...t.latencyOrigins
        .filter((o) => about(o.service))
        .map((o) => ({ source: src, service: o.service, ref: `latency_origin:${o.service}`, timeRange: at, excerpt: clip(`traces: ${describeLatencyOrigin(o)}; strength ${o.strength.toFixed(2)}`) })),
      ...t.edges
        .filter((e) => about(e.caller, e.callee))
        .map((e) => ({ source: src, service: e.caller, ref: `edge:${e.caller}>${e.callee}`, timeRange: range(ctx.window.from, ctx.window.to), excerpt: clip(`traces edge ${describeEdge(e)}`) })),
    ];
    const { shown, footer } = take(list, input.limit);
    const note = t.notes.length ? ` (${t.notes.join('; ')})` : '';
    return { header: `${t.spans.incident} spans since onset, ${t.spans.baseline} before, ${t.traces} traces${note}`, items: shown, ...(footer ? { footer } : {}) };
  },
};

function labelRank(l: string): number {
  return l === 'new' ? 0 : l === 'surging' ? 1 : l === 'steady' ? 2 : 3;
}

/** Runs one tool with already validated input. */
export function runTool<N extends ToolName>(name: N, env: ToolEnv, input: ToolInput<N>): Promise<ToolOutput> {
  return (IMPLS[name] as Impl<N>)(env, input);
}

/** JSON Schema of a tool's input, for Claude's `tools` (zod 4's own converter). */
export function toolJsonSchema(name: ToolName): Record<string, unknown> {
  return z.toJSONSchema(TOOL_INPUTS[name]) as Record<string, unknown>;
}

/** ` by <author>` when the source knows who made the change. */
function changeBy(c: Change): string {
  return c.author ? ` by ${clip(c.author, 40)}` : '';
}

/** Where a person sees the change: its URL (PR, deployment diff) or the command that shows it (kubectl). */
function changeLink(c: Change): string {
  const link = typeof c['url'] === 'string' ? c['url'] : typeof c['link'] === 'string' ? c['link'] : '';
  return link ? `; see ${clip(link, 200)}` : '';
}
