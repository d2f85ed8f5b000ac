// Turns a failure of `serve` at start into one line for the operator (no stack trace) and an exit
// code: 2 when the configuration must change (a token Slack rejects), 1 when a dependency is down.
import { webApi } from '@slack/bolt';
import type { Config } from '../config';
import { ConfigError } from '../domain/errors';

export interface StartupFailure {
  lines: string[];
  exitCode: number;
}

/** Slack's answers to auth.test that mean the token itself is wrong. */
const TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'ekm_access_denied',
  'missing_scope',
]);

/** The one-line report for an error thrown while starting, or null when it is not a known startup failure. */
export function describeStartupError(e: unknown, config: Pick<Config, 'slack'>): StartupFailure | null {
  if (e instanceof ConfigError) return { lines: e.problems, exitCode: 2 };
  const authTest = `${config.slack.apiUrl}auth.test`;
  if (e instanceof webApi.WebAPIPlatformError) {
    const slackError = typeof e.data.error === 'string' ? e.data.error : 'unknown_error';
    if (TOKEN_ERRORS.has(slackError)) {
      return {
        lines: [
          `env SLACK_BOT_TOKEN: Slack rejected the token (auth.test: ${slackError}); expected a valid bot token (xoxb-) of the installed app`,
        ],
        exitCode: 2,
      };
    }
    return { lines: [`Slack refused the start (auth.test at ${authTest}: ${slackError})`], exitCode: 1 };
  }
  if (e instanceof webApi.WebAPIRequestError) {
    const original = e.original as Error & { cause?: { code?: string; message?: string } };
    const cause = original.cause?.code ?? original.cause?.message ?? original.message;
    return {
      lines: [
        `could not reach Slack: POST ${authTest} (auth.test) failed after retries: ${cause} (check SLACK_API_URL, DNS and the network)`,
      ],
      exitCode: 1,
    };
  }
  if (e instanceof webApi.WebAPIHTTPError) {
    return {
      lines: [`Slack answered HTTP ${e.statusCode} ${e.statusMessage} to POST ${authTest} (auth.test) after retries`],
      exitCode: 1,
    };
  }
  if (e instanceof webApi.WebAPIRateLimitedError) {
    return {
      lines: [`Slack rate-limited auth.test at ${authTest} (retry after ${e.retryAfter} s); try again shortly`],
      exitCode: 1,
    };
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const port = (e as { port?: unknown }).port;
    return {
      lines: [
        `env PORT: cannot listen on port ${String(port ?? config.slack.port)} (${String(code)}); expected a free port`,
      ],
      exitCode: 2,
    };
  }
  return null;
}
