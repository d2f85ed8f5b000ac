// Pure views of an investigation thread: the status card (parent), a finding reply, the synthesis reply.
import type { KnownBlock } from '@slack/types';
import type { Claim, Finding, Investigation, ScoutStatus, Synthesis } from '../../domain/types';
import { button, capBlocks, clip, context, elapsed, esc, fallbackText, header, kilo, LIMITS, section } from './limits';

export const DIG_DEEPER_ACTION = 'dig_deeper';
export const HYPOTHESES_EVENT = 'incident_scout_hypotheses';

export interface View {
  text: string;
  blocks: KnownBlock[];
}

const STATE_ICON: Record<ScoutStatus['state'], string> = {
  queued: ':hourglass:', running: ':mag:', done: ':white_check_mark:', failed: ':x:', stopped: ':octagonal_sign:', budget_spent: ':money_with_wings:', fallback: ':warning:',
};

const INV_STATE: Record<Investigation['state'], string> = {
  queued: 'queued', running: 'running', synthesized: 'done', stopped: 'stopped', failed: 'failed', timed_out: 'time budget spent',
};

const hhmm = (iso: string): string => `${iso.slice(11, 16)}Z`;

/** The parent status card: each scout's state, elapsed time, tool calls and tokens against budget. */
export function renderStatusCard(inv: Investigation, nowMs: number): View {
  const title = `Investigation · round ${inv.round} · ${INV_STATE[inv.state]}`;
  const lines = inv.scouts.map((s) => {
    const start = s.startedAt ? Date.parse(s.startedAt) : undefined;
    const end = s.finishedAt ? Date.parse(s.finishedAt) : nowMs;
    const time = start !== undefined ? elapsed(end - start) : '–';
    const tokens = inv.brain === 'claude' ? ` · tokens ${kilo(s.inputTokens)} in / ${kilo(s.outputTokens)} of ${kilo(s.maxOutputTokens)} out` : '';
    const tools = s.maxToolCalls ? ` · tools ${s.toolCalls}/${s.maxToolCalls}` : '';
    return `${STATE_ICON[s.state]} *${esc(s.name)}* ${s.state.replace('_', ' ')} · ${time}${tools}${tokens}${s.note ? ` · _${esc(clip(s.note, 120))}_` : ''}`;
  });
  const end = inv.finishedAt ? Date.parse(inv.finishedAt) : nowMs;
  const blocks: KnownBlock[] = [
    header(`🔎 ${title}`),
    section(
      `Window: baseline from ${hhmm(inv.window.from)}, onset *${hhmm(inv.window.onset)}*, now ${hhmm(inv.window.to)} · brain: ${inv.brain}` +
        (inv.focus ? `\nFocus: _${esc(clip(inv.focus, 300))}_` : ''),
    ),
    section(lines.join('\n') || '_no scouts configured_'),
    context([
      `${elapsed(end - Date.parse(inv.createdAt))} elapsed · started by ${esc(inv.trigger)}` +
        (inv.state === 'running' || inv.state === 'queued' ? ' · `/triage stop` to stop' : '') +
        (inv.stopRequested && (inv.state === 'running' || inv.state === 'queued') ? ' · stopping…' : ''),
    ]),
  ];
  return { text: fallbackText(`${title}: ${inv.scouts.map((s) => `${s.name} ${s.state}`).join(', ')}`), blocks: capBlocks(blocks) };
}

const CLAIM_MARK: Record<Claim['status'], string> = { verified: ':white_check_mark: verified', unverified: ':grey_question: unverified', contradicted: ':no_entry: contradicted' };

function claimLine(c: Claim): string {
  const ids = c.evidence.length ? ` \`${c.evidence.join(' ')}\`` : '';
  const note = c.note ? `\n     _${esc(clip(c.note, 400))}_` : '';
  return `${CLAIM_MARK[c.status]} · ${esc(clip(c.text, 900))}${ids}${note}`;
}

/**
 * A link a person can follow: a URL as a Slack link (its `|`, `<`, `>` escaped so the markup holds),
 * a command (kubectl, logcli) as inline code to copy.
 */
export function linkText(link: string): string {
  if (/^https?:\/\//.test(link)) return `<${link.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E')}|open>`;
  return `\`${esc(clip(link.replace(/`/g, "'"), 400))}\``;
}

/** Evidence ids, each followed by its link while they fit a section beside the cause (Slack: 3000 chars). */
function citedWithLinks(ids: string[], links: Record<string, string> | undefined): string {
  let budget = 1500;
  return ids
    .map((id) => {
      const link = links?.[id] ? ` ${linkText(links[id])}` : '';
      const withLink = link.length <= budget ? link : '';
      budget -= withLink.length;
      return `\`${id}\`${withLink}`;
    })
    .join(' ');
}

