// Follow-ups: an @mention in an investigation thread runs ONE focused scout on the question and answers
// in the thread.
import type { Config, ScoutManifest } from '../config';
import type { Synthesis } from '../domain/types';

const RULES: Array<{ re: RegExp; tool: string }> = [
  // Traces and spans (not stack traces), and dependencies outside the services: the trace analysis.
  { re: /(?<!stack ?)\b(traces?|tracing|spans?|external|third[- ]party)\b/i, tool: 'traces_analysis' },
  { re: /\b(logs?|errors?|exceptions?|stack ?traces?|warnings?|5\d\d)\b/i, tool: 'logs_patterns' },
  {
    re: /\b(latency|latencies|slow|p9\d|cpu|memory|saturation|metrics?|throughput|traffic)\b/i,
    tool: 'metrics_anomalies',
  },
  {
    re: /\b(deploy(s|ed|ment)?|changes?|changed|release[sd]?|rollouts?|config|flags?|version)\b/i,
    tool: 'changes_list',
  },
];

/**
 * Picks the scout for a question: traces/spans/external -> the scout granted traces_analysis,
 * logs/errors/exceptions -> the logs scout, latency/cpu/metrics -> metrics,
 * deploy/change/release -> changes (by the tool each is granted); else the scout best suited to the lead's
 * top suspect (the one whose tools gave its strongest evidence), else the first scout.
 */
export function pickScout(
  config: Pick<Config, 'scouts'>,
  question: string,
  synthesis: Synthesis | null,
): ScoutManifest | undefined {
  const scouts = config.scouts;
  const primary = (tool: string): ScoutManifest | undefined =>
    // Prefer the scout whose FIRST tool is it (its specialty), then any scout granted it.
    scouts.find((s) => s.tools[0] === tool) ?? scouts.find((s) => (s.tools as readonly string[]).includes(tool));
  for (const r of RULES) {
    if (r.re.test(question)) {
      const s = primary(r.tool);
      if (s) return s;
    }
  }
  const top = synthesis?.hypotheses[0];
  if (top?.change) return primary('changes_list') ?? scouts[0];
  if (top) return primary('metrics_anomalies') ?? scouts[0];
  return scouts[0];
}
