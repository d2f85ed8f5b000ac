// Slack Block Kit limits shared by the views (https://docs.slack.dev/reference/block-kit/blocks).
import type { KnownBlock } from '@slack/types';

export const LIMITS = { blocks: 50, sectionText: 3000, contextElements: 10, buttonText: 75, buttonValue: 2000, headerText: 150, fallbackText: 40000 } as const;

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A mrkdwn section, clipped to Slack's 3000 characters. */
export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } };
}

/** A context block of mrkdwn lines (at most 10 elements). */
export function context(lines: string[]): KnownBlock {
  return {
    type: 'context',
    elements: lines.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn' as const, text: clip(t, LIMITS.sectionText) })),
  };
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
