// Global middleware: a button click whose payload lacks what every action listener needs (a non-empty
// actions array whose first entry has a string action_id) matches no listener, so Bolt would ack it and
// the person would hear nothing. Answer them at the response_url instead, and stop there.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../logging';
import { UNREADABLE } from '../listeners/actions/click';

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Whether a block_actions body carries an action a listener could route on. */
export function routableAction(body: unknown): boolean {
  const b = rec(body);
  if (b?.type !== 'block_actions') return true; // not ours to judge
  const first = Array.isArray(b.actions) ? rec(b.actions[0]) : undefined;
  return typeof first?.action_id === 'string' && first.action_id !== '';
}

/** Acks and answers "could not read that click" to block_actions that no listener can route. */
export function answerUnreadable(deps: { logger: Logger }): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    if (routableAction(args.body)) {
      await args.next();
      return;
    }
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
    deps.logger.info('unreadable block_actions payload answered');
    if ('respond' in args && typeof args.respond === 'function') {
      await (args.respond as (m: Record<string, unknown>) => Promise<unknown>)({ response_type: 'ephemeral', replace_original: false, text: UNREADABLE })
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not answer an unreadable click'));
    }
  };
}
