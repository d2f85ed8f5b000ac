// Proposals: an action with concrete parameters, frozen and hashed at creation. Pure: ids and
// clock are passed in. The only way in is an action id plus typed parameters; everything else is refused.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ActionSpec } from '../config/actions';
import { requiredApprovals } from '../config/actions';
import { ProposalInvalid } from '../domain/errors';
import { redactSecrets } from '../domain/redact';
import type { Investigation, Proposal, Synthesis } from '../domain/types';
import type { Change, TriageReport } from '../evidence/types';
import { render, validateParams, type Catalog } from './catalog';
import { clipText } from '../domain/text';
import { likelihood } from '../evidence/analyzers/confidence';

/** What asks for a proposal, before validation. `untrusted` names params whose value came from untrusted text. */
export interface ProposalDraft {
  incidentId: string;
  channelId: string;
  investigationId?: string;
  actionId: string;
  params: Record<string, unknown>;
  untrusted: string[];
  evidence: string[];
  reason: string;
  requestedBy: string;
  threadTs?: string;
}

const EVIDENCE_ID = /^E\d{1,6}$/;
const MAX_REASON = 500;

/** `P-` and 10 random hex characters: short enough to read out, long enough not to guess. */
export function newProposalId(): string {
  return `P-${randomBytes(5).toString('hex')}`;
}

/** The store id of a proposal: scoped by incident so a click from another channel finds nothing. */
export function proposalKey(incidentId: string, proposalId: string): string {
  return `${incidentId}:${proposalId}`;
}

/**
 * Validates a draft against the catalog and freezes it: typed params, the rendered argv/request,
 * evidence ids, reason, expiry and a sha256 over all of it. Throws ProposalInvalid with the reason.
 */
export function createProposal(
  catalog: Catalog,
  draft: ProposalDraft,
  now: Date,
  id: string = newProposalId(),
): Proposal {
  const action = catalog.get(draft.actionId);
  const params = validateParams(action, draft.params);
  const rendered = render(action, params);
  const evidence = [...new Set(draft.evidence)];
  const badEvidence = evidence.filter((e) => !EVIDENCE_ID.test(e));
  if (badEvidence.length > 0)
    throw new ProposalInvalid(
      `Evidence ids look like E12; got ${badEvidence
        .slice(0, 3)
        .map((e) => JSON.stringify(e.slice(0, 20)))
        .join(', ')}.`,
    );
  const untrustedParams = [...new Set(draft.untrusted)].filter((n) => n in params).sort();
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + action.approval.expires_after_minutes * 60_000).toISOString();
  const frozen: Omit<Proposal, 'hash'> = {
    id,
    incidentId: draft.incidentId,
    channelId: draft.channelId,
    ...(draft.investigationId !== undefined ? { investigationId: draft.investigationId } : {}),
    actionId: action.id,
    params,
    untrustedParams,
    rendered,
    evidence,
    // The reason quotes the suspect's change summary (untrusted data): redacted before it is frozen and hashed.
    reason: clipText(redactSecrets(draft.reason.trim()).text || 'No reason given.', MAX_REASON),
    requestedBy: draft.requestedBy,
    risk: action.risk,
    requiredApprovals: requiredApprovals(action),
    approvals: [],
    status: 'pending',
    createdAt,
    expiresAt,
    ...(draft.threadTs !== undefined ? { threadTs: draft.threadTs } : {}),
  };
  return { ...frozen, hash: proposalHash(frozen) };
}

/** sha256 (hex) over a canonical JSON of the frozen fields: what runs, why, for whom, until when. */
export function proposalHash(p: Omit<Proposal, 'hash'> | Proposal): string {
  const frozen = {
    id: p.id,
    incidentId: p.incidentId,
    channelId: p.channelId,
    investigationId: p.investigationId ?? null,
    actionId: p.actionId,
    params: p.params,
    untrustedParams: p.untrustedParams,
    rendered: p.rendered,
    evidence: p.evidence,
    reason: p.reason,
    requestedBy: p.requestedBy,
    risk: p.risk,
    requiredApprovals: p.requiredApprovals,
    createdAt: p.createdAt,
    expiresAt: p.expiresAt,
  };
  return createHash('sha256').update(canonicalJson(frozen)).digest('hex');
}

/** JSON with object keys sorted at every depth, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The key that seals approvals lists, derived from a secret only the app holds (the Slack signing secret). */
export function approvalsKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('incident-scout/approvals/v1').digest();
}

/** HMAC over the proposal's identity, hash and approvals: an approval written to the store by anyone else fails it. */
export function approvalsMac(p: Pick<Proposal, 'id' | 'hash' | 'approvals'>, key: Buffer): string {
  return createHmac('sha256', key)
    .update(canonicalJson({ id: p.id, hash: p.hash, approvals: p.approvals }))
    .digest('hex');
}

/** The proposal with its approvals sealed under `key` (after every change to them). */
export function sealApprovals(p: Proposal, key: Buffer): Proposal {
  return { ...p, approvalsMac: approvalsMac(p, key) };
}

