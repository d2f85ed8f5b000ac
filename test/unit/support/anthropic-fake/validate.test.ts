import { validateMessagesRequest } from '../../../support/anthropic-fake';

const base = { model: 'claude-haiku-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const tool = { name: 'metrics_anomalies', input_schema: { type: 'object' } };

function messageOf(body: unknown): string {
  try {
    validateMessagesRequest(body);
  } catch (err) {
    return (err as Error).message;
  }
  return 'valid';
}

describe('validateMessagesRequest', () => {
  it('accepts a minimal request and cache_control on system and tools', () => {
    expect(
      messageOf({
        ...base,
        system: [{ type: 'text', text: 'You are a scout.', cache_control: { type: 'ephemeral' } }],
        tools: [{ ...tool, cache_control: { type: 'ephemeral', ttl: '1h' } }],
        tool_choice: { type: 'tool', name: 'metrics_anomalies' },
      }),
    ).toBe('valid');
  });

  it.each([
    ['no model', { max_tokens: 1, messages: base.messages }, 'model: Field required'],
    ['no max_tokens', { model: base.model, messages: base.messages }, 'max_tokens: Field required'],
    ['zero max_tokens', { ...base, max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    ['no messages', { ...base, messages: [] }, 'messages: at least one message is required'],
    [
      'assistant first',
      { ...base, messages: [{ role: 'assistant', content: 'x' }] },
      'messages: first message must use the "user" role',
    ],
    [
      'two user turns',
      {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
        ],
      },
      'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
    ],
    [
      'a bad tool name',
      { ...base, tools: [{ ...tool, name: 'logs.search' }] },
      "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    ],
    [
      'a non-object schema',
      { ...base, tools: [{ ...tool, input_schema: { type: 'array' } }] },
      "tools.0.custom.input_schema.type: Input should be 'object'",
    ],
    [
      'a wrong cache_control type',
      { ...base, system: [{ type: 'text', text: 's', cache_control: { type: 'forever' } }] },
      "system.0.cache_control.type: Input should be 'ephemeral'",
    ],
    [
      'tool_choice naming an absent tool',
      { ...base, tools: [tool], tool_choice: { type: 'tool', name: 'nope' } },
      "tool_choice.name: Tool 'nope' not found in provided tools",
    ],
    ['stream: true', { ...base, stream: true }, 'stream: the local Anthropic fake does not stream; send stream: false'],
    ['an unknown field', { ...base, temperature_boost: 2 }, 'temperature_boost: Extra inputs are not permitted'],
    [
      'a tool_result with no tool_use before it',
      { ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x' }] }] },
      'messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    ],
    [
      'five cache breakpoints',
      {
        ...base,
        system: [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `s${i}`, cache_control: { type: 'ephemeral' } })),
      },
      'A maximum of 4 blocks with cache_control may be provided. Found 5.',
    ],
    ['an unknown model', { ...base, model: 'gpt-4' }, 'model: gpt-4'],
  ])('rejects %s', (_name, body, expected) => {
    expect(messageOf(body)).toBe(expected);
  });

  it('answers 404 not_found_error for a retired model', () => {
    try {
      validateMessagesRequest({ ...base, model: 'claude-sonnet-4-5' });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toMatchObject({ status: 404, type: 'not_found_error', message: 'model: claude-sonnet-4-5' });
    }
  });

  it('accepts a tool_use answered by tool_results first in the next user message', () => {
    expect(
      messageOf({
        ...base,
        tools: [tool],
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 't1', name: 'metrics_anomalies', input: {} },
              { type: 'tool_use', id: 't2', name: 'metrics_anomalies', input: {} },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 't2', content: 'b' },
              { type: 'tool_result', tool_use_id: 't1', content: 'a' },
              { type: 'text', text: 'go on' },
            ],
          },
        ],
      }),
    ).toBe('valid');
  });
});
