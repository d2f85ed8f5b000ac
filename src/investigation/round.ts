// One round of an investigation, as the job handler runs it: window -> status card -> scouts in parallel
// (each finding posted as it lands) -> the lead's synthesis -> stop. A stop request or the investigation's
// wall-clock budget ends it early with the partial result. Safe to re-run after a crash: findings already
// stored are reused and every post is idempotent by key.
import type Anthropic from '@anthropic-ai/sdk';
import type { Config } from '../config';
import type { Fingerprint, PastMatch } from '../domain/memory';
import type { Clock } from '../domain/time';
import type { Finding, Investigation, ScoutStatus, Synthesis } from '../domain/types';
import type { EvidenceSource, TriageReport } from '../evidence/types';
import type { Logger } from '../logging';
import type { AppMetrics } from '../metrics';
import type { Store } from '../store/port';
import { StoreUnavailable } from '../store/errors';
import { isScoutError } from '../domain/errors';
import { synthesizeWithClaude } from './claude-lead';
import type { EvidenceContext, EvidenceContexts } from './context';
import { rankServices, type Ranking } from '../evidence/analyzers/ranking';
import { alertNameOfFocus, fingerprintOf } from './fingerprint';
import { rankWindow } from '../evidence/rank';
import { RoundStopped } from './errors';
import { synthesizeDeterministic } from './lead';
import { LlmFault } from './llm';
import { reportOf } from './report';
import { runScout } from './scout';
import { StatusBoard } from './status';
import type { InvestigationNotifier } from './port';
import { analysisWindowOf, investigationWindow } from './window';
import { findingDocs, incidentDocs, investigationDocs, synthesisDocs } from '../store/kinds';
import { clipText } from '../domain/text';

export interface RoundDeps {
  config: Readonly<Config>;
  store: Store;
  source: EvidenceSource;
  notifier: InvestigationNotifier;
  logger: Logger;
  clock: Clock;
  contexts: EvidenceContexts;
  anthropic?: Anthropic;
  metrics?: AppMetrics;
  onSynthesis?: (inv: Investigation, synthesis: Synthesis, report: TriageReport) => Promise<void>;
  /** The memory of past incidents: resolved incidents resembling this fingerprint ("Seen before"). */
  recall?: (fingerprint: Fingerprint, incidentId: string) => Promise<PastMatch[]>;
  /** Status card throttle (default 1000 ms). */
  cardIntervalMs?: number;
  /** How often a running round checks the store for a stop request (default 250 ms). */
  stopPollMs?: number;
}

const FINAL: ReadonlySet<Investigation['state']> = new Set(['synthesized', 'stopped', 'failed', 'timed_out']);

export function isActive(inv: Investigation): boolean {
  return !FINAL.has(inv.state);
}

/** Store id of one scout's finding. */
export const findingId = (investigationId: string, scout: string): string => `${investigationId}:${scout}`;

