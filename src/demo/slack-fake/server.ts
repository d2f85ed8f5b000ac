// HTTP face of the Slack fake: /api/<method>, /upload/<fileId> and /response/<id>.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { listen, parseBody, readBody, sendJson, sendText, type Listening } from '../fake-http';
import { blocksArg, optBool, optStr, type Args } from './args';
import { SlackApiError, type SlackFake } from './fake';
import { MAX_BLOCK_TEXT, blocksTextLength } from './blocks';
import { receiveUpload } from './files';
import { METHODS } from './methods';

/** Starts the HTTP server for a fake; sets `fake.origin`. */
export async function serveSlackFake(fake: SlackFake, port = 0): Promise<Listening> {
  const listening = await listen((req, res) => route(fake, req, res), port);
  listening.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    fake.socketMode.upgrade(req, socket, head),
  );
  fake.origin = listening.origin;
  return listening;
}

async function route(fake: SlackFake, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const raw = await readBody(req);
  const [, kind, id] = url.pathname.split('/');
  if (kind === 'api' && id) return apiCall(fake, id, req, url, raw, res);
  if (kind === 'upload' && id && req.method === 'POST') return upload(fake, id, req, raw, res);
  if (kind === 'response' && id && req.method === 'POST') return responseUrl(fake, id, req, raw, res);
  sendText(res, 404, 'not found');
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice('Bearer '.length) : undefined;
}

async function apiCall(
  fake: SlackFake,
  method: string,
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
  res: ServerResponse,
): Promise<void> {
  let args: Args;
  try {
    args = {
      ...Object.fromEntries(url.searchParams.entries()),
      ...(await parseBody(req.headers['content-type'], raw)),
    };
  } catch {
    return reply(fake, res, method, {}, 200, { ok: false, error: 'invalid_json' });
  }
  const fault = fake.takeFault(method);
  if (fault) {
    if ('error' in fault) return reply(fake, res, method, args, 200, { ok: false, error: fault.error });
    if (fault.status === 429) {
      return reply(
        fake,
        res,
        method,
        args,
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(fault.retryAfter) },
      );
    }
    fake.callLog.push({
      method,
      args,
      at: fake.clock.now().getTime(),
      status: fault.status,
      ok: false,
      error: 'http_error',
    });
    return sendText(res, fault.status, 'upstream connect error');
  }
  const token = bearer(req) ?? optStr(args, 'token');
  if (token === undefined) return reply(fake, res, method, args, 200, { ok: false, error: 'not_authed' });
  // An app-level token opens Socket Mode connections and nothing else; a bot token cannot open them.
  if (token === fake.appToken) {
    if (method !== 'apps.connections.open')
      return reply(fake, res, method, args, 200, { ok: false, error: 'not_allowed_token_type' });
    return reply(fake, res, method, args, 200, { ok: true, url: fake.socketMode.issueUrl(fake.origin) });
  }
  if (!fake.tokens.has(token)) return reply(fake, res, method, args, 200, { ok: false, error: 'invalid_auth' });
  if (method === 'apps.connections.open')
    return reply(fake, res, method, args, 200, { ok: false, error: 'not_allowed_token_type' });
  const impl = METHODS[method];
  if (!impl) return reply(fake, res, method, args, 200, { ok: false, error: 'unknown_method', req_method: method });
  try {
    return reply(fake, res, method, args, 200, { ok: true, ...impl(fake, args) });
  } catch (err) {
    if (err instanceof SlackApiError)
      return reply(fake, res, method, args, 200, { ok: false, error: err.code, ...err.extra });
    throw err;
  }
}

function reply(
  fake: SlackFake,
  res: ServerResponse,
  method: string,
  args: Args,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const ok = body.ok === true;
  fake.callLog.push({
    method,
    args: redactToken(args),
    at: fake.clock.now().getTime(),
    status,
    ok,
    error: ok ? undefined : String(body.error),
  });
  sendJson(res, status, body, headers);
}

function redactToken(args: Args): Args {
  const { token: _token, ...rest } = args;
  return rest;
}

async function upload(
  fake: SlackFake,
  fileId: string,
  req: IncomingMessage,
  raw: Buffer,
  res: ServerResponse,
): Promise<void> {
  let bytes = raw;
  if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
    // WebClient sends the bytes as the one file part of a multipart form; plain POSTs send them raw.
    const form = await parseBody(req.headers['content-type'], raw);
    const part = Object.values(form).find((v): v is Buffer => Buffer.isBuffer(v));
    bytes = part ?? Buffer.alloc(0);
  }
  if (!receiveUpload(fake, fileId, bytes)) return sendText(res, 404, 'file not found');
  sendText(res, 200, `OK - ${bytes.length}`);
}

/** A response_url: Slack allows five uses; replace/delete act on the message the action came from. */
async function responseUrl(
  fake: SlackFake,
  id: string,
  req: IncomingMessage,
  raw: Buffer,
  res: ServerResponse,
): Promise<void> {
  const target = fake.responseTargets.get(id);
  if (!target) return sendJson(res, 404, { ok: false, error: 'expired_url' });
  if (target.uses >= 5) return sendJson(res, 404, { ok: false, error: 'used_url' });
  target.uses += 1;
  let body: Args;
  try {
    body = await parseBody(req.headers['content-type'] ?? 'application/json', raw);
  } catch {
    return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
  }
  let blocks: unknown[] | undefined;
  try {
    blocks = blocksArg(body);
  } catch (err) {
    if (err instanceof SlackApiError) return sendJson(res, 400, { ok: false, error: err.code, ...err.extra });
    throw err;
  }
  const text = optStr(body, 'text') ?? '';
  if (text.length > 40000) return sendJson(res, 400, { ok: false, error: 'msg_too_long' });
  if (blocks && blocksTextLength(blocks) > MAX_BLOCK_TEXT)
    return sendJson(res, 400, { ok: false, error: 'msg_blocks_too_long' });
  const original = target.messageTs ? fake.message(target.channel, target.messageTs) : undefined;
  if (optBool(body, 'delete_original')) {
    if (original) fake.messageIndex.delete(`${original.channel}/${original.ts}`);
    return sendJson(res, 200, { ok: true });
  }
  if (optBool(body, 'replace_original') && original) {
    original.text = text;
    original.blocks = blocks;
    original.edited = { user: fake.botUserId, ts: fake.nextTs() };
    return sendJson(res, 200, { ok: true });
  }
  const threadTs = optStr(body, 'thread_ts') ?? target.threadTs;
  const ts = fake.nextTs();
  if (body.response_type === 'in_channel') {
    fake.messageIndex.set(`${target.channel}/${ts}`, {
      channel: target.channel,
      ts,
      threadTs,
      user: fake.botUserId,
      botId: fake.botId,
      text,
      blocks,
      reactions: [],
      files: [],
    });
  } else {
    fake.ephemeralLog.push({
      channel: target.channel,
      user: target.user,
      ts,
      threadTs,
      text,
      blocks,
      source: 'response_url',
    });
  }
  sendJson(res, 200, { ok: true });
}