/** One finding reply: the scout's claims with their status, and the evidence excerpts behind them. */
export function renderFinding(finding: Finding): View {
  const title = `*Scout ${esc(finding.scout)}* · ${finding.brain} · confidence ${Math.round(finding.confidence * 100)}%`;
  const blocks: KnownBlock[] = [section(`${title}\n${esc(clip(finding.summary, 1500))}`)];
  if (finding.fallbackReason) {
    blocks.push(context([`:warning: Fell back to the deterministic plan: ${esc(finding.fallbackReason)}.`]));
  }
  for (const c of finding.claims.slice(0, 20)) blocks.push(section(claimLine(c)));
  if (!finding.claims.length) blocks.push(context(['_No claims._']));
  const cited = new Set(finding.claims.flatMap((c) => c.evidence));
  const shown = finding.evidence.filter((e) => cited.has(e.id)).concat(finding.evidence.filter((e) => !cited.has(e.id))).slice(0, 12);
  if (shown.length) {
    const lines: string[] = [];
    let used = 0;
    for (const e of shown) {
      const excerpt = e.link ? e.excerpt.replace(`; see ${e.link}`, '') : e.excerpt;
      const line = `\`${e.id}\` ${e.sparkline ? `${e.sparkline} ` : ''}${esc(clip(excerpt, 280))}${e.link ? ` ${linkText(e.link)}` : ''}`;
      if (used + line.length + 1 > LIMITS.sectionText - 40) break;
      lines.push(line);
      used += line.length + 1;
    }
    blocks.push(section(`*Evidence*\n${lines.join('\n')}`));
  }
  const counts = (['verified', 'unverified', 'contradicted'] as const).map((s) => `${finding.claims.filter((c) => c.status === s).length} ${s}`).join(', ');
  return { text: fallbackText(`Scout ${finding.scout}: ${finding.summary} (${counts})`), blocks: capBlocks(blocks) };
}

/** The synthesis reply: ranked hypotheses, evidence for and against, red herrings, Dig deeper. */
export function renderSynthesis(inv: Investigation, s: Synthesis): View {
  const blocks: KnownBlock[] = [header(s.partial ? 'Hypotheses (partial result)' : 'Hypotheses'), section(esc(clip(s.summary, 1500)))];
  for (const h of s.hypotheses) {
    const against = h.against.map((a) => (a.startsWith('!') ? esc(a.slice(1)) : `\`${a}\``));
    blocks.push(
      section(
        `*${h.rank}. ${esc(h.service)}* · ${Math.round(h.confidence * 100)}%${h.change ? ` · change \`${esc(h.change)}\`` : ''}\n${esc(clip(h.cause, 900))}` +
          `\nFor: ${h.evidence.length ? citedWithLinks(h.evidence, s.links) : '_none cited_'}` +
          (against.length ? `\nAgainst: ${clip(against.join('; '), 900)}` : ''),
      ),
    );
  }
  if (!s.hypotheses.length) blocks.push(section('_No hypothesis: nothing stood out in the window._'));
  if (s.redHerrings.length) {
    const lines = s.redHerrings.map((r) => `• ${esc(clip(r.what, 200))}: ${esc(clip(r.why, 300))}${r.evidence.length ? ` ${r.evidence.map((e) => `\`${e}\``).join(' ')}` : ''}`);
    blocks.push(section(`*Red herrings*\n${lines.join('\n')}`));
  }
  const tail = [
    context(['One round, then it stops. A person decides whether to go deeper (`/triage deeper [focus]`).']),
    button(DIG_DEEPER_ACTION, 'Dig deeper', inv.id, 'primary'),
  ];
  const top = s.hypotheses[0];
  const text = top ? `Hypotheses: 1. ${top.service} (${Math.round(top.confidence * 100)}%) ${top.cause}` : 'Hypotheses: none stood out';
  return { text: fallbackText(s.partial ? `Partial result. ${text}` : text), blocks: capBlocks(blocks, tail) };
}

/** Slack message metadata of the synthesis (machine-readable hypotheses). */
export function hypothesesMetadata(inv: Investigation, s: Synthesis): { event_type: string; event_payload: Record<string, unknown> } {
  return {
    event_type: HYPOTHESES_EVENT,
    event_payload: {
      investigation_id: inv.id,
      hypotheses: s.hypotheses.map((h) => ({ rank: h.rank, service: h.service, cause: clip(h.cause, 300), confidence: h.confidence, evidence: h.evidence })),
    },
  };
}

/** A plain note in the thread. */
export function renderNote(text: string): View {
  return { text: fallbackText(text), blocks: [section(esc(text))] };
}
