// The one message Incident Scout posts when it recognises an incident channel.
import type { KnownBlock } from '@slack/types';
import type { OpenTrigger } from '../../domain/types';
import { clip, context, esc, LIMITS, section } from './limits';
import type { Reply } from './help';

export interface KickoffState {
  channelName: string;
  baselineMinutes: number;
  scouts: Array<{ name: string; purpose: string }>;
  trigger: OpenTrigger;
  openedBy?: string;
  /** Where the evidence comes from, e.g. "files (checkout-latency)", "Prometheus". */
  sources?: string[];
}

const WHY: Record<OpenTrigger, string> = {
  channel_created: 'this channel was created with an incident name',
  channel_rename: 'this channel was renamed to an incident name',
  member_joined: 'I was added to an incident channel',
  slash: '`/triage` was run here',
  alert: 'an alert fired (see the alert above)',
};

/** Kickoff message, at most five lines: why, what window, which scouts, where findings go, how to steer. */
export function renderKickoff(s: KickoffState): Reply {
  const why = WHY[s.trigger];
  const who = s.openedBy ? ` (opened by <@${s.openedBy}>)` : '';
  const scouts = s.scouts.map((sc) => esc(sc.name)).join(', ') || 'none configured';
  const sources = s.sources && s.sources.length > 0 ? ` from ${s.sources.map(esc).join(', ')}` : '';
  const text = clip(
    `Incident Scout is investigating #${s.channelName} because ${why}${who}. Scouts: ${s.scouts.map((sc) => sc.name).join(', ')}. ` +
      'Findings go in the investigation thread; nothing is changed without a named approver. Stop with /triage stop; /triage help lists the rest.',
    LIMITS.fallbackText,
  );
  // The exact window is the status card's job: a replayed or `since=` incident has its own clock.
  const blocks: KnownBlock[] = [
    section(
      `:mag: *Incident Scout is on it.* I'm investigating *#${esc(s.channelName)}* because ${why}${who}.\n` +
        `Read-only scouts (${scouts}) compare the incident with the ${s.baselineMinutes} min before it${sources}.\n` +
        'Findings arrive in the investigation thread; nothing is changed without a named approver.',
    ),
    context([
      '`/triage stop` · `/triage deeper [focus]` · `@Incident Scout <question>` in the thread · `/triage help` for the rest',
    ]),
  ];
  return { text, blocks };
}
