// `incident-scout analyze <scenario-dir> [--json]`: the offline triage report, for people and scripts.

import { isScoutError } from '../domain/errors';
import { iso } from '../domain/time';
import { analyze } from '../evidence/analyze';
import { describeAnomaly } from '../evidence/analyzers/ranking';
import { openFilesSource } from '../evidence/sources/files';
import type { TraceDigest, TriageReport } from '../evidence/types';

const USAGE = 'usage: incident-scout analyze <scenario-dir> [--json] [--onset <ISO time>]';

/** The JSON shape of `analyze --json`: one object, suspects in rank order, compact summaries. */
export function reportJson(r: TriageReport): Record<string, unknown> {
  return {
    onset: r.onset,
    window: r.window,
    suspects: r.suspects.map((s) => ({ service: s.service, score: s.score, confidence: s.confidence ?? 0, likelihood: s.likelihood ?? 'unclear', reason: s.reason, change: s.change, evidence: s.evidence, against: s.against })),
    red_herrings: r.red_herrings.map((h) => ({ what: h.what, why: h.why, kind: h.kind, service: h.service ?? null })),
    anomalies: r.anomalies.slice(0, 30).map((a) => ({
      key: a.key,
      service: a.service,
      metric: a.metric,
      kind: a.kind,
      direction: a.direction,
      baseline: a.baseline,
      current: a.current,
      score: Math.round(a.score * 10) / 10,
      change_at: a.changeAt == null ? null : iso(a.changeAt),
      sparkline: a.sparkline,
      summary: `${a.service} ${describeAnomaly(a)}`,
    })),
    templates: r.templates
      .filter((t) => t.label !== 'steady' || t.level !== undefined)
      .slice(0, 30)
      .map((t) => ({
        id: t.id,
        service: t.service,
        label: t.label,
        level: t.level ?? null,
        template: t.template,
        baseline_count: t.baselineCount,
        incident_count: t.incidentCount,
        first_seen: iso(t.firstSeen),
      })),
    changes: r.changes.map((c) => ({ id: c.change.id, service: c.change.service, kind: c.change.kind, summary: c.change.summary, time: iso(c.change.time), lead_seconds: Math.round(c.leadSeconds), score: Math.round(c.score * 1000) / 1000, reason: c.reason })),
    problems: r.problems,
    traces: r.traces ? tracesJson(r.traces) : null,
    digest: r.digest,
  };
}

function tracesJson(t: TraceDigest): Record<string, unknown> {
  return {
    spans: t.spans,
    traces: t.traces,
    error_origins: t.errorOrigins.map((o) => ({
      service: o.service, external: o.external, spans: o.spans, excess: o.excess, strength: o.strength, propagated_to: o.propagatedTo, examples: o.examples, timeouts: o.timeouts,
    })),
    latency_origins: t.latencyOrigins.map((o) => ({
      service: o.service, external: o.external, baseline_ms: o.baselineMs, incident_ms: o.incidentMs, added_ms: o.addedMs, traces: o.traces, strength: o.strength, examples: o.examples,
    })),
    edges: t.edges.map((e) => ({ caller: e.caller, callee: e.callee, external: e.external, calls: e.calls, errors: e.errors, mean_ms: e.meanMs })),
    notes: t.notes,
  };
}

/** Runs the command; returns the exit code (2 = usage or missing directory, 1 = failure). */
export async function analyzeCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let json = false;
  let onset: number | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--json') json = true;
    else if (a === '--onset') {
      const t = Date.parse(args[++i] ?? '');
      if (Number.isNaN(t)) {
        err.write(`analyze: --onset needs an ISO time\n${USAGE}\n`);
        return 2;
      }
      onset = t;
    } else if (a === '-h' || a === '--help') {
      out.write(`${USAGE}\n`);
      return 0;
    } else if (a.startsWith('-')) {
      err.write(`analyze: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else positional.push(a);
  }
  const dir = positional[0];
  if (!dir || positional.length > 1) {
    err.write(`${USAGE}\n`);
    return 2;
  }
  let source;
  try {
    source = await openFilesSource(dir);
  } catch (e) {
    err.write(`analyze: ${isScoutError(e) ? e.userMessage : `scenario directory not found: ${dir}`}\n`);
    return 2;
  }
  try {
    const report = await analyze(source, onset === undefined ? {} : { onset });
    out.write(json ? `${JSON.stringify(reportJson(report), null, 2)}\n` : `${report.digest}\n`);
    return 0;
  } catch (e) {
    err.write(`analyze: failed: ${isScoutError(e) ? e.userMessage : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
