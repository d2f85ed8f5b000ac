// Block helpers for the investigation views, each enforcing Slack's limits at the point of construction.
import type { KnownBlock } from '@slack/types';

export const LIMITS = { blocks: 50, section: 3000, context: 2000, header: 150, button: 75, value: 2000, fallbackText: 3000 } as const;

/** Escapes text for mrkdwn: untrusted text must not become a mention, link or channel ping. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.section) } };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, LIMITS.header), emoji: true } };
}

export function context(...texts: string[]): KnownBlock {
  return { type: 'context', elements: texts.slice(0, 10).map((t) => ({ type: 'mrkdwn' as const, text: clip(t, LIMITS.context) })) };
}

export function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): KnownBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: actionId,
        text: { type: 'plain_text', text: clip(text, LIMITS.button), emoji: true },
        value: clip(value, LIMITS.value),
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
  return [...kept, context(`_${blocks.length - kept.length} more items not shown_`), ...keepTail];
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
