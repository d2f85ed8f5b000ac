// The investigation service: start / stop / status / deeper / followUp as the Slack layer calls them,
// and the job handler that runs rounds and follow-ups on the queue.
import { createHash } from 'node:crypto';
import type Anthropic from '@anthropic-ai/sdk';
import type { Config } from '../config';
import { NotFoundError } from '../domain/errors';
import type { Fingerprint, PastMatch } from '../domain/memory';
import { systemClock, type Clock } from '../domain/time';
import type { Investigation, ScoutStatus, Synthesis } from '../domain/types';
import type { EvidenceSource, TriageReport } from '../evidence/types';
import type { JobContext, JobQueue } from '../jobs/port';
import type { Logger } from '../logging';
import type { AppMetrics } from '../metrics';
import type { Store } from '../store/port';
import { EvidenceContexts } from './context';
import { runFollowUp } from './followup-run';
import type { Investigations, StartRequest } from './port';
import { isActive, runRound } from './round';
import type { InvestigationNotifier } from './port';
import type { InvestigationJob } from './types';
import { incidentClock, sinceOnSourceClock } from './window';
import { incidentDocs, investigationDocs, latestInvestigation } from '../store/kinds';

export interface InvestigationDeps {
  config: Readonly<Config>;
  store: Store;
  queue: JobQueue<InvestigationJob>;
  source: EvidenceSource;
  notifier: InvestigationNotifier;
  logger: Logger;
  clock?: Clock;
  /** Set when ANTHROPIC_API_KEY is: scouts and the lead use Claude; else the deterministic brain. */
  anthropic?: Anthropic;
  metrics?: AppMetrics;
  /** Called after each synthesis (remediation proposals). */
  onSynthesis?: (inv: Investigation, synthesis: Synthesis, report: TriageReport) => Promise<void>;
  /** The memory of past incidents (src/incidents/memory.ts), consulted at each synthesis. */
  recall?: (fingerprint: Fingerprint, incidentId: string) => Promise<PastMatch[]>;
  cardIntervalMs?: number;
  stopPollMs?: number;
}

export interface InvestigationService extends Investigations {
  /** The queue handler: runs a round or a follow-up. */
  handleJob(job: InvestigationJob, ctx: JobContext): Promise<void>;
  /** Starts processing jobs with `config.investigation.concurrency`. */
  startWorker(): void;
}

/** Investigation id of an incident's round n: deterministic, so two replicas starting it agree. */
export function investigationId(incidentId: string, round: number): string {
  return `inv-${incidentId}-${round}`;
}

