// Pure views of an investigation thread: the status card (parent), a finding reply, the synthesis reply.
import type { KnownBlock } from '@slack/types';
import type { Claim, Finding, Investigation, ScoutStatus, Synthesis } from '../../domain/types';
import { triggerWords } from '../../incidents/timeline';
import { renderSeenBefore } from './postmortem';
import { idsIn, relabel, sameLabel, type EvidenceLabel } from '../evidence-labels';
import { button, capBlocks, clip, context, elapsed, esc, fallbackText, header, kilo, LIMITS, section } from './limits';
import { confidenceNumber, confidenceWord, incidentTime } from './words';

export const DIG_DEEPER_ACTION = 'dig_deeper';
export const HYPOTHESES_EVENT = 'incident_scout_hypotheses';

export interface View {
  text: string;
  blocks: KnownBlock[];
}

const STATE_ICON: Record<ScoutStatus['state'], string> = {
  queued: ':hourglass:',
  running: ':mag:',
  done: ':white_check_mark:',
  failed: ':x:',
  stopped: ':octagonal_sign:',
  budget_spent: ':money_with_wings:',
  fallback: ':warning:',
};

/** A round's state in the words the card and `/triage status` use. */
export const INV_STATE: Record<Investigation['state'], string> = {
  queued: 'queued',
  running: 'running',
  synthesized: 'done',
  stopped: 'stopped',
  failed: 'failed',
  timed_out: 'time budget spent',
};

/** Who or what started a round, in words, mentioning the person: `slash:U1` -> `/triage start (<@U1>)`. */
export function startedBy(trigger: string): string {
  return triggerWords(esc(trigger), (id) => `<@${id}>`) ?? 'unknown';
}

/** The parent status card: each scout's state, elapsed time, tool calls and tokens against budget. */
export function renderStatusCard(inv: Investigation, nowMs: number): View {
  const title = `Investigation · round ${inv.round} · ${INV_STATE[inv.state]}`;
  // A scout still queued when its round ended never ran: 'queued' under a stopped round reads as 'still coming'.
  const over = inv.state !== 'running' && inv.state !== 'queued';
  const word = (s: ScoutStatus): string => (over && s.state === 'queued' ? 'not run' : s.state.replace('_', ' '));
  const lines = inv.scouts.map((s) => {
    const start = s.startedAt ? Date.parse(s.startedAt) : undefined;
    const end = s.finishedAt ? Date.parse(s.finishedAt) : nowMs;
    const time = start !== undefined ? elapsed(end - start) : '–';
    const tokens =
      inv.brain === 'claude'
        ? ` · tokens ${kilo(s.inputTokens)} in / ${kilo(s.outputTokens)} of ${kilo(s.maxOutputTokens)} out`
        : '';
    const tools = s.maxToolCalls ? ` · tools ${s.toolCalls}/${s.maxToolCalls}` : '';
    const icon = over && s.state === 'queued' ? ':heavy_minus_sign:' : STATE_ICON[s.state];
    return `${icon} *${esc(s.name)}* ${word(s)} · ${time}${tools}${tokens}${s.note ? ` · _${esc(clip(s.note, 120))}_` : ''}`;
  });
  const end = inv.finishedAt ? Date.parse(inv.finishedAt) : nowMs;
  const blocks: KnownBlock[] = [
    header(`🔎 ${title}`),
    section(
      // The window is on the incident's clock (a replayed recording keeps its own), so it is labelled as such.
      `Incident clock: baseline from ${incidentTime(inv.window.from)}, onset *${incidentTime(inv.window.onset)}*, data up to ${incidentTime(inv.window.to)}` +
        (inv.focus ? `\nFocus: _${esc(clip(inv.focus, 300))}_` : ''),
    ),
    section(lines.join('\n') || '_no scouts configured_'),
    context([
      `${elapsed(end - Date.parse(inv.createdAt))} elapsed · started by ${startedBy(inv.trigger)} · ${inv.brain === 'claude' ? 'Claude' : 'deterministic analyzers'}` +
        (inv.state === 'running' || inv.state === 'queued' ? ' · `/triage stop` to stop' : '') +
        (inv.stopRequested && (inv.state === 'running' || inv.state === 'queued') ? ' · stopping…' : ''),
    ]),
  ];
  return {
    text: fallbackText(`${title}: ${inv.scouts.map((s) => `${s.name} ${word(s)}`).join(', ')}`),
    blocks: capBlocks(blocks),
  };
}

