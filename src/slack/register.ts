// Wires middleware and listeners onto a Bolt app. Global middleware: countRequests, then
// answerUnreadable. Then one listener per kind of request (events, the command, clicks), which acks
// and queues the thin handler (behind its filter, if any) via afterAck.
import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
  App,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
} from '@slack/bolt';
import { afterAck, countRequests, type DispatchDeps } from './dispatch';
import { onApprove, onReject } from './listeners/actions/decide';
import { onDigDeeper } from './listeners/actions/dig-deeper';
import { onTriage } from './listeners/commands/triage';
import type { ListenerDeps } from './listeners/deps';
import { onAppMention } from './listeners/events/app-mention';
import { onChannelCreated } from './listeners/events/channel-created';
import { onChannelRename } from './listeners/events/channel-rename';
import { onMemberJoined } from './listeners/events/member-joined';
import { onUsergroupChanged } from './listeners/events/usergroup-changed';
import { answerUnreadable } from './middleware/unreadable';
import { botJoined, incidentChannelName } from './middleware/incident-channel';

/** Action ids of the buttons the app reacts to (views must use exactly these). */
export const ACTION_IDS = { approve: 'approve_proposal', reject: 'reject_proposal', digDeeper: 'dig_deeper' } as const;

type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;
type Handler = (args: EventArgs) => Promise<void>;

/** `handler` behind a listener middleware that calls next() only for the events it lets through. */
function behind(filter: Middleware<AnyMiddlewareArgs>, handler: Handler): Handler {
  return (args) => filter({ ...args, next: () => handler(args) } as unknown as Parameters<typeof filter>[0]);
}

/** A pattern matching exactly these names. */
function exactly(names: readonly string[]): RegExp {
  return new RegExp(`^(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
}

/** Registers every middleware and listener; handlers run from `deps.queue` after the ack. */
export function registerListeners(app: App, deps: ListenerDeps & DispatchDeps & { pattern: RegExp }): void {
  app.use(countRequests(deps.metrics));
  // A click or command no listener can read gets a clear ephemeral answer instead of silence.
  app.use(answerUnreadable({ logger: deps.logger }));

  const usergroupChanged = onUsergroupChanged(deps);
  const events = new Map<string, Handler>([
    ['channel_created', behind(incidentChannelName(deps.pattern), onChannelCreated(deps))],
    ['channel_rename', behind(incidentChannelName(deps.pattern), onChannelRename(deps))],
    ['member_joined_channel', behind(botJoined(), onMemberJoined(deps))],
    ['app_mention', onAppMention(deps)],
    ['subteam_members_changed', usergroupChanged],
    ['subteam_updated', usergroupChanged],
  ]);
  app.event(
    exactly([...events.keys()]),
    afterAck(deps, async (args: EventArgs) => {
      await events.get(args.event.type)?.(args);
    }),
  );

  const triage = onTriage(deps);
  app.command(
    '/triage',
    afterAck(deps, (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => triage(args)),
  );

  const clicks = new Map<string, ReturnType<typeof onApprove>>([
    [ACTION_IDS.approve, onApprove(deps)],
    [ACTION_IDS.reject, onReject(deps)],
    [ACTION_IDS.digDeeper, onDigDeeper(deps)],
  ]);
  // Every block_actions click, routed here by action id: a pattern would make Bolt call
  // action_id.match() on whatever the payload holds (a number in a malformed click throws).
  app.action(
    { type: 'block_actions' },
    afterAck(deps, async (args: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
      const actionId: unknown = 'action_id' in args.action ? args.action.action_id : undefined;
      if (typeof actionId === 'string') await clicks.get(actionId)?.(args);
    }),
  );
}
