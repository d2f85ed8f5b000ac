// Everything the store holds about one incident, gathered for its timeline and postmortem: the incident,
// its rounds with their findings and syntheses, its proposals, the audit trail and the resolution.
// Read from the store, never from a process's memory, so a resolve on any replica and the CLI agree.
import { z } from 'zod';
import type { AuditRecord, Finding, Incident, Investigation, Proposal, Synthesis } from '../domain/types';
import { findingDocs, incidentDocs, investigationDocs, proposalDocs, synthesisDocs } from '../store/kinds';
import type { Store } from '../store/port';
import { defineKind } from '../store/repository';

/** How an incident ended: who or what resolved it, when, and what they said. */
export interface Resolution {
  incidentId: string;
  channelId: string;
  /** 'slash:<user>' or 'alert:<source>'. */
  by: string;
  byName?: string;
  summary?: string;
  at: string;
  /** Progress of the resolve's side effects, so a retry finishes what a crash left and repeats nothing. */
  /** Display names of the people in the record (Slack user id -> name), looked up once at resolve time. */
  names?: Record<string, string>;
  timelineTs?: string;
  postmortemUploaded?: boolean;
  remembered?: boolean;
}

const text = z.string();
const opt = <S extends z.ZodType>(s: S) => s.exactOptional();
const resolution: z.ZodType<Resolution> = z.looseObject({
  incidentId: text,
  channelId: text,
  by: text,
  byName: opt(text),
  summary: opt(text),
  at: text,
  names: opt(z.record(text, text)),
  timelineTs: opt(text),
  postmortemUploaded: opt(z.boolean()),
  remembered: opt(z.boolean()),
});

/** How each incident ended, by incident id (= channel id). */
export const resolutionDocs = defineKind('resolution', resolution);

export interface Round {
  investigation: Investigation;
  findings: Finding[];
  synthesis: Synthesis | null;
}

export interface IncidentRecord {
  incident: Incident;
  rounds: Round[];
  proposals: Proposal[];
  audit: AuditRecord[];
  resolution: Resolution | null;
}

/** The incident's record, or null when the channel is not an incident. */
export async function readIncidentRecord(store: Store, incidentId: string): Promise<IncidentRecord | null> {
  const incident = await incidentDocs.in(store).get(incidentId);
  if (!incident) return null;
  const rounds: Round[] = [];
  for (const id of incident.investigations) {
    const investigation = await investigationDocs.in(store).get(id);
    if (!investigation) continue;
    const findingIds = await findingDocs.in(store).list(`${id}:`);
    const findings = (await Promise.all(findingIds.map((f) => findingDocs.in(store).get(f)))).filter(
      (f): f is Finding => f !== null,
    );
    rounds.push({ investigation, findings, synthesis: await synthesisDocs.in(store).get(id) });
  }
  const proposalIds = await proposalDocs.in(store).list(`${incidentId}:`);
  const proposals = (await Promise.all(proposalIds.map((p) => proposalDocs.in(store).get(p))))
    .filter((p): p is Proposal => p !== null)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return {
    incident,
    rounds,
    proposals,
    audit: await store.readAudit(incidentId),
    resolution: await resolutionDocs.in(store).get(incidentId),
  };
}

/** The last round that reached a synthesis, or null. */
export function latestSynthesis(record: IncidentRecord): { round: Round; synthesis: Synthesis } | null {
  for (const round of [...record.rounds].reverse()) if (round.synthesis) return { round, synthesis: round.synthesis };
  return null;
}

/** Slack user ids the record mentions without a name: who opened it, who started rounds, who acted. */
export function peopleOf(record: IncidentRecord): string[] {
  const ids = new Set<string>();
  const isUser = (id: string | undefined): id is string => id !== undefined && /^[UW][A-Z0-9]{2,}$/.test(id);
  if (isUser(record.incident.openedBy)) ids.add(record.incident.openedBy);
  for (const r of record.rounds) {
    const user = r.investigation.trigger.split(':')[1];
    if (isUser(user)) ids.add(user);
  }
  for (const p of record.proposals) if (isUser(p.requestedBy)) ids.add(p.requestedBy);
  for (const a of record.audit) if (!a.actorName && isUser(a.actor)) ids.add(a.actor);
  return [...ids];
}
