// The postmortem draft of an incident, as Markdown: summary, impact from the evidence, timeline,
// root-cause hypothesis with its evidence and links, what was done, open questions. Pure: built from the
// incident's record (src/incidents/record.ts), so `/triage resolve` and `incident-scout postmortem` print
// the same text. Secrets are redacted here as well as at the poster, because the CLI prints it directly.
import { redactSecrets } from '../domain/redact';
import type { Evidence, Finding, Hypothesis, Proposal } from '../domain/types';
import { latestSynthesis, type IncidentRecord } from './record';
import { buildTimeline, oneLine } from './timeline';

/** `postmortem-<channel-name>-<YYYY-MM-DD>.md`, dated by when the incident began. */
export function postmortemFileName(record: IncidentRecord): string {
  const name = record.incident.channelName.replace(/[^A-Za-z0-9_-]+/g, '-') || record.incident.channelId;
  return `postmortem-${name}-${record.incident.startedAt.slice(0, 10)}.md`;
}

/** Text for a Markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return oneLine(text, 400).replace(/\|/g, '\\|');
}

/** `2026-12-07 03:02:10 UTC` */
function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function duration(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  const min = Math.round(ms / 60_000);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** A Slack permalink from channel and ts (slack.com redirects it to the workspace). */
export function slackLink(channelId: string, ts: string): string {
  return `https://slack.com/archives/${channelId}/p${ts.replace('.', '')}`;
}

function evidenceIndex(findings: Finding[]): Map<string, Evidence> {
  const byId = new Map<string, Evidence>();
  for (const f of findings) for (const e of f.evidence) byId.set(e.id, e);
  return byId;
}

function evidenceLine(id: string, byId: Map<string, Evidence>): string {
  const e = byId.get(id);
  if (!e) return `- \`${id}\``;
  const range = e.timeRange ? `, ${e.timeRange.from.slice(11, 16)}–${e.timeRange.to.slice(11, 16)}Z` : '';
  return `- \`${id}\` ${oneLine(e.excerpt, 300)} _(${e.source}${e.service ? `, ${e.service}` : ''}, ${e.tool}${range})_`;
}

function hypothesisSection(h: Hypothesis, byId: Map<string, Evidence>): string[] {
  const lines = [
    `**${h.service}** — ${oneLine(h.cause, 600)}`,
    '',
    `Confidence: ${Math.round(h.confidence * 100)}%${h.change ? ` · implicated change: \`${h.change}\`` : ''}`,
    '',
  ];
  lines.push(
    'Evidence for:',
    ...(h.evidence.length ? h.evidence.map((id) => evidenceLine(id, byId)) : ['- none cited']),
  );
  const against = h.against.map((a) => (a.startsWith('!') ? `- ${oneLine(a.slice(1), 300)}` : evidenceLine(a, byId)));
  if (against.length) lines.push('', 'Evidence against:', ...against);
  return lines;
}

function impact(record: IncidentRecord, findings: Finding[], hypotheses: Hypothesis[]): string[] {
  // What users felt: the metric evidence the scouts cited, in their own words.
  const cited = new Set(findings.flatMap((f) => f.claims.flatMap((c) => c.evidence)));
  const metrics = findings
    .flatMap((f) => f.evidence)
    .filter((e) => cited.has(e.id) && /metric|anomal|latency|slo/i.test(e.tool));
  const services = [
    ...new Set([...hypotheses.map((h) => h.service), ...metrics.flatMap((e) => (e.service ? [e.service] : []))]),
  ];
  const lines = [
    `- Duration: ${duration(record.incident.startedAt, record.resolution?.at ?? record.incident.createdAt)} (from ${utc(record.incident.startedAt)})`,
  ];
  if (services.length) lines.push(`- Services involved: ${services.join(', ')}`);
  if (metrics.length) {
    lines.push('- What the metrics showed:');
    for (const e of metrics.slice(0, 6)) lines.push(`  - ${oneLine(e.excerpt, 240)} (\`${e.id}\`)`);
  } else {
    lines.push('- The evidence holds no metric that measures user impact: add it by hand.');
  }
  return lines;
}

