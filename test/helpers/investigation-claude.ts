// Scripting the Anthropic fake for whole investigations: a responder that plays each scout and the lead
// the way a well-behaved model would (call a tool, then report_findings citing the ids the gate issued),
// with per-test overrides for the turns a test is about.
import {
  lastToolResults,
  type MessageReply,
  type RecordedRequest,
  type Responder,
  type ScriptedReply,
} from '../support/anthropic-fake';

/** Fixed usage per scripted reply, so token accounting can be checked exactly. */
export const TURN_USAGE = { input_tokens: 1200, output_tokens: 150 } as const;

export interface ScoutTurn {
  scout: string;
  /** 0 for the first request of this scout's conversation, 1 after one assistant turn, ... */
  turn: number;
  investigationId: string;
  /** The first user message (the brief, or the focus question of a follow-up). */
  brief: string;
  /** tool_result blocks of the last user message. */
  results: ReturnType<typeof lastToolResults>;
  /** Evidence ids in every tool result of the conversation so far, in order of appearance. */
  issuedIds: string[];
  /** Tool names the request offers. */
  tools: string[];
  request: RecordedRequest;
}

function messagesOf(req: RecordedRequest): Array<{ role: string; content: unknown }> {
  const m = req.body.messages;
  return Array.isArray(m) ? (m as Array<{ role: string; content: unknown }>) : [];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b: unknown) => {
      if (!b || typeof b !== 'object') return '';
      const r = b as { text?: unknown; content?: unknown };
      if (typeof r.text === 'string') return r.text;
      return textOf(r.content);
    })
    .join('\n');
}

/** The system prompt as one string. */
export function systemText(req: RecordedRequest): string {
  return textOf(req.body.system);
}

/** The scout a request comes from (by its system prompt), or null for the lead. */
export function scoutOf(req: RecordedRequest): string | null {
  return /You are the "([^"]+)" scout/.exec(systemText(req))?.[1] ?? null;
}

/** Tool names a request offers. */
export function toolsOf(req: RecordedRequest): string[] {
  const t = req.body.tools;
  return Array.isArray(t) ? t.map((x: unknown) => String((x as { name?: unknown }).name)) : [];
}

/** Evidence ids (`E12`) in order of first appearance. */
export function idsIn(text: string): string[] {
  return [...new Set(text.match(/\bE\d+\b/g) ?? [])];
}

/** What a scout's request tells about where it is in its conversation. */
export function scoutTurn(req: RecordedRequest): ScoutTurn | null {
  const scout = scoutOf(req);
  if (!scout) return null;
  const msgs = messagesOf(req);
  const brief = textOf(msgs[0]?.content);
  const userTexts = msgs
    .filter((m) => m.role === 'user')
    .slice(1)
    .map((m) => textOf(m.content))
    .join('\n');
  return {
    scout,
    turn: msgs.filter((m) => m.role === 'assistant').length,
    investigationId: /investigation (inv-\S+?),/.exec(brief)?.[1] ?? '',
    brief,
    results: lastToolResults(req),
    issuedIds: idsIn(userTexts),
    tools: toolsOf(req),
    request: req,
  };
}

export function toolUse(name: string, input: Record<string, unknown>): MessageReply {
  return { content: [{ type: 'tool_use', name, input }], usage: TURN_USAGE };
}

export function toolUses(calls: Array<{ name: string; input: Record<string, unknown> }>): MessageReply {
  return {
    content: calls.map((c) => ({ type: 'tool_use' as const, name: c.name, input: c.input })),
    usage: TURN_USAGE,
  };
}

export interface ScriptedClaim {
  text: string;
  evidence: string[];
  service?: string;
}

export function reportFindings(summary: string, claims: ScriptedClaim[], confidence = 0.7): MessageReply {
  return toolUse('report_findings', { summary, confidence, claims });
}

/** The default scout: its first tool with no arguments, then a report citing what it got. */
export function defaultScout(t: ScoutTurn): ScriptedReply {
  const first = t.tools.find((n) => n !== 'report_findings') ?? 'report_findings';
  if (t.turn === 0 && first !== 'report_findings') return toolUse(first, {});
  const ids = t.issuedIds.slice(0, 3);
  return reportFindings(
    `The ${t.scout} scout looked at ${first}.`,
    ids.length ? [{ text: `Signals seen by ${t.scout} at the onset.`, evidence: ids }] : [],
  );
}

/** The default lead: follows the deterministic ranking in its prompt and cites ids from the findings. */
export function defaultLead(req: RecordedRequest): ScriptedReply {
  const text = textOf(messagesOf(req)[0]?.content);
  const ranked = [...text.matchAll(/^\d+\. (\S+) score/gm)].map((m) => m[1] as string);
  const ids = idsIn(text.split('Deterministic ranking')[0] ?? '').slice(0, 4);
  const hypotheses = (ranked.length ? ranked : ['unknown']).slice(0, 3).map((service, i) => ({
    service,
    cause: `${service} changed at the onset (scripted lead, rank ${i + 1})`,
    confidence: Math.max(0.1, 0.8 - i * 0.3),
    evidence: i === 0 ? ids : [],
  }));
  return toolUse('submit_hypotheses', {
    summary: `Most likely ${hypotheses[0]?.service}.`,
    hypotheses,
    red_herrings: [],
  });
}

/** A responder for whole investigations; each override may return undefined to keep the default. */
export function investigationResponder(
  o: {
    scout?: (t: ScoutTurn) => ScriptedReply | undefined | Promise<ScriptedReply | undefined>;
    lead?: (req: RecordedRequest) => ScriptedReply | undefined;
  } = {},
): Responder {
  return async (req) => {
    const t = scoutTurn(req);
    if (!t) return o.lead?.(req) ?? defaultLead(req);
    return (await o.scout?.(t)) ?? defaultScout(t);
  };
}

/** Requests a scout made, oldest first. */
export function requestsOf(requests: readonly RecordedRequest[], scout: string): RecordedRequest[] {
  return requests.filter((r) => scoutOf(r) === scout);
}
