// The reply that says whether an action worked: recovered or not, with before / during / after figures.
import type { KnownBlock } from '@slack/types';
import { formatValue } from '../../evidence/analyzers/format';
import type { RecoveryCheck, SignalCheck } from '../../verification/check';
import type { VerificationContext } from '../../verification/service';
import { clip, context, esc, fallbackText, section } from './limits';
import { humanWait, incidentTime, slackTime } from './words';

export const VERIFICATION_EVENT = 'incident_scout_verification';

export interface VerificationMessage {
  text: string;
  blocks: KnownBlock[];
  metadata: { event_type: string; event_payload: Record<string, unknown> };
}

const HEAD: Record<RecoveryCheck['verdict'], string> = {
  recovered: ':large_green_circle: *Recovered*',
  not_recovered: ':red_circle: *Not recovered*',
  no_data: ':grey_question: *Cannot tell yet*',
};

function line(s: SignalCheck): string {
  const v = (x: number): string => formatValue(x, s.unit);
  const after = s.after === null ? 'no data after the action' : `${v(s.after)} after`;
  const mark = s.recovered === null ? '' : s.recovered ? ' — back to normal' : ' — still off';
  return `• ${esc(s.service)} ${esc(s.metric)}: ${v(s.before)} before the incident, ${v(s.during)} during, ${after}${mark}`;
}

/** The verification reply for one succeeded proposal. */
export function renderVerification(ctx: VerificationContext, check: RecoveryCheck): VerificationMessage {
  const p = ctx.proposal;
  const wait = humanWait(ctx.afterMs);
  const what = `\`${esc(p.actionId)}\` (\`${p.id}\`)`;
  const head =
    check.verdict === 'no_data'
      ? `${HEAD.no_data}: ${wait} after ${what}, the evidence source holds no data after the action yet.`
      : `${HEAD[check.verdict]} ${wait} after ${what}${check.verdict === 'recovered' ? ': the signals that moved are back near their levels before the incident.' : ': at least one signal that moved has not come back.'}`;
  const blocks: KnownBlock[] = [section(head)];
  if (check.signals.length) blocks.push(section(clip(check.signals.map(line).join('\n'), 2900)));
  else blocks.push(section('_No signal had moved badly when the action ran: nothing to compare._'));
  // The recording's times are its own clock; live data is read up to now, which Slack shows in the reader's zone.
  const when = ctx.replay
    ? `Read from the recording up to ${incidentTime(check.readTo)} on the incident's clock (action at ${incidentTime(check.actionAt)}).`
    : `Read up to ${slackTime(check.readTo)} (action at ${slackTime(check.actionAt)}).`;
  blocks.push(
    context([
      `${when} A signal counts as back when it has come at least 70% of the way to its level before the incident.`,
    ]),
  );
  const plain =
    check.verdict === 'recovered'
      ? 'Recovered'
      : check.verdict === 'not_recovered'
        ? 'Not recovered'
        : 'Cannot tell yet';
  return {
    text: fallbackText(`${plain} ${wait} after ${p.actionId} (${p.id})`),
    blocks,
    metadata: { event_type: VERIFICATION_EVENT, event_payload: { proposal_id: p.id, verdict: check.verdict } },
  };
}
