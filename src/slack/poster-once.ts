// At most once per key for what Slack gives no idempotency key: chat.postMessage and files.uploadV2.
// Claim the key in the store, make the post or upload, record what it returned; a claim left stale by a
// process that died mid-way is taken over only after looking in Slack for what that process made.
import { randomUUID } from 'node:crypto';
import { SlackApiError } from '../domain/errors';
import type { Clock } from '../domain/time';
import type { Logger } from '../logging';
import type { Store } from '../store/port';
import { postedDocs, type PostedDoc } from './poster-docs';

const POSTED_TTL_S = 14 * 24 * 3600;
/** A claim older than this without a result belongs to a process that died mid-way; it may be taken over. */
const CLAIM_STALE_MS = 30_000;
/** How long a made post keeps trying to record its result while the store is unreachable. */
const RECORD_WAIT_MS = 60_000;

export interface OnceDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
}

/**
 * Makes what `key` names once and returns what `make` returned (a ts, a file id); whoever finds it
 * recorded returns that instead. `find(sinceMs)` looks in Slack for what a dead claimant made since it claimed.
 */
export async function makeOnce(
  deps: OnceDeps,
  what: { key: string; channel: string; method: string },
  how: { find: (sinceMs: number) => Promise<string | null>; make: () => Promise<string> },
): Promise<string> {
  const { key, channel } = what;
  const docs = postedDocs.in(deps.store);
  const deadline = deps.clock.now().getTime() + CLAIM_STALE_MS;
  for (;;) {
    const owner = randomUUID();
    const now = deps.clock.now().getTime();
    let orphan: PostedDoc | null = null;
    const { value } = await docs.update(
      key,
      (cur) => {
        orphan = null;
        if (cur?.state === 'posted') return undefined;
        if (cur?.state === 'claimed' && now - cur.at < CLAIM_STALE_MS) return undefined;
        if (cur?.state === 'claimed') orphan = cur;
        return { state: 'claimed', channel, owner, at: now };
      },
      POSTED_TTL_S,
    );
    if (value?.state === 'posted' && value.ts !== undefined) {
      deps.logger.debug({ key, channel }, 'already made for this key; returning it');
      return value.ts;
    }
    if (value?.owner === owner) {
      // The previous owner died between making and recording: it may already be in Slack.
      const found = orphan ? await how.find((orphan as PostedDoc).at) : null;
      if (found) {
        deps.logger.info({ key, channel }, 'found what a process that died before recording it made');
        await record(deps, key, { state: 'posted', channel, owner, at: now, ts: found });
        return found;
      }
      let made: string;
      try {
        made = await how.make();
      } catch (err) {
        // Best effort: when the store is down too, the claim simply goes stale and may be taken over.
        await docs.put(key, { state: 'failed', channel, owner, at: now }, POSTED_TTL_S).catch(() => undefined);
        throw err;
      }
      // It exists now: it must be recorded, or a retry would make it a second time.
      await record(deps, key, { state: 'posted', channel, owner, at: now, ts: made });
      return made;
    }
    // Another process holds a fresh claim: wait for its result rather than make a second copy.
    if (deps.clock.now().getTime() > deadline) throw new SlackApiError(what.method, 'idempotent_post_in_flight');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stores what was made, retrying through a store outage (up to RECORD_WAIT_MS) rather than forgetting it. */
async function record(deps: OnceDeps, key: string, doc: PostedDoc): Promise<void> {
  const deadline = Date.now() + RECORD_WAIT_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      await postedDocs.in(deps.store).put(key, doc, POSTED_TTL_S);
      return;
    } catch (err) {
      if (Date.now() + delay > deadline) {
        deps.logger.error(
          { err, key, channel: doc.channel },
          'made, but could not record it; a retry may make it a second time',
        );
        return;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
