// HTTP receivers for alert webhooks, served next to /slack/events: verify, parse, answer at once,
// then hand the notice to the alert use case. An unauthenticated request changes nothing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../domain/time';
import type { Logger } from '../logging';
import { AlertmanagerPayload, fromAlertmanager } from './alertmanager';
import { fromPagerDuty, PagerDutyPayload, verifyPagerDutySignature } from './pagerduty';
import type { AlertNotice } from './types';

/** Larger bodies are refused: Alertmanager truncates groups itself (max_alerts), PagerDuty sends small ones. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface AlertRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface AlertRouteDeps {
  /** ALERT_WEBHOOK_TOKEN: /alerts/alertmanager is served only when set. */
  webhookToken?: string;
  /** PAGERDUTY_WEBHOOK_SECRET: /alerts/pagerduty is served only when set. */
  pagerdutySecret?: string;
  handle(notice: AlertNotice): Promise<unknown>;
  logger: Logger;
  clock: Clock;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Constant-time comparison of a presented bearer token with the configured one (hashes have equal length). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256')
    .update(m[1] as string)
    .digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Runs the use case after the answer; its failures are logged, the sender already has its 200. */
function after(deps: AlertRouteDeps, notice: AlertNotice): void {
  deps
    .handle(notice)
    .catch((err: unknown) => deps.logger.error({ err, alertKey: notice.key }, 'alert handling failed'));
}

/** The routes for the configured receivers (none when neither secret is set). */
export function alertRoutes(deps: AlertRouteDeps): AlertRoute[] {
  const routes: AlertRoute[] = [];
  const log = deps.logger.child({ component: 'alerts' });
  const { webhookToken, pagerdutySecret } = deps;
  if (webhookToken) {
    routes.push({
      path: '/alerts/alertmanager',
      method: ['POST'],
      handler: (req, res) => {
        void (async () => {
          if (!bearerMatches(req.headers.authorization, webhookToken)) {
            log.warn({ remote: req.socket.remoteAddress }, 'alert webhook refused: missing or wrong bearer token');
            req.resume();
            return reply(res, 401, { ok: false, error: 'unauthorized' });
          }
          const body = await readBody(req);
          const parsed = AlertmanagerPayload.safeParse(parseJson(body));
          if (!parsed.success) {
            log.warn(
              { issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) },
              'alert webhook: not an Alertmanager v4 payload',
            );
            return reply(res, 400, { ok: false, error: 'invalid_payload' });
          }
          const notice = fromAlertmanager(parsed.data, deps.clock.now().getTime());
          reply(res, 200, { ok: true });
          after(deps, notice);
        })().catch((err: unknown) => failed(res, err, log));
      },
    });
  }
  if (pagerdutySecret) {
    routes.push({
      path: '/alerts/pagerduty',
      method: ['POST'],
      handler: (req, res) => {
        void (async () => {
          const body = await readBody(req);
          const sig = req.headers['x-pagerduty-signature'];
          if (!verifyPagerDutySignature(body, Array.isArray(sig) ? sig.join(',') : sig, pagerdutySecret)) {
            log.warn({ remote: req.socket.remoteAddress }, 'PagerDuty webhook refused: no matching signature');
            return reply(res, 401, { ok: false, error: 'invalid_signature' });
          }
          const parsed = PagerDutyPayload.safeParse(parseJson(body));
          if (!parsed.success) return reply(res, 400, { ok: false, error: 'invalid_payload' });
          const notice = fromPagerDuty(parsed.data, deps.clock.now().getTime());
          reply(res, 200, { ok: true });
          if (notice) after(deps, notice);
        })().catch((err: unknown) => failed(res, err, log));
      },
    });
  }
  return routes;
}

function failed(res: ServerResponse, err: unknown, log: Logger): void {
  if (res.headersSent) return;
  if (err instanceof BodyTooLarge) return reply(res, 413, { ok: false, error: 'payload_too_large' });
  log.error({ err }, 'alert webhook failed');
  reply(res, 500, { ok: false, error: 'internal_error' });
}
