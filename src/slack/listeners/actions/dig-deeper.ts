// "Dig deeper" button on an investigation card -> another round for the channel's incident.
import { withContext } from '../../../logging';
import { toUserFacing } from '../../errors';
import type { ListenerDeps, Respond } from '../deps';
import { readClick, UNREADABLE } from './click';

/** Starts another investigation round; the incident is the channel the card is in. */
export function onDigDeeper(deps: Pick<ListenerDeps, 'incidents' | 'investigations' | 'logger'>) {
  return async ({ body, respond }: { body: unknown; respond: Respond }): Promise<void> => {
    const click = readClick(body);
    if (!click) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: UNREADABLE });
      return;
    }
    const logger = withContext(deps.logger, { incidentId: click.channelId, slackUser: click.userId });
    try {
      const incident = await deps.incidents.find(click.channelId);
      if (!incident) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'This channel is no longer an incident I track.',
        });
        return;
      }
      const { investigation, created } = await deps.investigations.deeper(incident.id, click.userId);
      const text = created
        ? `Started round ${investigation.round}; it will post in a new thread.`
        : `Round ${investigation.round} is still ${investigation.state}; wait for it or \`/triage stop\` it.`;
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    } catch (err) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: toUserFacing(err, logger, { action: 'dig_deeper' }).text,
      });
    }
  };
}
