// HTTP face of the Anthropic fake: POST /v1/messages with the real API's auth, validation and error shapes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord, listen, readBody, sendJson, type Listening } from '../../../src/demo/fake-http';
import { AnthropicFake, anthropicId, errorBody, isErrorReply, messageBody } from './fake';
import type { RecordedRequest, ScriptedReply } from './types';
import { KNOWN_MODELS, Rejection, validateMessagesRequest } from './validate';

/** Starts the HTTP server for an Anthropic fake. */
export async function serveAnthropicFake(fake: AnthropicFake, port = 0): Promise<Listening & { cancelDelays(): void }> {
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  const listening = await listen((req, res) => handle(fake, req, res, sleep), port);
  const cancelDelays = (): void => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
  return {
    ...listening,
    cancelDelays,
    close: async () => {
      cancelDelays();
      await listening.close();
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function handle(
  fake: AnthropicFake,
  req: IncomingMessage,
  res: ServerResponse,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const requestId = anthropicId('req_');
  const raw = await readBody(req);
  let body: Record<string, unknown> = {};
  let parseError: string | undefined;
  try {
    const parsed: unknown = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    if (isRecord(parsed)) body = parsed;
    else parseError = 'Request body must be a JSON object';
  } catch {
    parseError = 'There was an issue with your request body: invalid JSON';
  }
  const recorded: RecordedRequest = {
    at: Date.now(),
    headers: pick(req, ['anthropic-version', 'anthropic-beta', 'x-stainless-retry-count']),
    body,
  };
  const answer = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}): void => {
    fake.exchanges.push({ request: recorded, status, response: payload });
    if (!res.destroyed) sendJson(res, status, payload, { 'request-id': requestId, ...headers });
  };
  const fail = (status: number, type: string, message: string): void =>
    answer(status, errorBody(status, type, message, requestId));

  if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://fake').pathname !== '/v1/messages')
    return fail(404, 'not_found_error', 'Not Found');
  const bearer = header(req, 'authorization')?.replace(/^Bearer /, '');
  const key = header(req, 'x-api-key') ?? bearer;
  if (!key) return fail(401, 'authentication_error', 'x-api-key header is required');
  if (fake.options.apiKey !== undefined && key !== fake.options.apiKey)
    return fail(401, 'authentication_error', 'invalid x-api-key');
  if (!header(req, 'anthropic-version'))
    return fail(400, 'invalid_request_error', 'anthropic-version: header is required');
  if (parseError) return fail(400, 'invalid_request_error', parseError);

  let toolNames: string[];
  try {
    const known = new Set([...KNOWN_MODELS, ...(fake.options.extraModels ?? [])]);
    toolNames = validateMessagesRequest(body, undefined, known);
  } catch (err) {
    if (err instanceof Rejection) return fail(err.status, err.type, err.message);
    throw err;
  }

  let reply: ScriptedReply = await fake.next(recorded);
  if ('delayMs' in reply) {
    await sleep(reply.delayMs);
    reply = reply.then ?? fake.defaultReply;
  }
  if (isErrorReply(reply)) {
    const headers: Record<string, string> =
      reply.retryAfter !== undefined ? { 'retry-after': String(reply.retryAfter) } : {};
    return answer(reply.status, errorBody(reply.status, reply.type, reply.message, requestId), headers);
  }
  if ('delayMs' in reply) return fail(500, 'api_error', 'fake script error: nested delay');
  try {
    return answer(200, messageBody(reply, body, toolNames));
  } catch (err) {
    // A script that could never happen against the real API is a test bug: make it loud and visible.
    const message = `fake script error: ${err instanceof Error ? err.message : String(err)}`;
    fake.scriptErrors.push(message);
    return fail(500, 'api_error', message);
  }
}

function pick(
  req: IncomingMessage,
  names: readonly ('anthropic-version' | 'anthropic-beta' | 'x-stainless-retry-count')[],
): RecordedRequest['headers'] {
  const out: RecordedRequest['headers'] = {};
  for (const n of names) {
    const v = header(req, n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}
