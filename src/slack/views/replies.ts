// Short ephemeral replies to `/triage` subcommands (status, actions, confirmations).
import type { Investigation } from '../../domain/types';
import { clip, esc, LIMITS, section } from './limits';
import type { Reply } from './help';
import { formatClock } from '../../evidence/analyzers/format';
import { INV_STATE, startedBy } from './investigation';

const clock = (iso: string): string => formatClock(Date.parse(iso));

/** Plain reply: one section, text and fallback the same. */
export function plain(text: string): Reply {
  return { text: clip(text, LIMITS.fallbackText), blocks: [section(text)] };
}

/** `/triage status`: the latest investigation's state, its scouts, and the numbers behind the words. */
export function renderStatusReply(inv: Investigation | null, channelName: string): Reply {
  if (!inv) return plain(`No investigation has run in #${esc(channelName)} yet. Start one with \`/triage start\`.`);
  const head =
    `*Investigation round ${inv.round}* in #${esc(channelName)}: *${INV_STATE[inv.state]}*` +
    ` (started by ${startedBy(inv.trigger)}, ${inv.brain === 'claude' ? 'Claude' : 'deterministic analyzers'}${inv.focus ? `, focus "${esc(inv.focus)}"` : ''}).\n` +
    // Asked for, so to the second (the status card rounds to the minute).
    `Incident clock: baseline from ${clock(inv.window.from)}, onset ${clock(inv.window.onset)}, data up to ${clock(inv.window.to)}.`;
  // Token budgets mean something only when a model spends them.
  const scouts = inv.scouts.map(
    (s) =>
      `• *${esc(s.name)}*: ${s.state} — ${s.toolCalls}/${s.maxToolCalls} tool calls` +
      (inv.brain === 'claude' ? `, ${s.outputTokens}/${s.maxOutputTokens} output tokens` : '') +
      (s.note ? ` (${esc(s.note)})` : ''),
  );
  const text = [head, ...scouts].join('\n');
  return {
    text: clip(text, LIMITS.fallbackText),
    blocks: [section(head), ...(scouts.length ? [section(scouts.join('\n'))] : [])],
  };
}

/** `/triage actions`: the remediation catalog. */
export function renderCatalog(actions: Array<{ id: string; title: string; risk: string; params: string[] }>): Reply {
  if (actions.length === 0) return plain('The remediation catalog is empty: nothing can be proposed.');
  const lines = actions.map(
    (a) =>
      `• \`${esc(a.id)}\` — ${esc(a.title)} (risk: ${a.risk}; params: ${a.params.length ? a.params.map(esc).join(', ') : 'none'})`,
  );
  return plain(
    `*Remediation catalog* — propose with \`/triage propose <action-id> key=value ...\`:\n${lines.join('\n')}`,
  );
}
