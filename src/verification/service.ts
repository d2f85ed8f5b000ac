// After an approved action succeeds: wait VERIFY_AFTER, re-read the signals that moved through the same
// evidence source, and say in the proposal's thread whether they came back. The wait is a delayed job,
// so a restart with Redis does not lose it; the job id and the message key make retries harmless.
import type { Logger } from 'pino';
import { z } from 'zod';
import { systemClock, type Clock } from '../domain/time';
import type { AuditRecord, Investigation, Proposal } from '../domain/types';
import type { EvidenceSource } from '../evidence/types';
import type { JobQueue } from '../jobs/port';
import { proposalKey } from '../remediation/proposals';
import { incidentDocs, investigationDocs, proposalDocs } from '../store/kinds';
import type { Store } from '../store/port';
import { checkRecovery, type RecoveryCheck } from './check';

/** What the delayed job carries (JSON). */
export interface VerifyJob {
  incidentId: string;
  proposalId: string;
  /** Wall-clock ISO time the action finished. */
  succeededAt: string;
}

const jobSchema = z.object({
  incidentId: z.string().min(1),
  proposalId: z.string().min(1),
  succeededAt: z.iso.datetime(),
});

/** What a verification message needs besides the check. */
export interface VerificationContext {
  proposal: Proposal;
  /** The configured wait, for "5 min after the action". */
  afterMs: number;
  /** Whether the source replays a recording (its own clock) rather than reading live data. */
  replay: boolean;
}

/** Where verifications are shown (Slack, through src/slack/verification-notifier.ts). */
export interface VerificationNotifier {
  /** Posts the verdict in the proposal's thread; idempotent per proposal. */
  postVerification(ctx: VerificationContext, check: RecoveryCheck): Promise<void>;
}

export interface VerifierDeps {
  store: Store;
  source: EvidenceSource;
  /**
   * The same sources with a recording's clock moved to `to`: a replayed incident is read only up to its own
   * clock, so what it holds after the action is read through this one. Absent: `source` is read.
   */
  sourceUntil?: (to: number) => EvidenceSource;
  queue: JobQueue<VerifyJob>;
  notifier: VerificationNotifier;
  logger: Logger;
  /** VERIFY_AFTER in ms; null turns verification off. */
  afterMs: number | null;
  clock?: Clock;
}

export interface Verifier {
  /** Schedules the check of a proposal that has just succeeded (a second call for it is ignored). */
  schedule(p: Proposal): Promise<void>;
  /** Runs the check now (the job handler; exported for tests). */
  run(job: VerifyJob): Promise<RecoveryCheck | null>;
  startWorker(concurrency?: number): void;
}

/** Builds the verifier (see file comment). */
export function createVerifier(deps: VerifierDeps): Verifier {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ component: 'verification' });
  const afterMs = deps.afterMs;

  const audit = async (r: Omit<AuditRecord, 'at'>): Promise<void> => {
    await deps.store.appendAudit({ at: clock.now().toISOString(), ...r });
  };

  const investigationOf = async (p: Proposal): Promise<Investigation | null> => {
    if (p.investigationId) return investigationDocs.in(deps.store).get(p.investigationId);
    const incident = await incidentDocs.in(deps.store).get(p.incidentId);
    const last = incident?.investigations[incident.investigations.length - 1];
    return last ? investigationDocs.in(deps.store).get(last) : null;
  };

  const run = async (job: VerifyJob): Promise<RecoveryCheck | null> => {
    if (afterMs === null) return null;
    const p = await proposalDocs.in(deps.store).get(proposalKey(job.incidentId, job.proposalId));
    if (!p || p.status !== 'succeeded') return null;
    const inv = await investigationOf(p);
    if (!inv) {
      log.warn({ proposalId: p.id }, 'no investigation window to verify against');
      return null;
    }
    const succeeded = Date.parse(job.succeededAt);
    const sourceNow = await deps.source.clock();
    // A replayed recording keeps its own clock: the action happened as long after the window's "now" as
    // it did after the investigation began, and what the recording holds after that is what is read.
    const replay = sourceNow !== null;
    const actionAt = replay
      ? Date.parse(inv.window.to) + Math.max(0, succeeded - Date.parse(inv.createdAt))
      : succeeded;
    const readTo = actionAt + afterMs;
    const from = Date.parse(inv.window.from);
    const reader = replay && deps.sourceUntil ? deps.sourceUntil(readTo) : deps.source;
    const series = await reader.metrics({ from, to: readTo });
    const service = typeof p.params.service === 'string' ? p.params.service : undefined;
    const check = checkRecovery({
      series,
      window: { from, onset: Date.parse(inv.window.onset) },
      actionAt,
      readTo,
      ...(service ? { service } : {}),
    });
    // Once per proposal in the trail, even when a retry gets here again.
    if (await deps.store.claim(`verified:${p.incidentId}:${p.id}`, 7 * 24 * 3600)) {
      await audit({
        kind: 'execution',
        incidentId: p.incidentId,
        actor: 'system',
        ...(p.investigationId !== undefined ? { investigationId: p.investigationId } : {}),
        detail: {
          proposalId: p.id,
          phase: 'verify',
          verdict: check.verdict,
          actionAt: new Date(actionAt).toISOString(),
          readTo: new Date(readTo).toISOString(),
          signals: check.signals.map((s) => ({
            service: s.service,
            metric: s.metric,
            before: s.before,
            during: s.during,
            after: s.after,
            recovered: s.recovered,
          })),
        },
      });
    }
    await deps.notifier.postVerification({ proposal: p, afterMs, replay }, check);
    return check;
  };

  return {
    async schedule(p) {
      if (afterMs === null) return;
      const job: VerifyJob = { incidentId: p.incidentId, proposalId: p.id, succeededAt: clock.now().toISOString() };
      await deps.queue.add(job, { jobId: `verify-${p.incidentId}-${p.id}`, delayMs: afterMs });
    },
    run,
    startWorker(concurrency = 2) {
      deps.queue.process(async (data) => {
        // Job data comes back from Redis: checked like any other input before it is trusted.
        await run(jobSchema.parse(data));
      }, concurrency);
    },
  };
}
