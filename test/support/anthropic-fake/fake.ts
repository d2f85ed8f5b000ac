// Scriptable stand-in for the Messages API: scripted replies, a dynamic responder, and a record of every request.
import { randomBytes } from 'node:crypto';
import { isRecord } from '../../../src/demo/fake-http';
import type { ErrorReply, Exchange, MessageReply, RecordedRequest, Responder, ScriptedReply } from './types';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const ERROR_MESSAGES: Record<number, string> = {
  429: 'Number of request tokens has exceeded your per-minute rate limit',
  500: 'Internal server error',
  529: 'Overloaded',
};

export interface AnthropicFakeOptions {
  /** When set, only this key is accepted (else any non-empty key). */
  apiKey?: string;
  /** Extra model ids to accept beyond the built-in list. */
  extraModels?: string[];
}

/** Base62-ish id with the real prefixes (`msg_`, `toolu_`, `req_`). */
export function anthropicId(prefix: string): string {
  return `${prefix}01${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 22)}`;
}

export function isErrorReply(r: ScriptedReply): r is ErrorReply {
  return 'status' in r;
}

/** The fake's state: what to answer next and what it has been asked. */
export class AnthropicFake {
  readonly exchanges: Exchange[] = [];
  readonly scriptErrors: string[] = [];
  defaultReply: MessageReply = { content: [{ type: 'text', text: 'Nothing more to add.' }], stop_reason: 'end_turn' };
  private queue: ScriptedReply[] = [];
  private responder: Responder | undefined;

  constructor(readonly options: AnthropicFakeOptions = {}) {}

  /** Queues replies answered in order, one per request; the responder (or default) takes over when empty. */
  script(replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Answers requests dynamically once the script queue is empty. */
  respondWith(fn: Responder | undefined): this {
    this.responder = fn;
    return this;
  }

  /** Forgets scripts, responder and recordings. */
  reset(): void {
    this.queue = [];
    this.responder = undefined;
    this.exchanges.length = 0;
    this.scriptErrors.length = 0;
  }

  /** Request bodies received, oldest first (valid or not). */
  get requests(): RecordedRequest[] {
    return this.exchanges.map((e) => e.request);
  }

  /** Every request body as one JSON string, for "this never reached the model" assertions. */
  bodiesText(): string {
    return this.exchanges.map((e) => JSON.stringify(e.request.body)).join('\n');
  }

  /** Replies still queued. */
  get pending(): number {
    return this.queue.length;
  }

  /** The next reply for a valid request. */
  async next(request: RecordedRequest): Promise<ScriptedReply> {
    const scripted = this.queue.shift();
    if (scripted) return scripted;
    if (this.responder) return this.responder(request);
    return this.defaultReply;
  }

  /** Sum of usage over all successful responses, for token-accounting assertions. */
  usageTotals(): {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
  } {
    const t = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    for (const e of this.exchanges) {
      const u = e.response.usage;
      if (e.status !== 200 || !isRecord(u)) continue;
      for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += typeof u[k] === 'number' ? u[k] : 0;
    }
    return t;
  }
}

/** Anthropic's error body. */
export function errorBody(
  status: number,
  type: string | undefined,
  message: string | undefined,
  requestId: string,
): Record<string, unknown> {
  return {
    type: 'error',
    error: { type: type ?? ERROR_TYPES[status] ?? 'api_error', message: message ?? ERROR_MESSAGES[status] ?? 'Error' },
    request_id: requestId,
  };
}

/** Builds the Message object for a reply; throws when the script names a tool the request did not offer. */
export function messageBody(
  reply: MessageReply,
  request: Record<string, unknown>,
  toolNames: string[],
): Record<string, unknown> {
  const content = reply.content.map((b) => {
    if (b.type === 'text') return { type: 'text', text: b.text, citations: null };
    if (!toolNames.includes(b.name))
      throw new Error(
        `scripted tool_use names '${b.name}', which the request did not offer (tools: ${toolNames.join(', ') || 'none'})`,
      );
    return {
      type: 'tool_use',
      id: b.id ?? anthropicId('toolu_'),
      name: b.name,
      input: b.input,
      caller: { type: 'direct' },
    };
  });
  const stop = reply.stop_reason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
  const u = reply.usage ?? {};
  const inputEstimate = Math.ceil(JSON.stringify([request.system, request.tools, request.messages]).length / 4);
  return {
    id: anthropicId('msg_'),
    type: 'message',
    role: 'assistant',
    model: request.model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    stop_details: stop === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
    container: null,
    usage: {
      input_tokens: u.input_tokens ?? inputEstimate,
      output_tokens: u.output_tokens ?? Math.max(1, Math.ceil(JSON.stringify(content).length / 4)),
      cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
      cache_creation: null,
      server_tool_use: null,
      service_tier: 'standard',
    },
  };
}

/** The tool_result blocks of the last user message (what a dynamic script usually reacts to). */
export function lastToolResults(request: RecordedRequest): { tool_use_id: string; text: string; is_error: boolean }[] {
  const msgs = Array.isArray(request.body.messages) ? request.body.messages : [];
  const last = msgs[msgs.length - 1];
  if (!isRecord(last) || !Array.isArray(last.content)) return [];
  return last.content
    .filter(isRecord)
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({
      tool_use_id: String(b.tool_use_id),
      is_error: b.is_error === true,
      text:
        typeof b.content === 'string'
          ? b.content
          : Array.isArray(b.content)
            ? b.content
                .filter(isRecord)
                .map((c) => (typeof c.text === 'string' ? c.text : ''))
                .join('\n')
            : '',
    }));
}
