// The registry of evidence tools scouts may call. A tool is one file (`defineTool` in ./define.ts) and one
// line here; its name also goes in src/domain/tools.ts, the vocabulary the scouts manifest is checked
// against (config cannot import the implementations). The deterministic brain runs the tools' plans in the
// order of this list.
import { z } from 'zod';
import type { ToolName } from '../../domain/tools';
import { changesList } from './changes-list';
import type { Tool } from './define';
import { logsPatterns } from './logs-patterns';
import { logsSearch } from './logs-search';
import { metricsAnomalies } from './metrics-anomalies';
import { metricsSeries } from './metrics-series';
import { topology } from './topology';
import { tracesAnalysis } from './traces-analysis';
import { tracesSummary } from './traces-summary';

const REGISTERED = [
  changesList,
  logsPatterns,
  logsSearch,
  metricsAnomalies,
  metricsSeries,
  tracesAnalysis,
  tracesSummary,
  topology,
] as const;

// Compile-time: every name of the vocabulary has a registered tool.
type Unregistered = Exclude<ToolName, (typeof REGISTERED)[number]['name']>;
const allRegistered: [Unregistered] extends [never] ? true : Unregistered = true;
void allRegistered;

export type { PlanOut, RegisteredPlan, Tool, ToolEnv } from './define';

/** Every tool, in plan order. */
export const TOOLS: readonly Tool[] = REGISTERED;

const BY_NAME = new Map<string, Tool>(TOOLS.map((t) => [t.name, t]));

/** The tool of a name, if one is registered. */
export function toolNamed(name: string): Tool | undefined {
  return BY_NAME.get(name);
}

/** The tool of a vocabulary name (the compile-time check above makes the throw a developer's mistake). */
export function toolFor(name: ToolName): Tool {
  const tool = BY_NAME.get(name);
  if (!tool)
    throw new Error(
      `tool "${name}" is named in src/domain/tools.ts but not registered in src/investigation/tools/index.ts`,
    );
  return tool;
}

/** JSON Schema of a tool's input, for Claude's `tools` (zod 4's own converter). */
export function toolJsonSchema(tool: Tool): Record<string, unknown> {
  return z.toJSONSchema(tool.input) as Record<string, unknown>;
}
