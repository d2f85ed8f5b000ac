import type { Incident, Investigation, RoundTrigger } from '../domain/types';

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
  deeper(incidentId: string, userId: string, focus?: string): Promise<{ investigation: Investigation; created: boolean }>;
  /** An @mention in an investigation thread: one focused scout answers in the thread. */
  followUp(req: { incidentId: string; threadTs: string; question: string; userId: string }): Promise<void>;
}
