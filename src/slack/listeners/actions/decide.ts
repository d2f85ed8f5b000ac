// Approve / Reject buttons on a proposal card -> the remediation service, which checks the policy.
// Refusals go back only to the person who clicked; the card itself is updated by the service.
import { withContext } from '../../../logging';
import { toUserFacing } from '../../errors';
import type { ListenerDeps, Respond } from '../deps';
import { readClick, UNREADABLE } from './click';

type Decision = 'approve' | 'reject';

function onDecision(decision: Decision, deps: Pick<ListenerDeps, 'remediation' | 'logger'>) {
  return async ({ body, respond }: { body: unknown; respond: Respond }): Promise<void> => {
    const click = readClick(body);
    if (!click || click.value === '') {
      await respond({ response_type: 'ephemeral', replace_original: false, text: UNREADABLE });
      return;
    }
    const logger = withContext(deps.logger, { incidentId: click.channelId, slackUser: click.userId });
    try {
      // Whether the clicker is a bot is the remediation service's one lookup (policy refuses bots).
      const req = { actor: { userId: click.userId }, value: click.value, channelId: click.channelId };
      await (decision === 'approve' ? deps.remediation.approve(req) : deps.remediation.reject(req));
    } catch (err) {
      const f = toUserFacing(err, logger, { action: decision });
      await respond({ response_type: 'ephemeral', replace_original: false, text: f.text });
    }
  };
}

/** `approve_proposal` button. */
export const onApprove = (deps: Pick<ListenerDeps, 'remediation' | 'logger'>) => onDecision('approve', deps);
/** `reject_proposal` button. */
export const onReject = (deps: Pick<ListenerDeps, 'remediation' | 'logger'>) => onDecision('reject', deps);
