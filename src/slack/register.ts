// Wires middleware and listeners onto a Bolt app. Listener order: ackFirst and dedupe (global), then
// each listener's own filter middleware, then the thin handler.
import type { App } from '@slack/bolt';
import type { Store } from '../store/port';
import { onApprove, onReject } from './listeners/actions/decide';
import { onDigDeeper } from './listeners/actions/dig-deeper';
import { onTriage } from './listeners/commands/triage';
import type { ListenerDeps } from './listeners/deps';
import { onAppMention } from './listeners/events/app-mention';
import { onChannelCreated } from './listeners/events/channel-created';
import { onChannelRename } from './listeners/events/channel-rename';
import { onMemberJoined } from './listeners/events/member-joined';
import { onUsergroupChanged } from './listeners/events/usergroup-changed';
import type { AppMetrics } from './metrics';
import { ackFirst, type FollowUpQueue } from './middleware/ack-first';
import { dedupe } from './middleware/dedupe';
import { answerUnreadable } from './middleware/unreadable';
import { botJoined, incidentChannelName } from './middleware/incident-channel';

/** Action ids of the buttons the app reacts to (views must use exactly these). */
export const ACTION_IDS = { approve: 'approve_proposal', reject: 'reject_proposal', digDeeper: 'dig_deeper' } as const;

/** Registers every middleware and listener. */
export function registerListeners(
  app: App,
  deps: ListenerDeps & { store: Store; metrics: AppMetrics; pattern: RegExp; followUps: FollowUpQueue },
): void {
  // Ack before anything else, then do the work when acks are not waiting (see middleware/ack-first.ts).
  app.use(ackFirst(deps.followUps, (event) => app.processEvent(event), deps.logger));
  app.use(dedupe({ store: deps.store, logger: deps.logger, metrics: deps.metrics }));
  // A click or command no listener can read gets a clear ephemeral answer instead of silence.
  app.use(answerUnreadable({ logger: deps.logger }));

  app.event('channel_created', incidentChannelName(deps.pattern), onChannelCreated(deps));
  app.event('channel_rename', incidentChannelName(deps.pattern), onChannelRename(deps));
  app.event('member_joined_channel', botJoined(), onMemberJoined(deps));
  app.event('app_mention', onAppMention(deps));
  app.event('subteam_members_changed', onUsergroupChanged(deps));
  app.event('subteam_updated', onUsergroupChanged(deps));

  app.command('/triage', onTriage(deps));

  app.action(ACTION_IDS.approve, onApprove(deps));
  app.action(ACTION_IDS.reject, onReject(deps));
  app.action(ACTION_IDS.digDeeper, onDigDeeper(deps));
}
