// Block Kit helpers shared by every view, each enforcing Slack's limits where a block is built
// (https://docs.slack.dev/reference/block-kit/blocks), the one escape for untrusted text, and the one
// step that fits a whole message (text and blocks) within Slack's limits before the poster sends it.
import type { KnownBlock } from '@slack/types';

/** Slack's limits: blocks per message, characters per text object, elements per context, button sizes, top-level text. */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  sectionField: 2000,
  contextElements: 10,
  contextText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  fallbackText: 40000,
} as const;

/**
 * Slack refuses a message whose blocks hold more text in all than about this many characters
 * (`msg_blocks_too_long`; undocumented, measured on real workspaces). The fake enforces it.
 */
export const SLACK_BLOCK_TEXT_MAX = 13_200;
/** What one message of ours may carry: below Slack's figure, since its exact measure is not published. */
export const BLOCK_TEXT_BUDGET = 12_000;

const FENCE = '```';

/**
 * Cuts text to at most `max` characters on a character boundary, marking the cut with an ellipsis:
 * never inside a surrogate pair or an `&amp;`/`&lt;`/`&gt;` entity, and an open code fence is closed.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = (room: number): string => {
    let kept = text.slice(0, Math.max(0, room));
    const last = kept.charCodeAt(kept.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) kept = kept.slice(0, -1);
    const entity = /&(?:a(?:m(?:p)?)?|l(?:t)?|g(?:t)?)?$/.exec(kept);
    return entity ? kept.slice(0, entity.index) : kept;
  };
  const kept = cut(max - 1);
  if (countFences(kept) % 2 === 0) return `${kept}…`;
  return `${cut(max - 1 - FENCE.length - 1)}…\n${FENCE}`;
}

function countFences(s: string): number {
  return s.split(FENCE).length - 1;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters: untrusted text must not become a mention, link or channel ping. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes, then clips: the limit counts what Slack receives (`<` is four characters once escaped). */
export function escClip(text: string, max: number): string {
  return clip(esc(text), max);
}

/**
 * A message's top-level `text` (the notification and fallback) from plain words: escaped like the
 * blocks, because Slack parses it as mrkdwn too (`<!channel>` in it pings the channel), and clipped.
 */
