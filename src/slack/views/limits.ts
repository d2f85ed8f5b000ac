// Block Kit helpers shared by every view, each enforcing Slack's limits where a block is built
// (https://docs.slack.dev/reference/block-kit/blocks), and the one escape for untrusted text.
import type { KnownBlock } from '@slack/types';

/** Slack's limits: blocks per message, characters per text object, elements per context, button sizes, top-level text. */
export const LIMITS = {
  blocks: 50, sectionText: 3000, contextElements: 10, contextText: 2000, headerText: 150, buttonText: 75, buttonValue: 2000, fallbackText: 40000,
} as const;

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters: untrusted text must not become a mention, link or channel ping. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A message's top-level `text` (the notification and fallback) from plain words: escaped like the
 * blocks, because Slack parses it as mrkdwn too (`<!channel>` in it pings the channel), and clipped.
 */
export function fallbackText(text: string): string {
  return clip(esc(text), LIMITS.fallbackText);
}

/** A mrkdwn section, clipped to Slack's 3000 characters. */
export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } };
}

/** A plain-text header, clipped to 150 characters. */
export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, LIMITS.headerText), emoji: true } };
}

/** A context block of mrkdwn lines (at most 10 elements). */
export function context(lines: string[]): KnownBlock {
  return {
    type: 'context',
    elements: lines.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn' as const, text: clip(t, LIMITS.contextText) })),
  };
}

/** An actions block with one button. */
export function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): KnownBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: actionId,
        text: { type: 'plain_text', text: clip(text, LIMITS.buttonText), emoji: true },
        value: clip(value, LIMITS.buttonValue),
        ...(style ? { style } : {}),
      },
    ],
  };
}

/** Keeps at most 50 blocks; when cutting, the last kept block says how many were left out. */
export function capBlocks(blocks: KnownBlock[], keepTail: KnownBlock[] = []): KnownBlock[] {
  const room = LIMITS.blocks - keepTail.length;
  if (blocks.length <= room) return [...blocks, ...keepTail];
  const kept = blocks.slice(0, room - 1);
  return [...kept, context([`_${blocks.length - kept.length} more items not shown_`]), ...keepTail];
}

/** `42s`, `3m 05s`. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** `1.2k`. */
export function kilo(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}
