// The one message Incident Scout posts when it recognises an incident channel.
import type { KnownBlock } from '@slack/types';
import { clip, context, esc, LIMITS, section } from './limits';
import type { Reply } from './help';

export interface KickoffState {
  channelName: string;
  baselineMinutes: number;
  scouts: Array<{ name: string; purpose: string }>;
  /** 'channel_created' | 'member_joined' | 'channel_rename' | 'slash' */
  trigger: string;
  openedBy?: string;
  /** Where the evidence comes from, e.g. "files (checkout-latency)", "Prometheus". */
  sources?: string[];
}

const WHY: Record<string, string> = {
  channel_created: 'this channel was created with an incident name',
  channel_rename: 'this channel was renamed to an incident name',
  member_joined: 'I was added to an incident channel',
  slash: '`/triage` was run here',
  alert: 'an alert fired (see the alert above)',
};

/** Kickoff message: what will be investigated, by which scouts, and how to stop or steer. */
export function renderKickoff(s: KickoffState): Reply {
  const why = WHY[s.trigger] ?? 'this channel looks like an incident';
  const who = s.openedBy ? ` (opened by <@${s.openedBy}>)` : '';
  // The exact window is the status card's job: a replayed or `since=` incident has its own clock.
  const window = `since the incident began, compared with the ${s.baselineMinutes} min before it (baseline)`;
  const scoutLines = s.scouts.map((sc) => `• *${esc(sc.name)}* — ${esc(sc.purpose)}`);
  const sources = s.sources && s.sources.length > 0 ? `\nEvidence sources: ${s.sources.map(esc).join(', ')}.` : '';
  const text = clip(
    `Incident Scout is investigating #${s.channelName} because ${why}${who}. Window: ${window}. ` +
      `Scouts: ${s.scouts.map((sc) => sc.name).join(', ')}. Stop with /triage stop; restart with /triage start since=15m; ` +
      'ask with @Incident Scout <question> in the investigation thread.',
    LIMITS.fallbackText,
  );
  const blocks: KnownBlock[] = [
    section(
      `:mag: *Incident Scout is on it.* I'm investigating *#${esc(s.channelName)}* because ${why}${who}.\n` +
        `Window: ${window}.${sources}\nFindings arrive in the investigation thread as the scouts report; nothing is changed without a named approver.`,
    ),
    section(`*Scouts (read-only):*\n${scoutLines.join('\n') || '_none configured_'}`),
    context([
      'Stop: `/triage stop` · Restart with a start time: `/triage start since=15m` · Another round: `/triage deeper [focus]`',
      'Ask: `@Incident Scout <question>` in the investigation thread · Everything else: `/triage help`',
    ]),
  ];
  return { text, blocks };
}