export function fallbackText(text: string): string {
  return escClip(text, LIMITS.fallbackText);
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
    elements: lines
      .slice(0, LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn' as const, text: clip(t, LIMITS.contextText) })),
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

// ---- the whole message ----

export interface OutgoingMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** Characters of text a message's blocks hold: every `text` string in them (text objects, markdown blocks). */
export function blockTextLength(blocks: readonly unknown[]): number {
  let n = 0;
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (key === 'text') n += v.length;
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, key);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  walk(blocks, '');
  return n;
}

/**
 * Splits mrkdwn into chunks of at most `max` characters, at line breaks where it can: a code fence open
 * at a cut is closed at the end of one chunk and opened again at the start of the next.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  let reopen = false;
  while (rest.length > 0) {
    const prefix: string = reopen ? `${FENCE}\n` : '';
    const room = max - prefix.length - FENCE.length - 1;
    if (prefix.length + rest.length <= max) {
      out.push(prefix + rest);
      break;
    }
    let at = rest.lastIndexOf('\n', room);
    if (at < room / 2) at = room;
    const last = rest.charCodeAt(at - 1);
    if (last >= 0xd800 && last <= 0xdbff) at -= 1;
    const entity = /&(?:a(?:m(?:p)?)?|l(?:t)?|g(?:t)?)?$/.exec(rest.slice(0, at));
    if (entity && entity[0].length > 0) at = entity.index;
    const chunk: string = prefix + rest.slice(0, at);
    reopen = countFences(chunk) % 2 === 1;
    out.push(reopen ? `${chunk}\n${FENCE}` : chunk);
    rest = rest.slice(rest[at] === '\n' ? at + 1 : at);
  }
  return out;
}

/** One block made to fit: long sections become several, other text objects are clipped to their limit. */
function fitBlock(b: KnownBlock): KnownBlock[] {
  if (b.type === 'section' && b.text && b.text.text.length > LIMITS.sectionText && !b.fields && !b.accessory) {
    const { text } = b.text;
    const parts = b.text.type === 'mrkdwn' ? splitMrkdwn(text, LIMITS.sectionText) : [clip(text, LIMITS.sectionText)];
    const { block_id: id, ...rest } = b;
    // block_id must be unique in a message: only the first part keeps it.
    return parts.map(
      (p, i) =>
        ({
          ...rest,
          ...(i === 0 && id !== undefined ? { block_id: id } : {}),
          text: { ...b.text, text: p },
        }) as KnownBlock,
    );
  }
  if (b.type === 'section') {
    return [
      {
        ...b,
        ...(b.text ? { text: { ...b.text, text: clip(b.text.text, LIMITS.sectionText) } } : {}),
        ...(b.fields
          ? { fields: b.fields.slice(0, 10).map((f) => ({ ...f, text: clip(f.text, LIMITS.sectionField) })) }
          : {}),
      },
    ];
  }
  if (b.type === 'header') return [{ ...b, text: { ...b.text, text: clip(b.text.text, LIMITS.headerText) } }];
  if (b.type === 'context') {
    return [
      {
        ...b,
        elements: b.elements
          .slice(0, LIMITS.contextElements)
          .map((e) =>
            'text' in e && typeof e.text === 'string' ? { ...e, text: clip(e.text, LIMITS.contextText) } : e,
          ),
      },
    ];
  }
  return [b];
}

const POINTER_TOP = ':thread: _Continued in the thread._';
const POINTER_REPLY = ':arrow_down: _Continued in the next message._';

export interface FitOptions {
  /** Whether overflow may go into further messages (posts); when not (updates, ephemerals) it is trimmed. */
  split: boolean;
  /** Whether the message is itself a thread reply (its continuation follows in the same thread). */
  inThread: boolean;
  /** Characters of block text per message (default BLOCK_TEXT_BUDGET). */
  budget?: number;
}

/**
 * Measures a whole message against Slack's limits and returns the messages to send: the first as asked
 * (with its action buttons and a "continued in the thread" pointer when it was split), then the
 * continuations in order. Without `split`, what does not fit is left out and a context line says so.
 */
export function fitMessage(msg: OutgoingMessage, opts: FitOptions): OutgoingMessage[] {
  const text = clip(msg.text, LIMITS.fallbackText);
  if (!msg.blocks) return [{ text }];
  const budget = opts.budget ?? BLOCK_TEXT_BUDGET;
  const blocks = msg.blocks.flatMap(fitBlock);
  if (blocks.length <= LIMITS.blocks && blockTextLength(blocks) <= budget) return [{ text, blocks }];

  // Buttons stay on the first message: that is where people act and where the app looks for them.
  const actions = blocks.filter((b) => b.type === 'actions');
  const body = blocks.filter((b) => b.type !== 'actions');
  const pointer = context([
    opts.split ? (opts.inThread ? POINTER_REPLY : POINTER_TOP) : '_Trimmed to fit Slack’s message limits._',
  ]);
  const messages: KnownBlock[][] = [];
  let cur: KnownBlock[] = [];
  let used = 0;
  const reserveFirst = blockTextLength([...actions, pointer]);
  for (const b of body) {
    const size = blockTextLength([b]);
    const first = messages.length === 0;
    const maxBlocks = LIMITS.blocks - 1 - (first ? actions.length : 0);
    const maxText = budget - blockTextLength([pointer]) - (first ? reserveFirst : 0);
    if (cur.length > 0 && (cur.length + 1 > maxBlocks || used + size > maxText)) {
      messages.push(cur);
      cur = [];
      used = 0;
      if (!opts.split) break;
    }
    cur.push(b);
    used += size;
  }
  if (cur.length > 0 && (opts.split || messages.length === 0)) messages.push(cur);
  const [head = [], ...tail] = messages;
  const cutShort = !opts.split && head.length < body.length;
  const firstBlocks = [...head, ...(tail.length > 0 || cutShort ? [pointer] : []), ...actions];
  const out: OutgoingMessage[] = [{ text, blocks: firstBlocks }];
  tail.forEach((bs, i) => {
    const more = i < tail.length - 1 ? [context([POINTER_REPLY])] : [];
    out.push({ text: clip(`(continued ${i + 2}/${tail.length + 1}) ${text}`, 300), blocks: [...bs, ...more] });
  });
  return out;
}