function proposalLine(p: Proposal, names: Record<string, string>): string {
  const params = Object.entries(p.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const who = p.approvals.length
    ? `, approved by ${p.approvals.map((a) => a.name).join(', ')}`
    : p.decidedBy
      ? `, ${p.status} by ${p.decidedBy.name}`
      : '';
  const result = p.result
    ? p.result.ok
      ? ` — succeeded in ${(p.result.durationMs / 1000).toFixed(1)}s`
      : ` — failed (${p.result.error ?? `exit ${String(p.result.exitCode)}`})`
    : '';
  return `- \`${p.actionId}\`${params ? ` ${params}` : ''} (${p.id}, ${p.risk} risk): **${p.status}**${who}${result}. Proposed by ${p.requestedBy === 'lead' ? 'the lead' : (names[p.requestedBy] ?? p.requestedBy)}: ${oneLine(p.reason, 200)}`;
}

function openQuestions(
  record: IncidentRecord,
  findings: Finding[],
  hypotheses: Hypothesis[],
  partial: boolean,
): string[] {
  const q: string[] = [];
  const top = hypotheses[0];
  if (!top) q.push('No hypothesis stood out: what was the cause?');
  if (partial) q.push('The last round stopped early: is the ranking complete?');
  if (top && top.against.length)
    q.push(`Evidence speaks against the leading hypothesis (${top.service}): does it still hold?`);
  if (top?.change)
    q.push(
      `How did change \`${top.change}\` reach production without being caught, and would a canary have stopped it?`,
    );
  const doubtful = findings.flatMap((f) =>
    f.claims.filter((c) => c.status !== 'verified').map((c) => `${f.scout}: ${oneLine(c.text, 160)} (${c.status})`),
  );
  for (const d of doubtful.slice(0, 5)) q.push(`Unverified claim, confirm or drop: ${d}`);
  const succeeded = record.proposals.filter((p) => p.status === 'succeeded');
  if (succeeded.length === 0) q.push('No action ran successfully through Incident Scout: what ended the incident?');
  const verified = record.audit.some(
    (r) =>
      r.kind === 'execution' &&
      typeof r.detail.phase === 'string' &&
      !['start', 'run', 'precondition'].includes(r.detail.phase),
  );
  if (succeeded.length > 0 && !verified)
    q.push('Nothing checked that the fix worked: did the error rate and latency return to their baseline?');
  q.push('What would have detected this sooner?');
  return q.map((s) => `- ${s}`);
}

/** The postmortem draft as Markdown. */
export function renderPostmortem(record: IncidentRecord): string {
  const { incident, resolution } = record;
  const latest = latestSynthesis(record);
  const hypotheses = latest?.synthesis.hypotheses ?? [];
  const findings = record.rounds.flatMap((r) => r.findings);
  const byId = evidenceIndex(latest?.round.findings ?? findings);
  const top = hypotheses[0];
  const out: string[] = [];
  out.push(`# Postmortem draft: #${incident.channelName}`, '');
  out.push(
    `_Drafted by Incident Scout from the incident's record${resolution ? ` at ${utc(resolution.at)}` : ''}. Check every line before sharing: the hypotheses are the bot's, not conclusions._`,
    '',
  );

  out.push('## Summary', '');
  if (resolution?.summary) out.push(oneLine(resolution.summary, 1000), '');
  out.push(`- Began: ${utc(incident.startedAt)}`);
  out.push(
    resolution ? `- Resolved: ${utc(resolution.at)} by ${resolution.byName ?? resolution.by}` : '- Not resolved yet',
  );
  out.push(`- Investigation rounds: ${record.rounds.length}`);
  out.push(`- Leading hypothesis: ${top ? `${top.service}: ${oneLine(top.cause, 300)}` : 'none'}`);
  const seen = latest?.synthesis.seenBefore ?? [];
  for (const m of seen)
    out.push(
      `- Seen before: #${m.past.channelName} (${m.past.resolvedAt.slice(0, 10)}, ${Math.round(m.similarity * 100)}% alike)${m.past.cause ? `, cause: ${oneLine(m.past.cause, 200)}` : ''}`,
    );
  out.push('');

  out.push('## Impact', '', ...impact(record, findings, hypotheses), '');

  out.push('## Timeline', '', '| Time (UTC) | What happened |', '|---|---|');
  for (const e of buildTimeline(record)) out.push(`| ${e.at.slice(0, 10)} ${e.at.slice(11, 19)} | ${cell(e.text)} |`);
  out.push(
    '',
    '_Times are when the bot saw or did each thing (wall clock); "onset in the evidence" is on the incident\'s own clock._',
    '',
  );

  out.push('## Root-cause hypothesis', '');
  if (top) {
    out.push(...hypothesisSection(top, byId), '');
    const others = hypotheses.slice(1, 4);
    if (others.length)
      out.push(
        'Other candidates:',
        ...others.map(
          (h) => `- ${h.rank}. ${h.service} (${Math.round(h.confidence * 100)}%): ${oneLine(h.cause, 200)}`,
        ),
        '',
      );
    const herrings = latest?.synthesis.redHerrings ?? [];
    if (herrings.length)
      out.push(
        'Ruled out (red herrings):',
        ...herrings.map((r) => `- ${oneLine(r.what, 160)}: ${oneLine(r.why, 200)}`),
        '',
      );
  } else {
    out.push('No investigation reached a hypothesis.', '');
  }
  const links = record.rounds.flatMap((r) =>
    r.investigation.threadTs
      ? [`- Round ${r.investigation.round} thread: ${slackLink(r.investigation.channelId, r.investigation.threadTs)}`]
      : [],
  );
  if (links.length) out.push('Links:', ...links, '');

  out.push('## What was done', '');
  out.push(
    ...(record.proposals.length
      ? record.proposals.map((p) => proposalLine(p, resolution?.names ?? {}))
      : ['- No remediation was proposed through Incident Scout.']),
    '',
  );

  out.push(
    '## Open questions',
    '',
    ...openQuestions(record, findings, hypotheses, latest?.synthesis.partial ?? false),
    '',
  );
  return redactSecrets(out.join('\n')).text;
}
