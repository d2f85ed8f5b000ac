// Global middleware: a button click whose payload lacks what every action listener needs (a non-empty
// actions array whose first entry has a string action_id) matches no listener, so Bolt would ack it and
// the person would hear nothing. Answer them at the response_url instead, and stop there. An event whose
// type is not a string stops here too: the events listener's pattern cannot be matched against it.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../logging';
import { UNREADABLE } from '../listeners/actions/click';

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Whether a block_actions body carries an action a listener could route on. */
function routableAction(body: Record<string, unknown> | undefined): boolean {
  if (body?.type !== 'block_actions') return true; // not ours to judge
  const first = Array.isArray(body.actions) ? rec(body.actions[0]) : undefined;
  return typeof first?.action_id === 'string' && first.action_id !== '';
}

/**
 * Whether an event's type is one Bolt can match: the events listener routes on a pattern, and Bolt
 * calls type.match() on it, which throws for a type that is not a string.
 */
function routableEvent(body: Record<string, unknown> | undefined): boolean {
  const event = rec(body?.event);
  return event?.type === undefined || typeof event.type === 'string';
}

/**
 * Acks and answers "could not read that click" to block_actions that no listener can route, and drops
 * (Bolt has acked it) an event whose type is not a string.
 */
export function answerUnreadable(deps: { logger: Logger }): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = rec(args.body);
    if (!routableEvent(body)) {
      deps.logger.info('event without a string type dropped');
      return;
    }
    if (routableAction(body)) {
      await args.next();
      return;
    }
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
    deps.logger.info('unreadable block_actions payload answered');
    if ('respond' in args && typeof args.respond === 'function') {
      await (args.respond as (m: Record<string, unknown>) => Promise<unknown>)({
        response_type: 'ephemeral',
        replace_original: false,
        text: UNREADABLE,
      }).catch((err: unknown) => deps.logger.warn({ err }, 'could not answer an unreadable click'));
    }
  };
}
