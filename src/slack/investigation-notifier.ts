// The investigation's Slack thread over the Poster: one card edited in place, replies keyed so a retried
// job never posts twice (keys: investigation id + round + item).
import { systemClock, type Clock } from '../domain/time';
import type { Evidence, Finding, Investigation, Synthesis } from '../domain/types';
import type { InvestigationNotifier } from '../investigation/port';
import type { ThreadCharts } from './charts/thread-charts';
import { sameLabel, type EvidenceLabel, type EvidenceLabels } from './evidence-labels';
import type { Poster } from './poster';
import {
  citedEvidence,
  hypothesesMetadata,
  renderFinding,
  renderNote,
  renderStatusCard,
  renderSynthesis,
  synthesisEvidence,
} from './views/investigation';

/** Posts an investigation's thread through the Poster. */
export class SlackInvestigationNotifier implements InvestigationNotifier {
  constructor(
    private readonly poster: Pick<Poster, 'post' | 'update'>,
    private readonly clock: Clock = systemClock,
    /** Charts of the series behind findings and the synthesis; none when absent. */
    private readonly charts?: Pick<ThreadCharts, 'finding' | 'synthesis'>,
    /** Evidence numbered E1, E2 ... in the order the thread shows it (gate ids when absent). */
    private readonly labels?: EvidenceLabels,
  ) {}

  private label(inv: Investigation, ids: string[]): Promise<EvidenceLabel> {
    return this.labels ? this.labels.assign(inv.id, ids) : Promise.resolve(sameLabel);
  }

  async postCard(inv: Investigation): Promise<string> {
    const v = renderStatusCard(inv, this.clock.now().getTime());
    return this.poster.post({
      channel: inv.channelId,
      text: v.text,
      blocks: v.blocks,
      key: `${inv.id}:r${inv.round}:card`,
    });
  }

  async updateCard(inv: Investigation): Promise<void> {
    if (!inv.threadTs) return;
    const v = renderStatusCard(inv, this.clock.now().getTime());
    await this.poster.update({ channel: inv.channelId, ts: inv.threadTs, text: v.text, blocks: v.blocks });
  }

  async postFinding(inv: Investigation, finding: Finding, key?: string): Promise<void> {
    const v = renderFinding(finding, await this.label(inv, citedEvidence(finding)));
    const postKey = `${inv.id}:r${inv.round}:finding:${key ?? finding.scout}`;
    await this.poster.post({ channel: inv.channelId, ...thread(inv), text: v.text, blocks: v.blocks, key: postKey });
    await this.charts?.finding(inv, finding, postKey);
  }

  async postSynthesis(inv: Investigation, synthesis: Synthesis, evidence: readonly Evidence[] = []): Promise<void> {
    const v = renderSynthesis(inv, synthesis, await this.label(inv, synthesisEvidence(synthesis)));
    await this.poster.post({
      channel: inv.channelId,
      ...thread(inv),
      text: v.text,
      blocks: v.blocks,
      metadata: hypothesesMetadata(inv, synthesis),
      key: `${inv.id}:r${inv.round}:synthesis`,
    });
    await this.charts?.synthesis(inv, synthesis, evidence);
  }

  async postNote(inv: Investigation, key: string, text: string): Promise<void> {
    const v = renderNote(text);
    await this.poster.post({
      channel: inv.channelId,
      ...thread(inv),
      text: v.text,
      blocks: v.blocks,
      key: `${inv.id}:r${inv.round}:note:${key}`,
    });
  }
}

function thread(inv: Investigation): { threadTs?: string } {
  return inv.threadTs ? { threadTs: inv.threadTs } : {};
}