/** Builds the investigation service over its ports. */
export function createInvestigations(deps: InvestigationDeps): InvestigationService {
  const clock = deps.clock ?? systemClock;
  const contexts = new EvidenceContexts();
  const { store, config } = deps;
  const roundDeps = {
    config,
    store,
    source: deps.source,
    notifier: deps.notifier,
    logger: deps.logger,
    clock,
    contexts,
    ...(deps.anthropic ? { anthropic: deps.anthropic } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.onSynthesis ? { onSynthesis: deps.onSynthesis } : {}),
    ...(deps.recall ? { recall: deps.recall } : {}),
    ...(deps.cardIntervalMs !== undefined ? { cardIntervalMs: deps.cardIntervalMs } : {}),
    ...(deps.stopPollMs !== undefined ? { stopPollMs: deps.stopPollMs } : {}),
  };

  const latest = (incidentId: string): Promise<Investigation | null> => latestInvestigation(store, incidentId);

  /**
   * Starts the next round unless one is active. Race-free across clicks and replicas: the active check and the
   * round number come from one read of the incident, and the round is claimed by one atomic step that appends
   * its id only while the incident still has the rounds that read saw (12 Dig deeper clicks make one round).
   */
  const start = async (req: StartRequest): Promise<{ investigation: Investigation; created: boolean }> => {
    const stored = await incidentDocs.in(store).get(req.incident.id);
    const incident = stored ?? req.incident;
    const lastId = incident.investigations[incident.investigations.length - 1];
    const running = lastId ? await investigationDocs.in(store).get(lastId) : null;
    if (running && isActive(running)) return { investigation: running, created: false };
    const round = incident.investigations.length + 1;
    const id = investigationId(incident.id, round);
    const now = clock.now();
    const since = req.since !== undefined ? await sinceOnSourceClock(req.since, deps.source, now.getTime()) : undefined;
    // Provisional window (cheap: no data read); the job fixes the onset from the metrics.
    const { now: dataNow, start: began } = await incidentClock({
      incident,
      ...(since !== undefined ? { since } : {}),
      source: deps.source,
      wallNow: now.getTime(),
      baselineMinutes: config.investigation.baselineMinutes,
    });
    const baselineMs = config.investigation.baselineMinutes * 60_000;
    const fresh: Investigation = {
      id,
      incidentId: incident.id,
      channelId: incident.channelId,
      round,
      state: 'queued',
      trigger: req.userId ? `${req.trigger}:${req.userId}` : req.trigger,
      ...(req.focus ? { focus: req.focus } : {}),
      window: {
        from: new Date(began - baselineMs).toISOString(),
        onset: new Date(began).toISOString(),
        to: new Date(dataNow).toISOString(),
      },
      brain: deps.anthropic ? 'claude' : 'deterministic',
      scouts: config.scouts.map((s): ScoutStatus => ({
        name: s.name,
        state: 'queued',
        toolCalls: 0,
        maxToolCalls: s.budget.max_tool_calls,
        inputTokens: 0,
        outputTokens: 0,
        maxOutputTokens: s.budget.max_output_tokens,
      })),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    // The document first (the first writer of this id wins), so whoever sees the id in the incident finds it.
    const made = await investigationDocs.in(store).update(id, (cur) => (cur ? undefined : fresh));
    // The claim: append only while the incident holds exactly the rounds before this one.
    const claimed = await incidentDocs.in(store).update(incident.id, (cur) => {
      const base = cur ?? { ...incident, ...(req.description ? { description: req.description } : {}) };
      if (base.investigations.includes(id) || base.investigations.length !== round - 1) return undefined;
      return { ...base, investigations: [...base.investigations, id] };
    });
    const ids = claimed.value?.investigations ?? [];
    if (!ids.includes(id)) {
      // Another click started a round after the one this click saw; answer with that one.
      const other = ids.length > 0 ? await investigationDocs.in(store).get(ids[ids.length - 1] as string) : null;
      return { investigation: other ?? made.value ?? fresh, created: false };
    }
    const investigation = made.value ?? fresh;
    // Racers on the same round id may both add: the queue ignores a second job with the same id.
    await deps.queue.add(
      { investigationId: id, kind: 'round', ...(since !== undefined ? { since } : {}) },
      { jobId: id },
    );
    // Whoever appended the id started the round (the document may have been written by a racer on the same id).
    if (claimed.changed) {
      await store.appendAudit({
        at: now.toISOString(),
        kind: 'investigation',
        incidentId: incident.id,
        investigationId: id,
        actor: req.userId ?? 'system',
        detail: { action: 'start', trigger: fresh.trigger, round, focus: req.focus ?? null },
      });
      deps.metrics?.investigations.inc({ state: 'queued' });
    }
    return { investigation, created: claimed.changed };
  };

  const service: InvestigationService = {
    start,

    async stop(incidentId, userId) {
      const cur = await latest(incidentId);
      if (!cur || !isActive(cur)) return null;
      const { value } = await investigationDocs
        .in(store)
        .update(cur.id, (inv) =>
          inv && isActive(inv) ? { ...inv, stopRequested: true, updatedAt: clock.now().toISOString() } : undefined,
        );
      await store.appendAudit({
        at: clock.now().toISOString(),
        kind: 'investigation',
        incidentId,
        investigationId: cur.id,
        actor: userId,
        detail: { action: 'stop' },
      });
      return value;
    },

    status: latest,

    async deeper(incidentId, userId, focus) {
      const incident = await incidentDocs.in(store).get(incidentId);
      if (!incident)
        throw new NotFoundError('There is no investigation in this channel yet: run `/triage start` first.');
      return start({ incident, trigger: 'deeper', userId, ...(focus ? { focus } : {}) });
    },

    async followUp(req) {
      const incident = await incidentDocs.in(store).get(req.incidentId);
      if (!incident) throw new NotFoundError('This channel has no investigation to follow up on.');
      let target: Investigation | null = null;
      for (const id of [...incident.investigations].reverse()) {
        const inv = await investigationDocs.in(store).get(id);
        if (inv?.threadTs === req.threadTs) {
          target = inv;
          break;
        }
      }
      if (!target) throw new NotFoundError('That thread is not an investigation thread.');
      const askId = createHash('sha256')
        .update(`${req.threadTs}\u0000${req.userId}\u0000${req.question}`)
        .digest('hex')
        .slice(0, 16);
      await deps.queue.add(
        { investigationId: target.id, kind: 'followup', question: req.question, userId: req.userId, askId },
        { jobId: `fu-${target.id}-${askId}` },
      );
    },

    async handleJob(job, ctx) {
      if (job.kind === 'followup') {
        await runFollowUp(roundDeps, job);
        return;
      }
      await runRound(roundDeps, job.investigationId, ctx.signal, job.since);
    },

    startWorker() {
      deps.queue.process((job, ctx) => service.handleJob(job, ctx), config.investigation.concurrency);
    },
  };
  return service;
}
