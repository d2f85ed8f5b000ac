// The end of an incident in Slack: the timeline message and the postmortem draft as a Markdown file (both
// keyed, so each is made once), both in the latest investigation's thread, through the Poster (which redacts).
import type { IncidentRecorder } from '../incidents/port';
import type { Poster } from './poster';
import { postmortemUploadText } from './views/postmortem';
import { renderTimeline } from './views/timeline';

/** IncidentRecorder over the Poster. */
export function createIncidentRecorder(poster: Pick<Poster, 'post' | 'uploadText' | 'userName'>): IncidentRecorder {
  return {
    postTimeline(req) {
      const v = renderTimeline(req.channelName, req.entries, req.summary);
      return poster.post({
        channel: req.channelId,
        ...(req.threadTs ? { threadTs: req.threadTs } : {}),
        text: v.text,
        blocks: v.blocks,
        key: req.key,
      });
    },
    async uploadPostmortem(req) {
      const { title, comment } = postmortemUploadText(req.channelName);
      await poster.uploadText({
        channel: req.channelId,
        ...(req.threadTs ? { threadTs: req.threadTs } : {}),
        filename: req.filename,
        content: req.markdown,
        title,
        comment,
        key: req.key,
      });
    },
    userName: (userId) => poster.userName(userId),
  };
}
