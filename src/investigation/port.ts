import type { Evidence, Finding, Incident, Investigation, RoundTrigger, Synthesis } from '../domain/types';

/** What starts an investigation round. */
export interface StartRequest {
  incident: Incident;
  trigger: RoundTrigger;
  userId?: string;
  /** Overrides the incident start (epoch ms), from `/triage start since=...`. */
  since?: number;
  focus?: string;
  description?: string;
}

/**
 * The investigation service as the Slack layer sees it (implemented in src/investigation/service.ts).
 * Every method returns after enqueueing or recording; the slow work runs on the job queue.
 */
export interface Investigations {
  /** Starts a round unless one is already running for the incident (then created=false). */
  start(req: StartRequest): Promise<{ investigation: Investigation; created: boolean }>;
  /** Asks the running round to stop; it posts its partial result. Null when nothing runs. */
  stop(incidentId: string, userId: string): Promise<Investigation | null>;
  /** The latest investigation of the incident, or null. */
  status(incidentId: string): Promise<Investigation | null>;
  /** A person asked for another round (button or `/triage deeper [focus]`). */
  deeper(
    incidentId: string,
    userId: string,
    focus?: string,
  ): Promise<{ investigation: Investigation; created: boolean }>;
  /** An @mention in an investigation thread: one focused scout answers in the thread. */
  followUp(req: { incidentId: string; threadTs: string; question: string; userId: string }): Promise<void>;
}

/**
 * The Slack side of an investigation: one thread per investigation. Implemented over the Poster in
 * src/slack/investigation-notifier.ts; every post is idempotent by a key derived from investigation id,
 * round and item, so a retried job never duplicates a message.
 */
export interface InvestigationNotifier {
  /** Posts the parent status card; returns its ts (the thread). */
  postCard(inv: Investigation): Promise<string>;
  /** Edits the status card in place. */
  updateCard(inv: Investigation): Promise<void>;
  /** One reply per finding, as soon as its scout finishes. `key` distinguishes follow-up answers. */
  postFinding(inv: Investigation, finding: Finding, key?: string): Promise<void>;
  /** The ranked hypotheses, with message metadata and the Dig deeper button. */
  /** `evidence`: the round's, for the synthesis chart. */
  postSynthesis(inv: Investigation, synthesis: Synthesis, evidence?: readonly Evidence[]): Promise<void>;
  /** A plain note in the thread (fallbacks, stop, failures). */
  postNote(inv: Investigation, key: string, text: string): Promise<void>;
}
