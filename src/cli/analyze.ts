// `incident-scout analyze <scenario-dir> [--json]`: the offline triage report, for people and scripts.

import { isScoutError } from '../domain/errors';
import { redactDeep, redactSecrets } from '../domain/redact';
import { iso } from '../domain/time';
import { analyze } from '../evidence/analyze';
import { describeAnomaly } from '../evidence/analyzers/ranking';
import { openFilesSource } from '../evidence/sources/files';
import type { CallSides, TraceDigest, TriageReport } from '../evidence/types';
import { SCENARIO_EXPECTED, scenarioProblem } from '../config/scenario';
import { argumentError, parseCommand, usageError, type CommandSpec } from './args';

export const ANALYZE_SPEC = {
  name: 'analyze',
  usage: 'analyze <scenario-dir> [--json] [--onset <ISO time>]',
  description: `Run the deterministic analyzers (log templates against the baseline, metric change points,
change-to-onset correlation, topology) over a scenario directory and print the triage report:
ranked suspects with their evidence, red herrings, anomalies and new log templates.

  --json           one JSON object instead of the digest
  --onset <time>   the incident's start (ISO 8601) instead of the one the analyzers find`,
  options: { json: { type: 'boolean' }, onset: { type: 'string' } },
  positionals: { min: 1, max: 1 },
} satisfies CommandSpec<{ json: { type: 'boolean' }; onset: { type: 'string' } }>;

/** The JSON shape of `analyze --json`: one object, suspects in rank order, compact summaries. */
export function reportJson(r: TriageReport): Record<string, unknown> {
  return {
    onset: r.onset,
    window: r.window,
    suspects: r.suspects.map((s) => ({
      service: s.service,
      score: s.score,
      confidence: s.confidence ?? 0,
      likelihood: s.likelihood ?? 'unclear',
      reason: s.reason,
      change: s.change,
      evidence: s.evidence,
      against: s.against,
    })),
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
    changes: r.changes.map((c) => ({
      id: c.change.id,
      service: c.change.service,
      kind: c.change.kind,
      summary: c.change.summary,
      time: iso(c.change.time),
      lead_seconds: Math.round(c.leadSeconds),
      score: Math.round(c.score * 1000) / 1000,
      reason: c.reason,
    })),
    problems: r.problems,
    traces: r.traces ? tracesJson(r.traces) : null,
    digest: r.digest,
  };
}

function sidesJson(s: CallSides): Record<string, unknown> {
  return {
    calls: s.calls,
    caller_ms: s.callerMs,
    callee_ms: s.calleeMs,
    gap_ms: s.gapMs,
    ...(s.usualGapMs !== undefined ? { usual_gap_ms: s.usualGapMs, usual: s.usual } : {}),
  };
}

function tracesJson(t: TraceDigest): Record<string, unknown> {
  return {
    spans: t.spans,
    traces: t.traces,
    error_origins: t.errorOrigins.map((o) => ({
      service: o.service,
      external: o.external,
      spans: o.spans,
      excess: o.excess,
      strength: o.strength,
      propagated_to: o.propagatedTo,
      examples: o.examples,
      timeouts: o.timeouts,
    })),
    latency_origins: t.latencyOrigins.map((o) => ({
      service: o.service,
      external: o.external,
      baseline_ms: o.baselineMs,
      incident_ms: o.incidentMs,
      added_ms: o.addedMs,
      traces: o.traces,
      strength: o.strength,
      examples: o.examples,
    })),
    edges: t.edges.map((e) => ({
      caller: e.caller,
      callee: e.callee,
      external: e.external,
      calls: e.calls,
      errors: e.errors,
      mean_ms: e.meanMs,
      ...(e.sides ? { sides: sidesJson(e.sides) } : {}),
    })),
    gaps: t.gaps.map((g) => ({
      service: g.service,
      side: g.side,
      strength: g.strength,
      edges: g.edges.map((e) => ({ caller: e.caller, callee: e.callee, ...sidesJson(e) })),
    })),
    notes: t.notes,
  };
}

/** Runs the command; returns the exit code (2 = usage or an unusable directory, 1 = failure). */
export async function analyzeCommand(
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const parsed = parseCommand(ANALYZE_SPEC, args, out, err);
  if (typeof parsed === 'number') return parsed;
  let onset: number | undefined;
  if (parsed.values.onset !== undefined) {
    onset = Date.parse(parsed.values.onset);
    if (Number.isNaN(onset))
      return usageError(
        ANALYZE_SPEC,
        `--onset ${JSON.stringify(parsed.values.onset)} is not an ISO time (expected e.g. 2026-11-27T03:14:00Z)`,
        err,
      );
  }
  const dir = parsed.positionals[0] as string;
  if (dir === '-')
    return usageError(ANALYZE_SPEC, 'a scenario is a directory; it cannot be read from standard input (-)', err);
  const problem = scenarioProblem(dir);
  if (problem) return argumentError(ANALYZE_SPEC, `${problem}; ${SCENARIO_EXPECTED}`, err);
  try {
    const source = openFilesSource(dir);
    const report = await analyze(source, onset === undefined ? {} : { onset });
    // Standard output leaves the process like a Slack message does: metric labels, change summaries and
    // log excerpts in the report are redacted here, as the poster redacts them for Slack.
    out.write(
      parsed.values.json === true
        ? `${JSON.stringify(redactDeep(reportJson(report)), null, 2)}\n`
        : `${redactSecrets(report.digest).text}\n`,
    );
    return 0;
  } catch (e) {
    err.write(
      `incident-scout analyze: failed: ${isScoutError(e) ? e.userMessage : e instanceof Error ? e.message : String(e)}\n`,
    );
    return 1;
  }
}