const CLAIM_MARK: Record<Claim['status'], string> = {
  verified: ':white_check_mark: verified',
  unverified: ':grey_question: unverified',
  contradicted: ':no_entry: contradicted',
};

function claimLine(c: Claim, label: EvidenceLabel): string {
  const ids = c.evidence.length ? ` \`${c.evidence.map(label).join(' ')}\`` : '';
  const note = c.note ? `\n     _${esc(clip(relabel(c.note, label), 400))}_` : '';
  return `${CLAIM_MARK[c.status]} · ${esc(clip(relabel(c.text, label), 900))}${ids}${note}`;
}

/**
 * A link a person can follow: a URL as a Slack link (its `|`, `<`, `>` escaped so the markup holds),
 * a command (kubectl, logcli) as inline code to copy.
 */
export function linkText(link: string): string {
  if (/^https?:\/\//.test(link))
    return `<${link.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E')}|open>`;
  return `\`${esc(clip(link.replace(/`/g, "'"), 400))}\``;
}

/** Evidence ids, each followed by its link while they fit a section beside the cause (Slack: 3000 chars). */
function citedWithLinks(ids: string[], links: Record<string, string> | undefined, label: EvidenceLabel): string {
  let budget = 1500;
  return ids
    .map((id) => {
      const link = links?.[id] ? ` ${linkText(links[id])}` : '';
      const withLink = link.length <= budget ? link : '';
      budget -= withLink.length;
      return `\`${label(id)}\`${withLink}`;
    })
    .join(' ');
}

/** The evidence ids a finding shows (cited, or named in its text), in the order they appear. */
export function citedEvidence(finding: Finding): string[] {
  return [
    ...new Set([
      ...idsIn(finding.summary),
      ...finding.claims.slice(0, 20).flatMap((c) => [...idsIn(c.text), ...c.evidence, ...idsIn(c.note ?? '')]),
    ]),
  ];
}

/**
 * One finding reply: the scout's claims with their status, and the evidence excerpts behind them.
 * Only cited evidence is shown, numbered by `label` in the order it appears (all of it stays in the audit).
 */
export function renderFinding(finding: Finding, label: EvidenceLabel = sameLabel): View {
  const word = confidenceWord(finding.confidence);
  const title = `*Scout ${esc(finding.scout)}* · ${word}`;
  const blocks: KnownBlock[] = [section(`${title}\n${esc(clip(relabel(finding.summary, label), 1500))}`)];
  if (finding.fallbackReason) {
    blocks.push(context([`:warning: Fell back to the deterministic plan: ${esc(finding.fallbackReason)}.`]));
  }
  for (const c of finding.claims.slice(0, 20)) blocks.push(section(claimLine(c, label)));
  if (!finding.claims.length) blocks.push(context(['_No claims._']));
  const byId = new Map(finding.evidence.map((e) => [e.id, e]));
  const cited = new Set(finding.claims.flatMap((c) => c.evidence));
  const shown = citedEvidence(finding)
    .filter((id) => cited.has(id))
    .map((id) => byId.get(id))
    .filter((e): e is NonNullable<typeof e> => e !== undefined)
    .slice(0, 12);
  if (shown.length) {
    const lines: string[] = [];
    let used = 0;
    for (const e of shown) {
      const excerpt = e.link ? e.excerpt.replace(`; see ${e.link}`, '') : e.excerpt;
      const line = `\`${label(e.id)}\` ${e.sparkline ? `${e.sparkline} ` : ''}${esc(clip(excerpt, 280))}${e.link ? ` ${linkText(e.link)}` : ''}`;
      if (used + line.length + 1 > LIMITS.sectionText - 40) break;
      lines.push(line);
      used += line.length + 1;
    }
    blocks.push(section(`*Evidence*\n${lines.join('\n')}`));
  }
  const left = finding.evidence.length - shown.length;
  blocks.push(
    context([
      `Confidence ${word} (${confidenceNumber(finding.confidence)}) · ${finding.brain === 'claude' ? 'Claude' : 'deterministic analyzers'}` +
        (left > 0
          ? ` · ${left} uncited evidence item${left === 1 ? '' : 's'} kept in the audit trail (\`/triage audit\`)`
          : ''),
    ]),
  );
  const counts = (['verified', 'unverified', 'contradicted'] as const)
    .map((s) => `${finding.claims.filter((c) => c.status === s).length} ${s}`)
    .join(', ');
  return {
    text: fallbackText(`Scout ${finding.scout}: ${relabel(finding.summary, label)} (${counts})`),
    blocks: capBlocks(blocks),
  };
}

