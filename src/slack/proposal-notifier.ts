// Shows proposals in Slack: the approval card as a thread reply, updated in place, and the outcome.
import type { RemediationNotifier, ProposalView } from '../remediation/port';
import { idsIn, sameLabel, type EvidenceLabel, type EvidenceLabels } from './evidence-labels';
import type { Poster } from './poster';
import { renderProposalCard, renderProposalOutcome } from './views/proposal';

/** The part of the Poster the notifier uses (so tests can pass the real Poster over the Slack fake). */
export type ProposalPoster = Pick<Poster, 'post' | 'update' | 'uploadText'>;

/**
 * RemediationNotifier over the Poster: idempotent card posts keyed by proposal id. `placeholderApprovers`
 * are the demo ids the catalog still names (Config.placeholderApprovers): every card naming one warns.
 * `labels`: the card numbers evidence as its investigation's thread does.
 */
export function createProposalNotifier(
  poster: ProposalPoster,
  placeholderApprovers: readonly string[] = [],
  labels?: EvidenceLabels,
): RemediationNotifier {
  const label = (p: ProposalView['proposal']): Promise<EvidenceLabel> =>
    labels && p.investigationId
      ? labels.assign(p.investigationId, [...idsIn(p.reason), ...p.evidence])
      : Promise.resolve(sameLabel);
  return {
    async postCard(view: ProposalView) {
      const p = view.proposal;
      const msg = renderProposalCard(p, view.action, view.approverNames, placeholderApprovers, await label(p));
      return poster.post({
        channel: p.channelId,
        ...(p.threadTs !== undefined ? { threadTs: p.threadTs } : {}),
        text: msg.text,
        blocks: msg.blocks,
        metadata: msg.metadata,
        key: `proposal:${p.incidentId}:${p.id}`,
      });
    },
    async updateCard(view: ProposalView) {
      const p = view.proposal;
      if (!p.messageTs) return;
      const msg = renderProposalCard(p, view.action, view.approverNames, placeholderApprovers, await label(p));
      await poster.update({
        channel: p.channelId,
        ts: p.messageTs,
        text: msg.text,
        blocks: msg.blocks,
        metadata: msg.metadata,
      });
    },
    async postOutcome(view: ProposalView) {
      const p = view.proposal;
      const msg = renderProposalOutcome(p, view.action);
      const threadTs = p.threadTs ?? p.messageTs;
      await poster.post({
        channel: p.channelId,
        ...(threadTs !== undefined ? { threadTs } : {}),
        text: msg.text,
        blocks: msg.blocks,
        metadata: msg.metadata,
        // An interrupted outcome has a key of its own, so the real result that may still come is posted too.
        key: `proposal-outcome:${p.incidentId}:${p.id}:${p.status}${p.result?.interrupted ? ':interrupted' : ''}`,
      });
    },
    async uploadText(req) {
      await poster.uploadText({
        channel: req.channelId,
        ...(req.threadTs !== undefined ? { threadTs: req.threadTs } : {}),
        filename: req.filename,
        content: req.content,
        title: req.title,
        comment: req.comment,
      });
    },
  };
}
