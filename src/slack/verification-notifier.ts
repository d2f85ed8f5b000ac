// Shows verifications in Slack: one reply in the proposal's thread, keyed so a retried job posts once.
import type { RecoveryCheck } from '../verification/check';
import type { VerificationContext, VerificationNotifier } from '../verification/service';
import type { Poster } from './poster';
import { renderVerification } from './views/verification';

/** Uploads a chart of the verified signals next to the reply (baseline, incident, the action marked). */
export type VerificationChart = (
  ctx: VerificationContext,
  check: RecoveryCheck,
  thread: { channel: string; threadTs?: string },
) => Promise<void>;

/** VerificationNotifier over the Poster. */
export function createVerificationNotifier(
  poster: Pick<Poster, 'post'>,
  chart?: VerificationChart,
): VerificationNotifier {
  return {
    async postVerification(ctx, check) {
      const p = ctx.proposal;
      const msg = renderVerification(ctx, check);
      const threadTs = p.threadTs ?? p.messageTs;
      const where = { channel: p.channelId, ...(threadTs !== undefined ? { threadTs } : {}) };
      await poster.post({
        ...where,
        text: msg.text,
        blocks: msg.blocks,
        metadata: msg.metadata,
        key: `verification:${p.incidentId}:${p.id}`,
      });
      if (chart && check.signals.length) await chart(ctx, check, where);
    },
  };
}
