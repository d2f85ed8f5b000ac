import Anthropic from '@anthropic-ai/sdk';
import { lastToolResults, startAnthropicFake, type RunningAnthropicFake } from '../../../support/anthropic-fake';

const MODEL = 'claude-sonnet-5-5';
const tools: Anthropic.Tool[] = [
  {
    name: 'logs_patterns',
    description: 'log templates',
    input_schema: { type: 'object', properties: { service: { type: 'string' } } },
  },
];

let running: RunningAnthropicFake;
const sdk = (maxRetries = 0, timeout = 5000): Anthropic =>
  new Anthropic({ apiKey: 'test', baseURL: running.url, maxRetries, timeout });

beforeAll(async () => {
  running = await startAnthropicFake();
});
afterAll(async () => {
  await running.close();
});
beforeEach(() => running.fake.reset());

async function rejection(p: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Anthropic.APIError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('Anthropic fake with the real SDK', () => {
  it('answers a scripted tool_use, then accepts the tool_result and answers the follow-up', async () => {
    running.fake.script([
      {
        content: [
          { type: 'text', text: 'Looking at logs.' },
          { type: 'tool_use', name: 'logs_patterns', input: { service: 'checkout' } },
        ],
      },
    ]);
    running.fake.respondWith((req) => {
      const [result] = lastToolResults(req);
      return { content: [{ type: 'text', text: `Cited: ${result?.text ?? 'nothing'}` }] };
    });
    const client = sdk();
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Investigate checkout.' }];
    const first = await client.messages.create({ model: MODEL, max_tokens: 512, tools, messages });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.id).toMatch(/^msg_/);
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(use?.id).toMatch(/^toolu_/);
    expect(use?.input).toEqual({ service: 'checkout' });

    messages.push(
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: String(use?.id), content: 'E3: 500 errors x40' }],
      },
    );
    const second = await client.messages.create({ model: MODEL, max_tokens: 512, tools, messages });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: 'Cited: E3: 500 errors x40' })]);
    expect(running.fake.requests).toHaveLength(2);
    expect(running.fake.requests[0]?.headers['anthropic-version']).toBeDefined();
  });

  it('rejects a tool_use left without its tool_result, like the real API', async () => {
    const err = await rejection(
      sdk().messages.create({
        model: MODEL,
        max_tokens: 100,
        tools,
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01abc', name: 'logs_patterns', input: {} }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'here you go' },
              { type: 'tool_result', tool_use_id: 'toolu_01abc', content: 'x' },
            ],
          },
        ],
      }),
    );
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.type).toBe('invalid_request_error');
    expect(err.apiMessage).toBe(
      'messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01abc. ' +
        'Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    );
  });

  it('surfaces a scripted 529 as OverloadedError with status 529', async () => {
    running.fake.script([{ status: 529 }]);
    const err = await rejection(
      sdk().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(err).toBeInstanceOf(Anthropic.OverloadedError);
    expect(err.status).toBe(529);
    expect(err.type).toBe('overloaded_error');
    expect(err.requestID).toMatch(/^req_/);
  });

  it('is retried by the SDK after a 429 with retry-after when maxRetries is 1', async () => {
    running.fake.script([{ status: 429, retryAfter: 0.05 }, { content: [{ type: 'text', text: 'ok now' }] }]);
    const res = await sdk(1).messages.create({
      model: MODEL,
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.content).toEqual([expect.objectContaining({ text: 'ok now' })]);
    expect(running.fake.exchanges.map((e) => e.status)).toEqual([429, 200]);
    expect(running.fake.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
  });

  it('gives up on a 429 as RateLimitError when maxRetries is 0', async () => {
    running.fake.script([{ status: 429, retryAfter: 1 }]);
    const err = await rejection(
      sdk(0).messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.headers?.get('retry-after')).toBe('1');
  });

  it('rejects a retired model with not_found_error', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const err = await rejection(
      sdk().messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    warn.mockRestore();
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect(err.apiMessage).toBe('model: claude-sonnet-4-5');
  });

  it('makes the client time out when a reply is delayed', async () => {
    running.fake.script([{ delayMs: 2000 }]);
    await expect(
      sdk(0, 100).messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('fails loudly when a script calls a tool the request did not offer', async () => {
    running.fake.script([{ content: [{ type: 'tool_use', name: 'rm_rf', input: {} }] }]);
    const err = await rejection(
      sdk().messages.create({ model: MODEL, max_tokens: 10, tools, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(err.status).toBe(500);
    expect(running.fake.scriptErrors[0]).toContain("'rm_rf'");
  });

  it('records every request body, so tests can prove what reached the model', async () => {
    await sdk().messages.create({
      model: MODEL,
      max_tokens: 10,
      system: 'scout',
      messages: [{ role: 'user', content: 'token=[REDACTED]' }],
    });
    expect(running.fake.requests[0]?.body).toMatchObject({ model: MODEL, system: 'scout' });
    expect(running.fake.bodiesText()).toContain('token=[REDACTED]');
    expect(running.fake.bodiesText()).not.toContain('xoxb-');
  });

  it('requires an API key', async () => {
    const res = await fetch(`${running.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('sums usage across responses for token accounting', async () => {
    running.fake.script([
      {
        content: [{ type: 'text', text: 'a' }],
        usage: { input_tokens: 100, output_tokens: 5, cache_read_input_tokens: 80 },
      },
      { content: [{ type: 'text', text: 'b' }], usage: { input_tokens: 50, output_tokens: 7 } },
    ]);
    const client = sdk();
    await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'one' }] });
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 10,
      messages: [{ role: 'user', content: 'two' }],
    });
    expect(second.usage.output_tokens).toBe(7);
    expect(running.fake.usageTotals()).toEqual({
      input_tokens: 150,
      output_tokens: 12,
      cache_read_input_tokens: 80,
      cache_creation_input_tokens: 0,
    });
  });
});