/** The evidence a synthesis shows, in the order it shows it. */
export function synthesisEvidence(s: Synthesis): string[] {
  return [
    ...new Set([
      ...idsIn(s.summary),
      ...s.hypotheses.flatMap((h) => [
        ...idsIn(h.cause),
        ...h.evidence,
        ...h.against.flatMap((a) => (a.startsWith('!') ? idsIn(a) : [a])),
      ]),
      ...s.redHerrings.flatMap((r) => [...idsIn(`${r.what} ${r.why}`), ...r.evidence]),
    ]),
  ];
}

/** The synthesis reply: ranked hypotheses, evidence for and against, red herrings, Dig deeper. */
export function renderSynthesis(inv: Investigation, s: Synthesis, label: EvidenceLabel = sameLabel): View {
  const blocks: KnownBlock[] = [
    header(s.partial ? 'Hypotheses (partial result)' : 'Hypotheses'),
    section(esc(clip(relabel(s.summary, label), 1500))),
    ...renderSeenBefore(s.seenBefore),
  ];
  for (const h of s.hypotheses) {
    const against = h.against.map((a) => (a.startsWith('!') ? esc(relabel(a.slice(1), label)) : `\`${label(a)}\``));
    blocks.push(
      section(
        `*${h.rank}. ${esc(h.service)}* · ${confidenceWord(h.confidence)}${h.change ? ` · change \`${esc(h.change)}\`` : ''}\n${esc(clip(relabel(h.cause, label), 900))}` +
          `\nFor: ${h.evidence.length ? citedWithLinks(h.evidence, s.links, label) : '_none cited_'}` +
          (against.length ? `\nAgainst: ${clip(against.join('; '), 900)}` : ''),
      ),
    );
  }
  if (!s.hypotheses.length) blocks.push(section('_No hypothesis: nothing stood out in the window._'));
  if (s.redHerrings.length) {
    const lines = s.redHerrings.map(
      (r) =>
        `• ${esc(clip(relabel(r.what, label), 200))}: ${esc(clip(relabel(r.why, label), 300))}${r.evidence.length ? ` ${r.evidence.map((e) => `\`${label(e)}\``).join(' ')}` : ''}`,
    );
    blocks.push(section(`*Red herrings*\n${lines.join('\n')}`));
  }
  const numbers = s.hypotheses.map((h) => `${h.rank}. ${esc(h.service)} ${confidenceNumber(h.confidence)}`).join(', ');
  const tail = [
    context([
      `One round, then it stops. A person decides whether to go deeper (\`/triage deeper [focus]\`).` +
        (numbers ? ` Confidence behind the words: ${numbers} (likely from 70%, possible from 35%).` : ''),
    ]),
    button(DIG_DEEPER_ACTION, 'Dig deeper', inv.id, 'primary'),
  ];
  const top = s.hypotheses[0];
  const seen = s.seenBefore?.[0] ? ` Seen before in #${s.seenBefore[0].past.channelName}.` : '';
  const text =
    (top
      ? `Hypotheses: 1. ${top.service} (${confidenceWord(top.confidence)}) ${relabel(top.cause, label)}`
      : 'Hypotheses: none stood out') + seen;
  return { text: fallbackText(s.partial ? `Partial result. ${text}` : text), blocks: capBlocks(blocks, tail) };
}

/** Slack message metadata of the synthesis (machine-readable hypotheses). */
export function hypothesesMetadata(
  inv: Investigation,
  s: Synthesis,
): { event_type: string; event_payload: Record<string, unknown> } {
  return {
    event_type: HYPOTHESES_EVENT,
    event_payload: {
      investigation_id: inv.id,
      hypotheses: s.hypotheses.map((h) => ({
        rank: h.rank,
        service: h.service,
        cause: clip(h.cause, 300),
        confidence: h.confidence,
        evidence: h.evidence,
      })),
    },
  };
}

/** A plain note in the thread. */
export function renderNote(text: string): View {
  return { text: fallbackText(text), blocks: [section(esc(text))] };
}
