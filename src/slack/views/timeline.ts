// The timeline message posted when an incident is resolved: one line per moment, in time order, packed
// into sections within Slack's limits (3000 characters a section, 50 blocks, and a total kept well under
// the ~13k characters Slack accepts across a message's blocks); what does not fit is in the postmortem file.
import type { KnownBlock } from '@slack/types';
import type { TimelineEntry, TimelineKind } from '../../incidents/timeline';
import { clip, context, esc, fallbackText, header, LIMITS, section } from './limits';
import type { View } from './investigation';

/** The most text the timeline's blocks carry in all. */
export const TIMELINE_TEXT_BUDGET = 10_000;
const LINE_MAX = 400;

const ICON: Record<TimelineKind, string> = {
  alert: ':rotating_light:',
  began: ':rotating_light:',
  opened: ':door:',
  round: ':mag:',
  finding: ':memo:',
  synthesis: ':bulb:',
  proposal: ':wrench:',
  decision: ':ballot_box_with_check:',
  refusal: ':no_entry:',
  action: ':gear:',
  verification: ':stethoscope:',
  resolved: ':white_check_mark:',
};

/** `03:14:05 UTC`: the fallback, and the plain-text summary. */
function clock(at: string): string {
  return `${at.slice(11, 19)} UTC`;
}

/** A wall-clock time as Slack shows it in the reader's own time zone, `03:14:05 UTC` where it cannot. */
function readerClock(at: string): string {
  const ms = Date.parse(at);
  return Number.isFinite(ms) ? `<!date^${Math.floor(ms / 1000)}^{time_secs}|${clock(at)}>` : clock(at);
}

/** The timeline as a message: header, the person's summary, the moments, and where the postmortem draft is. */
export function renderTimeline(channelName: string, entries: TimelineEntry[], summary?: string): View {
  const blocks: KnownBlock[] = [header(`Timeline of #${channelName}`)];
  if (summary) blocks.push(section(`*Resolved:* ${esc(clip(summary, 1000))}`));
  const lines = entries.map((e) => `${readerClock(e.at)} ${ICON[e.kind]} ${esc(clip(e.text, LINE_MAX))}`);
  let budget =
    TIMELINE_TEXT_BUDGET - blocks.reduce((n, b) => n + (b.type === 'section' ? (b.text?.text.length ?? 0) : 0), 0);
  let chunk: string[] = [];
  let used = 0;
  let shown = 0;
  const room = LIMITS.blocks - 3; // header, summary, the closing context
  for (const line of lines) {
    if (line.length + 1 > budget || (blocks.length >= room && used + line.length + 1 > LIMITS.sectionText)) break;
    if (used + line.length + 1 > LIMITS.sectionText) {
      blocks.push(section(chunk.join('\n')));
      chunk = [];
      used = 0;
    }
    chunk.push(line);
    used += line.length + 1;
    budget -= line.length + 1;
    shown += 1;
  }
  if (chunk.length) blocks.push(section(chunk.join('\n')));
  const more = entries.length - shown;
  blocks.push(
    context([
      `${more > 0 ? `${more} more moments are in the postmortem draft. ` : ''}Times are in your time zone, as the bot saw them. The postmortem draft follows as a file.`,
    ]),
  );
  const first = entries[0];
  const last = entries[entries.length - 1];
  const span = first && last ? ` from ${clock(first.at)} to ${clock(last.at)}` : '';
  return { text: fallbackText(`Timeline of #${channelName}: ${entries.length} moments${span}.`), blocks };
}
