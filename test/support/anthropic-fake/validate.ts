// Request validation of the Messages API, with error messages shaped like the real API's.
import { isRecord } from '../../../src/demo/fake-http';

/** Rejection of a request: status, Anthropic error type and message. */
export class Rejection extends Error {
  constructor(
    public readonly status: number,
    public readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const bad = (message: string): Rejection => new Rejection(400, 'invalid_request_error', message);

/** Model ids the fake serves; anything else is 404 `model: <id>` as the real API answers. */
export const KNOWN_MODELS = new Set([
  'claude-opus-5-5',
  'claude-sonnet-5-5',
  'claude-haiku-5-5',
  'claude-opus-5',
  'claude-sonnet-5',
  'claude-opus-4-8',
  'claude-opus-4-7',
  'claude-opus-4-6',
  'claude-sonnet-4-6',
  'claude-haiku-4-5',
  'claude-haiku-4-5-20251001',
  'claude-opus-4-1',
  'claude-fable-5-2',
  'claude-mythos-5-2',
  'claude-fable-5-1',
  'claude-mythos-5-1',
  'claude-fable-5',
  'claude-mythos-5',
]);
/** Retired models (past end-of-life in the SDK's deprecation table, or retired by the brief's date). */
export const RETIRED_MODELS = new Set([
  'claude-sonnet-4-5',
  'claude-sonnet-4-5-20250929',
  'claude-mythos-preview',
  'claude-3-5-sonnet-latest',
]);

const TOP_LEVEL = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'metadata',
  'thinking',
  'service_tier',
  'container',
  'context_management',
  'mcp_servers',
  'output_config',
  'inference_geo',
  'speed',
]);
const USER_BLOCKS = new Set(['text', 'image', 'document', 'tool_result', 'search_result']);
const ASSISTANT_BLOCKS = new Set([
  'text',
  'tool_use',
  'thinking',
  'redacted_thinking',
  'server_tool_use',
  'web_search_tool_result',
]);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

interface Counter {
  cacheBreakpoints: number;
}

function cacheControl(v: unknown, path: string, c: Counter): void {
  if (v === undefined || v === null) return;
  if (!isRecord(v) || v.type !== 'ephemeral') throw bad(`${path}.type: Input should be 'ephemeral'`);
  if (v.ttl !== undefined && v.ttl !== '5m' && v.ttl !== '1h') throw bad(`${path}.ttl: Input should be '5m' or '1h'`);
  c.cacheBreakpoints += 1;
}

function contentBlocks(content: unknown, role: string, path: string, c: Counter): Record<string, unknown>[] {
  if (typeof content === 'string') {
    if (content === '') throw bad(`${path}: ${role} messages must have non-empty content`);
    return [{ type: 'text', text: content }];
  }
  if (!Array.isArray(content)) throw bad(`${path}.content: Input should be a valid list`);
  if (content.length === 0)
    throw bad(`${path}: all messages must have non-empty content except for the optional final assistant message`);
  const allowed = role === 'user' ? USER_BLOCKS : ASSISTANT_BLOCKS;
  return content.map((b, i) => {
    const p = `${path}.content.${i}`;
    if (!isRecord(b) || typeof b.type !== 'string') throw bad(`${p}.type: Field required`);
    if (!allowed.has(b.type)) throw bad(`${p}.type: '${b.type}' blocks are not permitted in ${role} messages`);
    if (b.type === 'text' && (typeof b.text !== 'string' || b.text === ''))
      throw bad(`${p}.text: text content blocks must be non-empty`);
    if (b.type === 'tool_use') {
      if (typeof b.id !== 'string' || typeof b.name !== 'string' || !isRecord(b.input))
        throw bad(`${p}: tool_use blocks need id, name and an object input`);
    }
    if (b.type === 'tool_result' && typeof b.tool_use_id !== 'string') throw bad(`${p}.tool_use_id: Field required`);
    cacheControl(b.cache_control, `${p}.cache_control`, c);
    return b;
  });
}

/** Checks that every tool_use is answered first thing in the next user message, and nothing else is. */
function toolPairing(msgs: { role: string; blocks: Record<string, unknown>[] }[]): void {
  msgs.forEach((m, i) => {
    const prev = msgs[i - 1];
    const expected =
      prev?.role === 'assistant' ? prev.blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id)) : [];
    if (m.role === 'user') {
      const results = m.blocks.filter((b) => b.type === 'tool_result');
      const unexpected = results.find((b) => !expected.includes(String(b.tool_use_id)));
      if (unexpected) {
        const k = m.blocks.indexOf(unexpected);
        throw bad(
          `messages.${i}.content.${k}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(unexpected.tool_use_id)}. ` +
            'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
        );
      }
    }
    if (m.role !== 'assistant') return;
    const ids = m.blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
    if (ids.length === 0) return;
    const next = msgs[i + 1];
    // Results must lead the next user message; results after other content count as missing.
    const leading: string[] = [];
    for (const b of next?.blocks ?? []) {
      if (b.type !== 'tool_result') break;
      leading.push(String(b.tool_use_id));
    }
    const missing = ids.filter((id) => !leading.includes(id));
    if (missing.length > 0) {
      throw bad(
        `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. ` +
          'Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
      );
    }
  });
}

