// Checks on the HTTP request before Bolt's receiver sees it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logging';
import { pathOf } from './errors';

/** How far a request's timestamp may be ahead of our clock; Bolt allows the same distance into the past. */
export const MAX_FUTURE_SKEW_S = 5 * 60;

/**
 * Wraps an HTTPReceiver's request listener: a request to an events endpoint whose
 * X-Slack-Request-Timestamp is more than five minutes ahead is answered 401 and goes no further.
 * Bolt refuses old timestamps (replays) but not future ones, and a signed request captured with a
 * future date could otherwise be replayed until that date has passed.
 */
export function rejectFutureTimestamps(
  receiver: { requestListener: RequestListener },
  logger: Logger,
  endpoints: readonly string[],
  nowMs: () => number = Date.now,
): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers['x-slack-request-timestamp'];
    const ts = typeof header === 'string' ? Number(header) : NaN;
    if (
      req.method === 'POST' &&
      Number.isFinite(ts) &&
      ts - nowMs() / 1000 > MAX_FUTURE_SKEW_S &&
      endpoints.includes(pathOf(req.url))
    ) {
      logger.warn({ timestamp: ts }, 'Slack request dated in the future refused with 401');
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end('request timestamp is in the future\n');
      req.resume();
      return;
    }
    inner(req, res);
  };
}