function approvalsIntact(p: Proposal, key: Buffer): boolean {
  if (typeof p.approvalsMac !== 'string' || !/^[0-9a-f]{64}$/.test(p.approvalsMac)) return false;
  return timingSafeEqual(Buffer.from(approvalsMac(p, key), 'hex'), Buffer.from(p.approvalsMac, 'hex'));
}

/**
 * Why a stored proposal can no longer be trusted, or null: its hash no longer matches its content, its
 * approvals are not sealed by `approvals` (the key), or the catalog today would validate or render it
 * differently (the manifest changed since).
 */
export function integrityProblem(p: Proposal, catalog: Catalog, approvals?: Buffer): string | null {
  if (proposalHash(p) !== p.hash) return 'its stored content no longer matches its hash';
  if (approvals && !approvalsIntact(p, approvals)) return 'its list of approvals was changed outside the app';
  let action: ActionSpec;
  try {
    action = catalog.get(p.actionId);
    const params = validateParams(action, p.params);
    if (canonicalJson(render(action, params)) !== canonicalJson(p.rendered))
      return 'the catalog entry changed since it was proposed';
  } catch (err) {
    return err instanceof ProposalInvalid
      ? `the catalog no longer accepts it (${err.userMessage})`
      : 'the catalog no longer accepts it';
  }
  return null;
}

/**
 * What the synthesis may propose: catalog actions marked `suggest.change_kinds` whose params all
 * follow from the top hypothesis (`from: suspect.service` ...) or have defaults. Values taken from
 * the hypothesis or the change record are untrusted (they come from data and, with Claude, a model).
 */
export function draftsFromSynthesis(
  catalog: Catalog,
  inv: Investigation,
  synthesis: Synthesis,
  report: TriageReport | null,
): ProposalDraft[] {
  const top = topHypothesis(synthesis);
  if (!top?.change) return [];
  const change = findChange(report, top.change);
  if (!change || targetProblem(synthesis, report)) return [];
  const drafts: ProposalDraft[] = [];
  for (const action of catalog.all()) {
    const kinds: readonly string[] = action.suggest?.change_kinds ?? [];
    if (!kinds.includes(change.kind)) continue;
    const params: Record<string, unknown> = {};
    const untrusted: string[] = [];
    let complete = true;
    for (const [name, spec] of Object.entries(action.params)) {
      const value = spec.from ? fromSource(spec.from, top.service, change, inv) : undefined;
      if (value !== undefined) {
        params[name] = value;
        if (spec.from !== 'incident.channel') untrusted.push(name);
      } else if (spec.default === undefined) {
        complete = false;
      }
    }
    if (!complete) continue;
    drafts.push({
      incidentId: inv.incidentId,
      channelId: inv.channelId,
      investigationId: inv.id,
      actionId: action.id,
      params,
      untrusted,
      evidence: top.evidence.filter((e) => EVIDENCE_ID.test(e)),
      reason: `Hypothesis #${top.rank} (${likelihood(top.confidence)}): ${top.service}: ${top.cause} Implicated ${change.kind} ${change.id}${change.version ? ` (${change.version})` : ''}.`,
      requestedBy: 'lead',
      ...(inv.threadTs !== undefined ? { threadTs: inv.threadTs } : {}),
    });
  }
  return drafts;
}

function topHypothesis(synthesis: Synthesis): Synthesis['hypotheses'][number] | undefined {
  return [...synthesis.hypotheses].sort((a, b) => a.rank - b.rank)[0];
}

/**
 * Why the top hypothesis may not name a target, or null: the service it blames must be the service of the
 * change it implicates, as the evidence records it. A model answering "auth, chg-1043" for a notifications
 * deploy would otherwise roll back auth.
 */
export function targetProblem(synthesis: Synthesis, report: TriageReport | null): string | null {
  const top = topHypothesis(synthesis);
  if (!top?.change) return null;
  const change = findChange(report, top.change);
  if (!change) return `the implicated change ${top.change.slice(0, 40)} is not in the evidence`;
  if (change.service !== top.service) {
    return `the hypothesis blames ${top.service.slice(0, 60)} but the implicated change ${change.id} is a ${change.kind} of ${change.service}`;
  }
  return null;
}

function findChange(report: TriageReport | null, id: string): Change | null {
  const scored = report?.changes.find((c) => c.change.id === id)?.change;
  return scored ?? null;
}

function fromSource(from: string, service: string, change: Change, inv: Investigation): string | number | undefined {
  switch (from) {
    case 'suspect.service':
      return service;
    case 'suspect.change':
      return change.id;
    case 'suspect.version':
      return scalar(change.version);
    case 'suspect.previous_version':
      return scalar(change['previous_version']);
    case 'incident.channel':
      return inv.channelId;
    default:
      return undefined;
  }
}

function scalar(v: unknown): string | number | undefined {
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}
