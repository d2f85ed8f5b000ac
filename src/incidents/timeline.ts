// An incident's timeline from its record (src/incidents/record.ts): the alert, the channel opening, each
// round, each finding, each synthesis, each proposal and decision, each action and its verification, and
// the resolution, in time order. Built from the audit trail and the stored documents; pure.
import { alertNameOfFocus } from '../investigation/fingerprint';
import type { AuditRecord, Finding, Synthesis } from '../domain/types';
import type { IncidentRecord } from './record';

export type TimelineKind =
  | 'alert'
  | 'began'
  | 'opened'
  | 'round'
  | 'finding'
  | 'synthesis'
  | 'proposal'
  | 'decision'
  | 'refusal'
  | 'action'
  | 'verification'
  | 'resolved';

/** One moment of the incident; `text` is plain words (views escape it). */
export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  text: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What started a round, in words: `channel_created:U1` -> `the channel's creation (U1)`. */
const TRIGGERS: Record<string, string> = {
  channel_created: "the channel's creation",
  channel_rename: 'a rename of the channel',
  member_joined: 'an invitation of the bot',
  slash: '/triage start',
  alert: 'an alert',
  deeper: 'Dig deeper',
  mention: 'a question in the thread',
};

/** A round's trigger in words, with `name` turning the user id that started it into a name or mention. */
export function triggerWords(trigger: string | undefined, name: (id: string) => string): string | undefined {
  if (!trigger) return undefined;
  const [kind = '', user] = trigger.split(':');
  return `${TRIGGERS[kind] ?? kind}${user ? ` (${name(user)})` : ''}`;
}

/** "1. checkout (72%): deploy v2.4.1 ..." for the leading hypothesis, or what the synthesis says when there is none. */
export function leadingHypothesis(s: Synthesis): string {
  const h = s.hypotheses[0];
  if (!h) return 'no hypothesis stood out';
  return `${h.service} (${Math.round(h.confidence * 100)}%): ${oneLine(h.cause, 240)}${h.change ? ` [change ${h.change}]` : ''}`;
}

