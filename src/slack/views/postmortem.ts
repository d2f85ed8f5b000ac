// The message that goes with the postmortem file, and the "Seen before" lines of a synthesis: both are
// how the record of past incidents reads in Slack.
import type { KnownBlock } from '@slack/types';
import type { PastMatch } from '../../domain/memory';
import { clip, esc, section } from './limits';

/** The file's title and the comment posted with the upload. */
export function postmortemUploadText(channelName: string): { title: string; comment: string } {
  return {
    title: `Postmortem draft: #${channelName}`,
    comment:
      'Postmortem draft (Markdown): summary, impact, timeline, root-cause hypothesis with its evidence, what was done, open questions. Edit it before sharing.',
  };
}

/** One line per past incident: `#inc-x` (date, 92% alike): cause … Fixed by … */
export function seenBeforeLines(matches: readonly PastMatch[]): string[] {
  return matches.map((m) => {
    const p = m.past;
    const fixed = p.fixes.length
      ? `\n   Fixed by ${p.fixes.map((f) => `\`${esc(clip(f, 120))}\``).join(', ')}`
      : '\n   No fix was recorded';
    const said = p.summary ? `\n   Resolved as: _${esc(clip(p.summary, 300))}_` : '';
    return `• *#${esc(p.channelName)}* (<#${p.channelId}>), resolved ${p.resolvedAt.slice(0, 10)}, ${Math.round(m.similarity * 100)}% alike\n   Cause: ${p.cause ? esc(clip(p.cause, 300)) : 'not recorded'}${fixed}${said}`;
  });
}

/** The "Seen before" section of a synthesis, or nothing when no resolved incident resembles this one. */
export function renderSeenBefore(matches: readonly PastMatch[] | undefined): KnownBlock[] {
  if (!matches?.length) return [];
  return [section(`*Seen before*\n${seenBeforeLines(matches).join('\n')}`)];
}
