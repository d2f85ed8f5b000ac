// The names of the read-only tools scouts may be granted in manifests/scouts.yaml; config validates the
// manifest against this list. Each tool is one file in src/investigation/tools/ (registered in its
// index.ts, which fails to compile while a name here has no tool); the tool gate runs them.

export const TOOL_NAMES = [
  'logs_patterns', // log templates with baseline/incident counts and new/surging/steady/gone labels
  'logs_search', // lines matching a text query, folded into templates
  'metrics_anomalies', // ranked metric anomalies with change points and sparklines
  'metrics_series', // digest of the series of one service/metric
  'changes_list', // changes in the lookback, correlated with the onset and anomalies
  'topology', // the call graph around a service
  'traces_summary', // per-service span error ratio and latency from traces
  'traces_analysis', // where errors start and latency is added in traces, per-edge changes, external dependencies
] as const;

export type ToolName = (typeof TOOL_NAMES)[number];

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