export function oneLine(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function findingText(f: Finding | undefined, scout: string, detail: Record<string, unknown>): string {
  const claims = Array.isArray(detail.claims) ? (detail.claims as Array<{ status?: unknown }>) : [];
  const verified = claims.filter((c) => c.status === 'verified').length;
  const counts = claims.length ? ` (${verified} of ${claims.length} claims verified)` : '';
  return `Scout ${scout} reported${counts}${f ? `: ${oneLine(f.summary, 240)}` : ''}`;
}

function executionText(r: AuditRecord, actionOf: Map<string, string>): { kind: TimelineKind; text: string } | null {
  const d = r.detail;
  const pid = str(d.proposalId) ?? '?';
  const action = str(d.actionId) ?? actionOf.get(pid) ?? 'action';
  const phase = str(d.phase);
  if (phase === 'start') return { kind: 'action', text: `${action} (${pid}) started` };
  if (phase === 'run') {
    const secs = typeof d.durationMs === 'number' ? ` in ${(d.durationMs / 1000).toFixed(1)}s` : '';
    const outcome =
      d.ok === true ? `succeeded${secs}` : `failed${secs} (${str(d.error) ?? `exit ${String(d.exitCode)}`})`;
    return { kind: 'action', text: `${action} (${pid}) ${outcome}` };
  }
  if (phase === 'precondition')
    return d.ok === true ? null : { kind: 'action', text: `${action} (${pid}): precondition failed` };
  // Anything after the run (a check that the fix worked) is a verification, whatever its detail holds.
  const verdict =
    str(d.verdict) ??
    str(d.outcome) ??
    str(d.status) ??
    (typeof d.recovered === 'boolean' ? (d.recovered ? 'recovered' : 'not recovered') : undefined);
  const summary = str(d.summary) ?? str(d.text);
  return {
    kind: 'verification',
    text: `Verification of ${action} (${pid})${verdict ? `: ${verdict}` : ''}${summary ? ` — ${oneLine(summary, 200)}` : ''}`,
  };
}

/** The incident's timeline, oldest first. */
export function buildTimeline(record: IncidentRecord): TimelineEntry[] {
  const { incident } = record;
  const names = record.resolution?.names ?? {};
  const name = (id: string): string => names[id] ?? id;
  const who = (r: AuditRecord): string => r.actorName ?? name(r.actor);
  const entries: TimelineEntry[] = [];
  const first = record.rounds[0]?.investigation;
  const alertName = first?.trigger.startsWith('alert') ? alertNameOfFocus(first.focus) : undefined;
  if (first?.trigger.startsWith('alert')) {
    const what = alertName ? `Alert ${alertName} fired` : 'Alert fired';
    entries.push({
      at: incident.startedAt,
      kind: 'alert',
      text: `${what}${incident.description ? `: ${oneLine(incident.description, 200)}` : ''}`,
    });
  } else {
    entries.push({
      at: incident.startedAt,
      kind: 'began',
      text: `Incident began${incident.description ? `: ${oneLine(incident.description, 200)}` : ''}`,
    });
  }
  entries.push({
    at: incident.openedAt ?? incident.createdAt,
    kind: 'opened',
    text: `#${incident.channelName} recognised as an incident${incident.openedBy ? ` (opened by ${name(incident.openedBy)})` : ''}; Incident Scout joined and posted the kickoff`,
  });

  const findings = new Map<string, Finding>();
  const syntheses = new Map<string, Synthesis>();
  for (const round of record.rounds) {
    for (const f of round.findings) findings.set(`${round.investigation.id}:${f.scout}`, f);
    if (round.synthesis) syntheses.set(round.investigation.id, round.synthesis);
  }
  const roundOf = new Map(record.rounds.map((r) => [r.investigation.id, r.investigation]));
  const actionOf = new Map(record.proposals.map((p) => [p.id, p.actionId]));

  for (const r of record.audit) {
    const d = r.detail;
    switch (r.kind) {
      case 'investigation': {
        const inv = r.investigationId ? roundOf.get(r.investigationId) : undefined;
        if (d.action === 'start') {
          const focus = str(d.focus);
          const onset = inv ? ` (onset in the evidence ${inv.window.onset.slice(11, 16)}Z, incident clock)` : '';
          entries.push({
            at: r.at,
            kind: 'round',
            text: `Round ${String(d.round ?? inv?.round ?? '?')} started by ${triggerWords(str(d.trigger), name) ?? who(r)}${focus ? `, focused on "${oneLine(focus, 120)}"` : ''}${onset}`,
          });
        } else if (d.action === 'stop') {
          entries.push({ at: r.at, kind: 'round', text: `${who(r)} asked the running round to stop` });
        }
        break;
      }
      case 'finding':
        entries.push({
          at: r.at,
          kind: 'finding',
          text: findingText(findings.get(`${r.investigationId ?? ''}:${r.actor}`), r.actor, d),
        });
        break;
      case 'synthesis': {
        const s = r.investigationId ? syntheses.get(r.investigationId) : undefined;
        const seen = s?.seenBefore?.[0];
        entries.push({
          at: r.at,
          kind: 'synthesis',
          text: `Synthesis${d.partial === true ? ' (partial)' : ''}: ${s ? leadingHypothesis(s) : 'hypotheses recorded'}${seen ? `; seen before in #${seen.past.channelName}` : ''}`,
        });
        break;
      }
      case 'proposal': {
        const params =
          d.params && typeof d.params === 'object'
            ? Object.entries(d.params as Record<string, unknown>)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(' ')
            : '';
        entries.push({
          at: r.at,
          kind: 'proposal',
          text: `${r.actor === 'lead' ? 'The lead' : who(r)} proposed ${str(d.actionId) ?? 'an action'}${params ? ` ${params}` : ''} (${str(d.proposalId) ?? '?'})${str(d.reason) ? `: ${oneLine(str(d.reason) as string, 200)}` : ''}`,
        });
        break;
      }
      case 'decision': {
        const pid = str(d.proposalId) ?? '?';
        const decision = str(d.decision) ?? 'decided';
        const by = r.actor === 'system' ? '' : ` by ${who(r)}`;
        const progress =
          typeof d.approvals === 'number' && typeof d.required === 'number' && d.required > 1
            ? ` (${d.approvals}/${d.required})`
            : '';
        entries.push({
          at: r.at,
          kind: 'decision',
          text: `${actionOf.get(pid) ?? 'Proposal'} (${pid}) ${decision}${by}${progress}${str(d.reason) ? `: ${oneLine(str(d.reason) as string, 160)}` : ''}`,
        });
        break;
      }
      case 'refusal':
        entries.push({
          at: r.at,
          kind: 'refusal',
          text: `${r.actor === 'lead' ? 'The lead' : who(r)}: ${str(d.what) ?? 'request'} refused${str(d.reason) ? ` (${oneLine(str(d.reason) as string, 160)})` : ''}`,
        });
        break;
      case 'execution': {
        const e = executionText(r, actionOf);
        if (e) entries.push({ at: r.at, ...e });
        break;
      }
      default:
        // Tool calls are many and are in the audit trail itself; the timeline keeps to decisions and outcomes.
        break;
    }
  }
  if (record.resolution) {
    const res = record.resolution;
    entries.push({
      at: res.at,
      kind: 'resolved',
      text: `Resolved by ${res.byName ?? res.by}${res.summary ? `: ${oneLine(res.summary, 300)}` : ''}`,
    });
  }
  // Stable: entries at the same instant keep the trail's order.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}
