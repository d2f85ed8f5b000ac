// Finding the bot's cards in the Slack fake, as a person scanning the channel would: the demo presses
// Approve with it, and the tests that click as people do use the same finder.
import type { SlackFake } from './slack-fake';

/** Where the Approve button of a proposal card is: the card's message, and the button's block and value. */
export interface ApproveButton {
  ts: string;
  threadTs?: string;
  blockId: string;
  value: string;
}

/** The Approve button of the first proposal card in a channel (of `actionId` when given), or null. */
export function approveButton(fake: SlackFake, channel: string, actionId?: string): ApproveButton | null {
  for (const thread of fake.messages(channel)) {
    for (const m of [thread, ...thread.replies]) {
      if (m.metadata?.event_type !== 'incident_scout_proposal') continue;
      if (actionId && !m.text.includes(actionId) && !JSON.stringify(m.metadata).includes(actionId)) continue;
      for (const block of (m.blocks ?? []) as Array<{
        type?: string;
        block_id?: string;
        elements?: Array<{ action_id?: string; value?: string }>;
      }>) {
        const approve =
          block.type === 'actions' ? block.elements?.find((e) => e.action_id === 'approve_proposal') : undefined;
        if (approve?.value && block.block_id)
          return {
            ts: m.ts,
            ...(m.threadTs ? { threadTs: m.threadTs } : {}),
            blockId: block.block_id,
            value: approve.value,
          };
      }
    }
  }
  return null;
}
