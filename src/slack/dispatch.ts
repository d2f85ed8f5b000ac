// Bolt's model, in one place: a listener acks at once and hands the rest of the request to the work
// queue, which first checks the delivery is not a repeat (Slack retries, double clicks, a copy at a
// second replica) and then runs the handler.
//
// When the store is down the repeat check cannot be made. What happens then, by kind:
// - events (Bolt has already acked them: Slack will not resend) run without the check, and a handler
//   failing with StoreUnavailable is run again until the store is back (within a few minutes). The
//   effect is at-least-once, which the handlers' effects tolerate: opening an incident finds the one
//   already open, a follow-up is at worst answered twice. Work still waiting when the process stops is
//   lost; Slack's own retry covers only deliveries that were not acked.
// - commands and clicks are answered "try again" (ephemeral): the person is there to repeat them, and
//   running an approval without knowing whether it is a double click is not ours to risk.
import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../logging';
import type { AppMetrics } from '../metrics';
import { StoreUnavailable } from '../store/errors';
import type { Store } from '../store/port';
import type { Respond, RespondMessage } from './listeners/deps';
import { dedupeKey, DEDUPE_TTL_S, requestKind } from './delivery';
import { redactOutgoing } from './poster-support';
import type { WorkQueue } from './work-queue';

/** The ephemeral answer to a command or click that arrives while the store is unreachable. */
export const STORE_DOWN_REPLY = 'I cannot reach my state store right now, so I did nothing. Try again in a minute.';

/** Context key where `countRequests` notes when Bolt handed us the request. */
const RECEIVED_AT = 'scoutReceivedAt';

export interface DispatchDeps {
  store: Store;
  queue: WorkQueue;
  logger: Logger;
  metrics: AppMetrics;
}

/** First global middleware: counts each request by kind and notes when it arrived (for the ack histogram). */
export function countRequests(metrics: AppMetrics): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    metrics.requests.inc({ kind: requestKind(args.body) });
    args.context[RECEIVED_AT] = performance.now();
    await args.next();
  };
}

type Delivery = 'first' | 'repeat' | 'unchecked';

/** Claims the delivery's identity; 'unchecked' when the store cannot be reached. */
async function claim(store: Store, body: unknown): Promise<Delivery> {
  const key = dedupeKey(body);
  if (!key) return 'first';
  try {
    return (await store.claim(`slack:${key}`, DEDUPE_TTL_S)) ? 'first' : 'repeat';
  } catch (err) {
    if (err instanceof StoreUnavailable) return 'unchecked';
    throw err;
  }
}

interface BoltArgs {
  body: unknown;
  context: AllMiddlewareArgs['context'];
  ack?: unknown;
  respond?: unknown;
}

/**
 * Bolt's arguments with `respond` passing the one redaction step, as the poster does: an ephemeral answer
 * quotes what the person typed (`/triage deeper look at xoxb-…`) and goes through Slack like any post.
 */
function withRedactedRespond<A extends BoltArgs>(args: A): A {
  const respond = args.respond;
  if (typeof respond !== 'function') return args;
  const redacted: Respond = (m: RespondMessage) => (respond as Respond)(redactOutgoing(m));
  return { ...args, respond: redacted };
}

/**
 * A Bolt listener that acks (commands and clicks; Bolt acks events itself), then queues `handler`
 * behind the repeat check. `handler` receives Bolt's arguments; its answer goes through respond(), redacted.
 */
export function afterAck<A extends BoltArgs>(
  deps: DispatchDeps,
  handler: (args: A) => Promise<void>,
): (args: A) => Promise<void> {
  return async (bolt) => {
    const args = withRedactedRespond(bolt);
    const kind = requestKind(args.body);
    if (typeof args.ack === 'function') {
      await (args.ack as () => Promise<void>)();
      const receivedAt = args.context[RECEIVED_AT];
      if (typeof receivedAt === 'number')
        deps.metrics.ackSeconds.observe({ kind }, (performance.now() - receivedAt) / 1000);
    }
    const retryNum = args.context.retryNum;
    let claimed = false;
    deps.queue.push(
      kind,
      async () => {
        if (!claimed) {
          const delivery = await claim(deps.store, args.body);
          if (delivery === 'repeat') {
            deps.metrics.duplicates.inc({ kind });
            deps.logger.debug({ kind, retryNum }, 'duplicate Slack delivery dropped');
            return;
          }
          if (delivery === 'unchecked' && kind !== 'event') {
            deps.logger.warn({ kind }, 'store unreachable: asked the person to try again');
            if (typeof args.respond === 'function')
              await (args.respond as Respond)({
                response_type: 'ephemeral',
                replace_original: false,
                text: STORE_DOWN_REPLY,
              });
            return;
          }
          if (delivery === 'unchecked')
            deps.logger.warn({ kind }, 'store unreachable: event processed without the repeat check');
          claimed = true;
        }
        await handler(args);
      },
      { retryWhileStoreDown: kind === 'event' },
    );
  };
}
