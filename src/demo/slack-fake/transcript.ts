// Renders a channel of the Slack fake as plain text, roughly as a person would see it in Slack.
import { isRecord } from '../fake-http';
import { cmpTs } from './fake';
import type { ChannelSnapshot, FakeEphemeral, FakeMessage } from './types';

export interface TranscriptOptions {
  /** Render times in this IANA zone; default UTC. */
  timeZone?: string;
  /** Include ephemerals (default true). */
  ephemerals?: boolean;
  /** Where uploaded files were saved (file id -> name), to name them beside each file line. */
  savedAs?: ReadonlyMap<string, string>;
}

const REPLY_INDENT = '    │ ';

/** Formats a Slack ts as HH:MM:SS. */
function clock(ts: string, timeZone: string): string {
  const d = new Date(Number(ts.split('.')[0]) * 1000);
  return d.toLocaleTimeString('en-GB', { timeZone, hour12: false });
}

/** Slack escapes &, < and > in message text; its clients show them unescaped, and so do we. */
function unescapeSlack(s: string): string {
  // A `<!date^…|fallback>` token reads as its fallback (a client shows it in the reader's time zone).
  return s
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function text(t: unknown): string {
  return isRecord(t) && typeof t.text === 'string' ? unescapeSlack(t.text) : '';
}

function elementText(e: unknown): string {
  if (!isRecord(e)) return '';
  if (e.type === 'button') return `[ ${text(e.text)} ]`;
  if (e.type === 'image') return `[image: ${typeof e.alt_text === 'string' ? e.alt_text : ''}]`;
  if (e.type === 'plain_text' || e.type === 'mrkdwn') return text(e);
  return `[${String(e.type)}]`;
}

/** Block Kit to lines of text: headers uppercased and underlined, buttons as `[ Label ]`. */
export function renderBlocks(blocks: unknown[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (!isRecord(b)) continue;
    switch (b.type) {
      case 'header': {
        const h = text(b.text);
        out.push(h, '='.repeat(Math.min(h.length, 60)));
        break;
      }
      case 'section':
        if (b.text !== undefined) out.push(...text(b.text).split('\n'));
        if (Array.isArray(b.fields)) out.push(...b.fields.map((f) => `  • ${text(f).replace(/\n/g, ' ')}`));
        if (b.accessory !== undefined) out.push(`  ${elementText(b.accessory)}`);
        break;
      case 'context':
        if (Array.isArray(b.elements)) out.push(`  ${b.elements.map(elementText).join(' | ')}`);
        break;
      case 'divider':
        out.push('-'.repeat(40));
        break;
      case 'actions':
        if (Array.isArray(b.elements)) out.push(b.elements.map(elementText).join('  '));
        break;
      case 'markdown':
        if (typeof b.text === 'string') out.push(...b.text.split('\n'));
        break;
      case 'image':
        out.push(`[image: ${typeof b.alt_text === 'string' ? b.alt_text : ''}]`);
        break;
      default:
        out.push(`[${String(b.type)} block]`);
    }
  }
  return out;
}

function author(snapshot: ChannelSnapshot, userId: string): string {
  return `@${snapshot.users.find((u) => u.id === userId)?.name ?? userId}`;
}

function body(m: { text: string; blocks?: unknown[] | undefined }): string[] {
  // Slack shows blocks when present; text is only the notification fallback then.
  if (m.blocks && m.blocks.length > 0) return renderBlocks(m.blocks);
  return m.text === '' ? [] : unescapeSlack(m.text).split('\n');
}

function renderMessage(
  snapshot: ChannelSnapshot,
  m: FakeMessage,
  tz: string,
  indent: string,
  savedAs?: ReadonlyMap<string, string>,
): string[] {
  const head = `${indent}[${clock(m.ts, tz)}] ${author(snapshot, m.user)}${m.edited ? ' (edited)' : ''}`;
  const lines = body(m).map((l) => `${indent}  ${l}`);
  for (const id of m.files) {
    const f = snapshot.files.find((x) => x.id === id);
    const saved = savedAs?.get(id);
    lines.push(
      `${indent}  [file: ${f?.title ?? f?.filename ?? id}${f ? `, ${f.length} bytes` : ''}${saved ? `, saved as ${saved}` : ''}]`,
    );
    if (f?.altText) lines.push(`${indent}  [image: ${f.altText}]`);
  }
  if (m.reactions.length > 0)
    lines.push(`${indent}  ${m.reactions.map((r) => `:${r.name}: ${r.users.length}`).join('  ')}`);
  // incident_scout_post only carries a post's idempotency key: plumbing, not worth a line.
  if (m.metadata && m.metadata.event_type !== 'incident_scout_post')
    lines.push(`${indent}  · metadata: ${m.metadata.event_type}`);
  return [head, ...lines];
}

function renderEphemeral(snapshot: ChannelSnapshot, e: FakeEphemeral, tz: string, indent: string): string[] {
  const head = `${indent}[${clock(e.ts, tz)}] (only visible to ${author(snapshot, e.user)})`;
  return [head, ...body(e).map((l) => `${indent}  ${l}`)];
}

type Item = { ts: string; lines: string[] };

/** The whole channel as text: messages in order, replies indented under their parent, ephemerals marked. */
export function renderTranscript(snapshot: ChannelSnapshot, opts: TranscriptOptions = {}): string {
  const tz = opts.timeZone ?? 'UTC';
  const showEphemerals = opts.ephemerals ?? true;
  const eph = showEphemerals ? snapshot.ephemerals : [];
  const top: Item[] = [];
  for (const t of snapshot.threads) {
    const replies: Item[] = t.replies.map((r) => ({
      ts: r.ts,
      lines: renderMessage(snapshot, r, tz, REPLY_INDENT, opts.savedAs),
    }));
    replies.push(
      ...eph
        .filter((e) => e.threadTs === t.ts)
        .map((e) => ({ ts: e.ts, lines: renderEphemeral(snapshot, e, tz, REPLY_INDENT) })),
    );
    replies.sort((a, b) => cmpTs(a.ts, b.ts));
    top.push({
      ts: t.ts,
      lines: [...renderMessage(snapshot, t, tz, '', opts.savedAs), ...replies.flatMap((r) => r.lines)],
    });
  }
  const roots = new Set(snapshot.threads.map((t) => t.ts));
  top.push(
    ...eph
      .filter((e) => !e.threadTs || !roots.has(e.threadTs))
      .map((e) => ({ ts: e.ts, lines: renderEphemeral(snapshot, e, tz, '') })),
  );
  top.sort((a, b) => cmpTs(a.ts, b.ts));
  const title = `#${snapshot.channel.name}${snapshot.channel.isPrivate ? ' (private)' : ''}`;
  const header = `${title}\n${'═'.repeat(Math.max(title.length, 20))}`;
  return [header, ...top.map((i) => i.lines.join('\n'))].join('\n\n') + '\n';
}