function tools(v: unknown, c: Counter): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad('tools: Input should be a valid list');
  const names = v.map((t, i) => {
    const p = `tools.${i}.custom`;
    if (!isRecord(t)) throw bad(`tools.${i}: Input should be a valid dictionary`);
    if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name))
      throw bad(`${p}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
    if (!isRecord(t.input_schema)) throw bad(`${p}.input_schema: Field required`);
    if (t.input_schema.type !== 'object') throw bad(`${p}.input_schema.type: Input should be 'object'`);
    if (t.description !== undefined && typeof t.description !== 'string')
      throw bad(`${p}.description: Input should be a valid string`);
    cacheControl(t.cache_control, `${p}.cache_control`, c);
    return t.name;
  });
  if (new Set(names).size !== names.length) throw bad('tools: Tool names must be unique.');
  return names;
}

function toolChoice(v: unknown, toolNames: string[]): void {
  if (v === undefined) return;
  if (!isRecord(v) || !['auto', 'any', 'tool', 'none'].includes(String(v.type)))
    throw bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
  if ((v.type === 'any' || v.type === 'tool') && toolNames.length === 0)
    throw bad('tool_choice: tool_choice may only be specified while providing tools.');
  if (v.type === 'tool' && (typeof v.name !== 'string' || !toolNames.includes(v.name))) {
    throw bad(`tool_choice.name: Tool '${String(v.name)}' not found in provided tools`);
  }
}

function system(v: unknown, c: Counter): void {
  if (v === undefined || typeof v === 'string') return;
  if (!Array.isArray(v)) throw bad('system: Input should be a valid string or list');
  v.forEach((b, i) => {
    if (!isRecord(b) || b.type !== 'text' || typeof b.text !== 'string')
      throw bad(`system.${i}: Input should be a text block`);
    cacheControl(b.cache_control, `system.${i}.cache_control`, c);
  });
}

/** Validates a Messages API body; throws a Rejection as the real API would answer, returns the tool names. */
export function validateMessagesRequest(
  body: unknown,
  retired: ReadonlySet<string> = RETIRED_MODELS,
  known: ReadonlySet<string> = KNOWN_MODELS,
): string[] {
  if (!isRecord(body)) throw bad('Request body must be a JSON object');
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw bad(`${key}: Extra inputs are not permitted`);
  if (typeof body.model !== 'string') throw bad('model: Field required');
  if (body.max_tokens === undefined) throw bad('max_tokens: Field required');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens))
    throw bad('max_tokens: Input should be a valid integer');
  if (body.max_tokens < 1) throw bad('max_tokens: Input should be greater than or equal to 1');
  // The fake answers in one piece; streaming (SSE) is deliberately left out of the fake.
  if (body.stream === true) throw bad('stream: the local Anthropic fake does not stream; send stream: false');
  if (
    body.temperature !== undefined &&
    (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 1)
  ) {
    throw bad('temperature: Input should be less than or equal to 1');
  }
  const c: Counter = { cacheBreakpoints: 0 };
  system(body.system, c);
  const toolNames = tools(body.tools, c);
  toolChoice(body.tool_choice, toolNames);
  if (!Array.isArray(body.messages)) throw bad('messages: Field required');
  if (body.messages.length === 0) throw bad('messages: at least one message is required');
  const msgs = body.messages.map((m, i) => {
    if (!isRecord(m)) throw bad(`messages.${i}: Input should be a valid dictionary`);
    if (m.role !== 'user' && m.role !== 'assistant')
      throw bad(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    return { role: m.role, blocks: contentBlocks(m.content, m.role, `messages.${i}`, c) };
  });
  if (msgs[0]?.role !== 'user') throw bad('messages: first message must use the "user" role');
  msgs.forEach((m, i) => {
    if (i > 0 && msgs[i - 1]?.role === m.role) {
      throw bad(
        `messages: roles must alternate between "user" and "assistant", but found multiple "${m.role}" roles in a row`,
      );
    }
  });
  toolPairing(msgs);
  if (c.cacheBreakpoints > 4)
    throw bad(`A maximum of 4 blocks with cache_control may be provided. Found ${c.cacheBreakpoints}.`);
  if (retired.has(body.model) || !known.has(body.model))
    throw new Rejection(404, 'not_found_error', `model: ${body.model}`);
  return toolNames;
}
