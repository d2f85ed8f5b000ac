// Helpers of the Poster kept apart so poster.ts stays about the calls: the metadata of keyed posts,
// the last redaction before Slack, the fitted message, and Slack's error code of a failed call.
import { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { SlackApiError } from '../domain/errors';
import { redactDeep } from '../domain/redact';
import type { PostArgs } from './poster';
import type { OutgoingMessage } from './views/limits';

/** The metadata field that carries a post's idempotency key, so a crashed post can be found again. */
const POST_KEY = 'scout_post_key';

/**
 * The metadata a keyed post carries: the caller's own event when it set one (its payload names what
 * it is about, e.g. an investigation or proposal id, and stays exactly as documented), else a small
 * `incident_scout_post` event holding the key.
 */
export function withKey(args: PostArgs, key: string): PostArgs {
  return args.metadata
    ? args
    : { ...args, metadata: { event_type: 'incident_scout_post', event_payload: { [POST_KEY]: key } } };
}

/** Whether a listed message is the keyed post `args` would make. */
export function isPostOf(
  m: { bot_id?: string; metadata?: { event_type?: string; event_payload?: unknown } },
  args: PostArgs,
  key: string,
): boolean {
  if (!m.bot_id || !m.metadata) return false;
  const expected = withKey(args, key).metadata as NonNullable<PostArgs['metadata']>;
  return (
    m.metadata.event_type === expected.event_type &&
    JSON.stringify(m.metadata.event_payload) === JSON.stringify(expected.event_payload)
  );
}

/**
 * What leaves for Slack with every secret-shaped string redacted (text, blocks, metadata, file content).
 * Views and services redact what they know is evidence; this is the last door, for what they missed
 * (a change summary, a quoted log line in a model's claim). Channel ids, ts and keys never match a rule.
 */
export function redactOutgoing<T extends object>(args: T): T {
  return redactDeep(args);
}

/** The text and (when present) blocks of a fitted message, ready to spread into call arguments. */
export function fitted(m: OutgoingMessage | undefined): { text: string; blocks?: KnownBlock[] } {
  if (!m) return { text: '' };
  return m.blocks ? { text: m.text, blocks: m.blocks } : { text: m.text };
}

/** Slack's error code for a failed call: the platform's `error`, or a name for transport failures. */
export function slackErrorCode(err: unknown): string {
  if (err instanceof webApi.WebAPIPlatformError) return err.data.error;
  if (err instanceof webApi.WebAPIRateLimitedError) return 'ratelimited';
  if (err instanceof webApi.WebAPIHTTPError) return `http_${err.statusCode}`;
  if (err instanceof webApi.WebAPIRequestError) return 'request_failed';
  if (err instanceof SlackApiError) return err.slackError;
  return 'unknown';
}
