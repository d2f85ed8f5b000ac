// The incident service's announcer over the Poster: join, and the kickoff keyed by channel so a
// resumed opening never posts it twice.
import type { IncidentAnnouncer } from '../incidents/port';
import type { Poster } from './poster';
import { renderKickoff } from './views/kickoff';

/** Announces incidents in Slack through `poster`. */
export function createIncidentAnnouncer(poster: Pick<Poster, 'join' | 'post'>): IncidentAnnouncer {
  return {
    join: (channelId) => poster.join(channelId),
    async kickoff(k) {
      const { channelId, scouts, ...rest } = k;
      const view = renderKickoff({ ...rest, scouts: scouts.map((s) => ({ name: s.name, purpose: s.purpose })) });
      await poster.post({ channel: channelId, text: view.text, blocks: view.blocks, key: `kickoff:${channelId}` });
    },
  };
}
