// The document kinds of the domain (src/domain/types.ts) and their schemas. A new kind is one
// `defineKind` declaration, here or beside the code that owns it (the Slack poster's caches, alert records).
// Top-level documents are loose objects: a field a newer version added survives a read by this one.
import { z } from 'zod';
import type {
  Approval,
  Claim,
  Evidence,
  ExecutionResult,
  Finding,
  Hypothesis,
  Incident,
  Investigation,
  Proposal,
  RedHerring,
  RenderedAction,
  ScoutStatus,
  Synthesis,
} from '../domain/types';
import type { Store } from './port';
import type { Fingerprint, PastIncident, PastMatch } from '../domain/memory';
import { defineKind } from './repository';

const text = z.string();
const opt = <S extends z.ZodType>(s: S) => s.exactOptional();

const incident: z.ZodType<Incident> = z.looseObject({
  id: text,
  channelId: text,
  channelName: text,
  startedAt: text,
  openedBy: opt(text),
  description: opt(text),
  investigations: z.array(text),
  createdAt: text,
  openedAt: opt(text),
});

const scoutStatus: z.ZodType<ScoutStatus> = z.looseObject({
  name: text,
  state: z.enum(['queued', 'running', 'done', 'failed', 'stopped', 'budget_spent', 'fallback']),
  startedAt: opt(text),
  finishedAt: opt(text),
  toolCalls: z.number(),
  maxToolCalls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  maxOutputTokens: z.number(),
  note: opt(text),
});

const brain = z.enum(['deterministic', 'claude']);

const investigation: z.ZodType<Investigation> = z.looseObject({
  id: text,
  incidentId: text,
  channelId: text,
  round: z.number(),
  state: z.enum(['queued', 'running', 'synthesized', 'stopped', 'failed', 'timed_out']),
  trigger: text,
  focus: opt(text),
  window: z.object({ from: text, onset: text, to: text, onsetLo: opt(text), onsetHi: opt(text) }),
  brain,
  scouts: z.array(scoutStatus),
  threadTs: opt(text),
  createdAt: text,
  updatedAt: text,
  finishedAt: opt(text),
  stopRequested: opt(z.boolean()),
});

const timeRange = z.object({ from: text, to: text });

const evidence: z.ZodType<Evidence> = z.looseObject({
  id: text,
  scout: text,
  tool: text,
  source: text,
  service: opt(text),
  timeRange: opt(timeRange),
  excerpt: text,
  sparkline: opt(text),
  series: opt(
    z.object({
      label: text,
      service: text,
      unit: opt(text),
      points: z.array(z.tuple([z.number(), z.number()])),
      changeAt: opt(z.number()),
    }),
  ),
});

const claim: z.ZodType<Claim> = z.looseObject({
  text,
  evidence: z.array(text),
  service: opt(text),
  status: z.enum(['verified', 'unverified', 'contradicted']),
  note: opt(text),
});

const finding: z.ZodType<Finding> = z.looseObject({
  investigationId: text,
  scout: text,
  summary: text,
  claims: z.array(claim),
  confidence: z.number(),
  brain,
  fallbackReason: opt(text),
  evidence: z.array(evidence),
});

const hypothesis: z.ZodType<Hypothesis> = z.looseObject({
  rank: z.number(),
  service: text,
  cause: text,
  confidence: z.number(),
  evidence: z.array(text),
  against: z.array(text),
  change: opt(text.nullable()),
});

const redHerring: z.ZodType<RedHerring> = z.looseObject({ what: text, why: text, evidence: z.array(text) });

const weighted = z.record(text, z.number().min(0).max(1));

/** What an investigation saw (src/domain/memory.ts). */
export const fingerprintSchema: z.ZodType<Fingerprint> = z.object({
  services: weighted,
  templates: weighted,
  changes: weighted,
  alert: weighted,
});

/** A resolved incident as the memory of past incidents keeps it. */
export const pastIncidentSchema: z.ZodType<PastIncident> = z.looseObject({
  incidentId: text.min(1),
  channelId: text.min(1),
  channelName: text,
  startedAt: text,
  resolvedAt: z.iso.datetime({ offset: true }),
  fingerprint: fingerprintSchema,
  cause: text.nullable(),
  fixes: z.array(text),
  summary: opt(text),
});

const pastMatch: z.ZodType<PastMatch> = z.object({ past: pastIncidentSchema, similarity: z.number().min(0).max(1) });

const synthesis: z.ZodType<Synthesis> = z.looseObject({
  investigationId: text,
  hypotheses: z.array(hypothesis),
  redHerrings: z.array(redHerring),
  summary: text,
  partial: z.boolean(),
  fingerprint: opt(fingerprintSchema),
  seenBefore: opt(z.array(pastMatch)),
});

const approval: z.ZodType<Approval> = z.looseObject({ userId: text, name: text, at: text });

// Each executor kind checks its own fields when it runs or describes the action.
const rendered: z.ZodType<RenderedAction> = z.looseObject({ kind: text });

const executionResult: z.ZodType<ExecutionResult> = z.looseObject({
  interrupted: opt(z.literal(true)),
  ok: z.boolean(),
  exitCode: z.number().nullable(),
  output: text,
  durationMs: z.number(),
  error: opt(text),
});

const proposal: z.ZodType<Proposal> = z.looseObject({
  id: text,
  incidentId: text,
  channelId: text,
  investigationId: opt(text),
  actionId: text,
  params: z.record(text, z.union([text, z.number(), z.boolean()])),
  untrustedParams: z.array(text),
  rendered,
  evidence: z.array(text),
  reason: text,
  requestedBy: text,
  risk: z.enum(['low', 'medium', 'high']),
  requiredApprovals: z.number(),
  approvals: z.array(approval),
  status: z.enum(['pending', 'approved', 'running', 'succeeded', 'failed', 'rejected', 'expired', 'voided']),
  hash: text,
  approvalsMac: opt(text),
  createdAt: text,
  expiresAt: text,
  decidedBy: opt(approval),
  runningSince: opt(text),
  settleAfter: opt(text),
  statusNote: opt(text),
  result: opt(executionResult),
  threadTs: opt(text),
  messageTs: opt(text),
});

/** Incidents by Slack channel id. */
export const incidentDocs = defineKind('incident', incident);
/** Investigations (rounds) by id; an incident lists its ids oldest first. */
export const investigationDocs = defineKind('investigation', investigation);
/** A scout's finding by `<investigationId>:<scout>` (follow-up answers by `<investigationId>:<key>`). */
export const findingDocs = defineKind('finding', finding);
/** The lead's synthesis by investigation id. */
export const synthesisDocs = defineKind('synthesis', synthesis);
/** Proposals by `<incidentId>:<proposalId>`. */
export const proposalDocs = defineKind('proposal', proposal);
/** The last evidence number an investigation issued (E1, E2, ...), by investigation id. */
export const evidenceCounterDocs = defineKind('evidence-counter', z.object({ n: z.number().int().min(0) }));

/** The latest investigation (round) of an incident, or null when it has none. */
export async function latestInvestigation(store: Store, incidentId: string): Promise<Investigation | null> {
  const incident = await incidentDocs.in(store).get(incidentId);
  const last = incident?.investigations.at(-1);
  return last ? investigationDocs.in(store).get(last) : null;
}
/** The labels an investigation's thread shows for evidence ids (E1, E2 ... in the order shown), by investigation id. */
export const evidenceLabelDocs = defineKind(
  'evidence-labels',
  z.object({ next: z.number().int().min(1), map: z.record(z.string(), z.number().int().min(1)) }),
);