/** Runs (or resumes) the round of investigation `id`. */
export async function runRound(deps: RoundDeps, id: string, jobSignal: AbortSignal, since?: number): Promise<void> {
  const { store, clock } = deps;
  const log = deps.logger.child({ investigationId: id });
  let inv = await investigationDocs.in(store).get(id);
  if (!inv) {
    // Nothing to run, and nobody would hear of it otherwise: say so.
    log.warn('investigation job for an investigation the store does not have; nothing to run');
    return;
  }
  if (!isActive(inv)) return;

  // Setup reads the sources (the window estimation) and posts the card: a failure there (a Prometheus
  // answering 401) must reach the thread and `/triage status` like any other, not leave it "queued".
  try {
    inv = await prepare(deps, inv, since);
  } catch (err) {
    if (err instanceof StoreUnavailable) {
      log.warn({ err }, 'store unavailable; the round will be retried');
      throw err;
    }
    await failRound(deps, inv, err, log);
    throw err;
  }
  const window = analysisWindowOf(inv.window);
  const ctx = deps.contexts.get(id, deps.source, window);

  // One controller for the round: the job's shutdown, a person's stop, the wall-clock budget.
  const ac = new AbortController();
  const abort = (r: RoundStopped): void => {
    if (!ac.signal.aborted) ac.abort(r);
  };
  const onJobAbort = (): void => abort(new RoundStopped('shutdown'));
  jobSignal.addEventListener('abort', onJobAbort, { once: true });
  const left = deps.config.investigation.maxSeconds * 1000 - (clock.now().getTime() - Date.parse(inv.createdAt));
  const deadline = setTimeout(() => abort(new RoundStopped('timeout')), Math.max(0, left));
  const poll = setInterval(() => {
    void investigationDocs
      .in(store)
      .get(id)
      .then(
        (cur) => {
          if (cur?.stopRequested) abort(new RoundStopped('stop'));
        },
        () => undefined,
      );
  }, deps.stopPollMs ?? 250);
  deadline.unref?.();
  poll.unref?.();
  if (inv.stopRequested) abort(new RoundStopped('stop'));

  const board = new StatusBoard(id, new Map(inv.scouts.map((s): [string, ScoutStatus] => [s.name, s])), {
    store,
    notifier: deps.notifier,
    clock,
    logger: log,
    ...(deps.cardIntervalMs !== undefined ? { intervalMs: deps.cardIntervalMs } : {}),
  });
  try {
    const current = inv;
    // Settled, not Promise.all: when one scout fails (the store away), the others must not go on
    // posting in the background while the job runs the round again.
    const settled = await Promise.allSettled(
      deps.config.scouts.map(async (manifest): Promise<Finding | null> => {
        const stored = await findingDocs.in(store).get(findingId(id, manifest.name));
        const finding =
          stored ??
          (ac.signal.aborted
            ? null
            : await runScout(
                {
                  store,
                  clock,
                  logger: log,
                  scoutModel: deps.config.anthropic.scoutModel,
                  ...(deps.anthropic ? { anthropic: deps.anthropic } : {}),
                },
                {
                  inv: current,
                  manifest,
                  ctx,
                  board,
                  signal: ac.signal,
                  ...(current.focus ? { focus: current.focus } : {}),
                },
              ));
        if (!finding) return null;
        if (!stored) {
          await findingDocs.in(store).put(findingId(id, manifest.name), finding);
          await store.appendAudit({
            at: clock.now().toISOString(),
            kind: 'finding',
            incidentId: current.incidentId,
            investigationId: id,
            actor: manifest.name,
            detail: {
              claims: finding.claims.map((c) => ({ status: c.status, evidence: c.evidence })),
              brain: finding.brain,
              fallbackReason: finding.fallbackReason ?? null,
            },
          });
        }
        await deps.notifier.postFinding(current, finding);
        return finding;
      }),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const done = settled.flatMap((r) => (r.status === 'fulfilled' && r.value !== null ? [r.value] : []));
    const stopped = ac.signal.aborted ? (ac.signal.reason as RoundStopped) : null;
    await synthesizeAndPost(deps, current, ctx, board, done, stopped, ac.signal);
  } catch (err) {
    if (err instanceof RoundStopped && err.reason === 'shutdown') {
      // This worker is going away: leave the round running for the queue's retry on another worker.
      await board.flush();
      throw err;
    }
    if (err instanceof StoreUnavailable) {
      // Redis is restarting: not the round's fault. The queue retries the job once the store is back,
      // and every post carries an idempotency key, so nothing is posted twice.
      log.warn({ err }, 'store unavailable; the round will be retried');
      throw err;
    }
    await failRound(deps, inv, err, log, board);
    throw err;
  } finally {
    clearTimeout(deadline);
    clearInterval(poll);
    jobSignal.removeEventListener('abort', onJobAbort);
  }
}

/** Fixes the window (once, by the first attempt, so a retried job reads the same data) and posts the card. */
async function prepare(deps: RoundDeps, start: Investigation, since: number | undefined): Promise<Investigation> {
  const { store, clock } = deps;
  const id = start.id;
  let inv = start;
  if (inv.state === 'queued') {
    const incident = await incidentDocs.in(store).get(inv.incidentId);
    const w = await investigationWindow({
      incident: { startedAt: incident?.startedAt ?? inv.window.onset },
      ...(since !== undefined ? { since } : {}),
      source: deps.source,
      wallNow: clock.now().getTime(),
      baselineMinutes: deps.config.investigation.baselineMinutes,
    });
    const iso = (ms: number | undefined): string | undefined =>
      ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
    const lo = iso(w.onsetLo);
    const hi = iso(w.onsetHi);
    const window = {
      from: new Date(w.from).toISOString(),
      onset: new Date(w.onset).toISOString(),
      to: new Date(w.to).toISOString(),
      ...(lo ? { onsetLo: lo } : {}),
      ...(hi ? { onsetHi: hi } : {}),
    };
    inv =
      (
        await investigationDocs
          .in(store)
          .update(id, (cur) =>
            cur && cur.state === 'queued'
              ? { ...cur, window, state: 'running', updatedAt: clock.now().toISOString() }
              : undefined,
          )
      ).value ?? inv;
    deps.metrics?.investigations.inc({ state: 'running' });
  }
  if (!inv.threadTs) {
    const ts = await deps.notifier.postCard(inv);
    inv = (await investigationDocs.in(store).update(id, (cur) => (cur ? { ...cur, threadTs: ts } : undefined)))
      .value ?? { ...inv, threadTs: ts };
  }
  return inv;
}

/** What a person reads about a failure: the error's own words, short (the poster redacts what leaves). */
function failureText(err: unknown): string {
  const msg = isScoutError(err) ? err.userMessage : err instanceof Error ? err.message : String(err);
  const one = msg.replace(/\s+/g, ' ').trim();
  return clipText(one, 300) || 'an unknown error';
}

/**
 * Marks the round failed and says so in its thread (posting the card first when the failure came before it),
 * so the channel and `/triage status` show it at once; Slack being down as well is only logged.
 */
async function failRound(
  deps: RoundDeps,
  inv: Investigation,
  err: unknown,
  log: Logger,
  board?: StatusBoard,
): Promise<void> {
  const { store, clock } = deps;
  log.error({ err }, 'round failed');
  const failed = (cur: Investigation): Investigation => ({
    ...cur,
    state: 'failed',
    finishedAt: clock.now().toISOString(),
    updatedAt: clock.now().toISOString(),
  });
  let shown: Investigation = board
    ? ((await board.flush(failed)) ?? failed(inv))
    : ((await investigationDocs.in(store).update(inv.id, (cur) => (cur && isActive(cur) ? failed(cur) : undefined)))
        .value ?? failed(inv));
  deps.metrics?.investigations.inc({ state: 'failed' });
  try {
    if (!shown.threadTs) {
      const ts = await deps.notifier.postCard(shown);
      shown = (await investigationDocs.in(store).update(inv.id, (cur) => (cur ? { ...cur, threadTs: ts } : undefined)))
        .value ?? { ...shown, threadTs: ts };
    } else if (!board) {
      await deps.notifier.updateCard(shown);
    }
    await deps.notifier.postNote(
      shown,
      'failed',
      `The investigation failed: ${failureText(err)}. \`/triage start\` tries again.`,
    );
  } catch (postErr) {
    log.warn({ err: postErr }, 'could not show the failure in Slack');
  }
}

/** The synthesis with the links of the evidence its hypotheses and red herrings cite. */
function withLinks(s: Synthesis, findings: Finding[]): Synthesis {
  const cited = new Set([...s.hypotheses.flatMap((h) => h.evidence), ...s.redHerrings.flatMap((r) => r.evidence)]);
  const links = Object.fromEntries(
    findings
      .flatMap((f) => f.evidence)
      .filter((e) => e.link && cited.has(e.id))
      .map((e) => [e.id, e.link as string]),
  );
  return Object.keys(links).length > 0 ? { ...s, links } : s;
}

/** Ranks, synthesizes (Claude when it may, else the deterministic lead), stores and posts the synthesis. */
async function synthesizeAndPost(
  deps: RoundDeps,
  inv: Investigation,
  ctx: EvidenceContext,
  board: StatusBoard,
  findings: Finding[],
  stopped: RoundStopped | null,
  signal: AbortSignal,
): Promise<void> {
  const { store, clock } = deps;
  if (stopped?.reason === 'shutdown') throw stopped; // the queue retries the job on another worker
  // A stopped round must answer now: rank with what is ready, never wait on a read that was cut short.
  const ranking = stopped ? await rankingSoFar(ctx) : await ctx.ranking();
  let synthesis = (await synthesisDocs.in(store).get(inv.id)) ?? null;
  let leadNote: string | undefined;
  if (!synthesis) {
    synthesis = synthesizeDeterministic(inv.id, ranking, findings, stopped !== null);
    if (deps.anthropic && !stopped && findings.length) {
      try {
        const r = await synthesizeWithClaude({
          client: deps.anthropic,
          model: deps.config.anthropic.leadModel,
          investigationId: inv.id,
          findings,
          ranking,
          partial: false,
          signal,
          ...(inv.focus ? { focus: inv.focus } : {}),
        });
        synthesis = r.synthesis;
        board.scouts.set('lead', {
          name: 'lead',
          state: 'done',
          toolCalls: 0,
          maxToolCalls: 0,
          inputTokens: r.input,
          outputTokens: r.output,
          maxOutputTokens: 2048,
        });
      } catch (err) {
        if (!(err instanceof LlmFault)) throw err;
        leadNote = `The lead fell back to the deterministic ranking: ${err.reason}.`;
      }
    }
    if (!stopped) synthesis = await withMemory(deps, inv, ctx, ranking, synthesis);
    await synthesisDocs.in(store).put(inv.id, synthesis);
    await store.appendAudit({
      at: clock.now().toISOString(),
      kind: 'synthesis',
      incidentId: inv.incidentId,
      investigationId: inv.id,
      actor: 'lead',
      detail: {
        partial: synthesis.partial,
        hypotheses: synthesis.hypotheses.map((h) => ({
          rank: h.rank,
          service: h.service,
          confidence: h.confidence,
          evidence: h.evidence,
        })),
      },
    });
  }
  if (stopped) {
    const why =
      stopped.reason === 'timeout'
        ? `the investigation's time budget (${deps.config.investigation.maxSeconds}s) was spent`
        : 'a person asked it to stop';
    await deps.notifier.postNote(
      inv,
      'stopped',
      `Stopped early: ${why}. Partial result below (${findings.length} of ${deps.config.scouts.length} scouts reported).`,
    );
  }
  if (leadNote) await deps.notifier.postNote(inv, 'lead-fallback', leadNote);
  const state: Investigation['state'] = stopped
    ? stopped.reason === 'timeout'
      ? 'timed_out'
      : 'stopped'
    : 'synthesized';
  const final = (await board.flush((cur) => ({ ...cur, state, finishedAt: clock.now().toISOString() }))) ?? {
    ...inv,
    state,
  };
  await deps.notifier.postSynthesis(
    final,
    withLinks(synthesis, findings),
    findings.flatMap((f) => f.evidence),
  );
  deps.metrics?.investigations.inc({ state });
  // Proposals follow a complete round only: a partial result is for people to read, not to act on.
  if (deps.onSynthesis && !stopped) {
    try {
      await deps.onSynthesis(final, synthesis, await reportOf(ctx, ranking));
    } catch (err) {
      deps.logger.error({ err, investigationId: inv.id }, 'onSynthesis hook failed');
    }
  }
}

/**
 * The synthesis with this round's fingerprint and the resolved incidents it resembles. The memory is a
 * help, not a step the round depends on: when it cannot be read, the synthesis goes out without it.
 */
async function withMemory(
  deps: RoundDeps,
  inv: Investigation,
  ctx: EvidenceContext,
  ranking: Ranking,
  synthesis: Synthesis,
): Promise<Synthesis> {
  const incident = await incidentDocs.in(deps.store).get(inv.incidentId);
  const firstId = incident?.investigations[0];
  const first = firstId && firstId !== inv.id ? await investigationDocs.in(deps.store).get(firstId) : inv;
  const alertName = alertNameOfFocus(first?.focus);
  // The analyses are the ones the ranking already ran (cached in the context): no new reads.
  const fingerprint = fingerprintOf({
    ranking,
    templates: await ctx.templates(),
    changes: await ctx.changes(),
    ...(alertName ? { alertName } : {}),
  });
  if (!deps.recall) return { ...synthesis, fingerprint };
  try {
    const seenBefore = await deps.recall(fingerprint, inv.incidentId);
    return { ...synthesis, fingerprint, ...(seenBefore.length > 0 ? { seenBefore } : {}) };
  } catch (err) {
    deps.logger.warn(
      { err, investigationId: inv.id },
      'could not consult the memory of past incidents; the synthesis goes out without it',
    );
    return { ...synthesis, fingerprint };
  }
}

const READY_MS = 1500;

/** Resolves `p` if it settles within `ms`, else `fallback`. */
async function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([p.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The ranking over the analyses that are ready (missing ones count as empty). */
async function rankingSoFar(ctx: EvidenceContext): Promise<Ranking> {
  const full = await within<Ranking | null>(ctx.ranking(), READY_MS, null);
  if (full) return full;
  const [anomalies, templates, changes, topology] = await Promise.all([
    within(ctx.anomalies(), 100, []),
    within(ctx.templates(), 100, []),
    within(ctx.changes(), 100, []),
    within(ctx.topology(), 100, null),
  ]);
  // The ranking step itself reads the window's error events: a stopped round waits for it no longer than for
  // the rest, and then ranks what it has without the hosts those events would name.
  const parts = { anomalies, templates, changes, topology };
  const ranked = await within<Ranking | null>(
    rankWindow(ctx.source, ctx.window, {
      ...parts,
      traces: await within(ctx.traceReport(), 100, null),
      series: await within(ctx.series(), 100, []),
    }),
    READY_MS,
    null,
  );
  return ranked ?? rankServices(parts);
}
