// What the incident service needs from the chat side, implemented in src/slack/incident-announcer.ts.
import type { OpenTrigger } from '../domain/types';

/** What the kickoff message says: why the channel is an incident, what will be investigated. */
export interface Kickoff {
  channelId: string;
  channelName: string;
  baselineMinutes: number;
  scouts: ReadonlyArray<{ name: string; purpose: string }>;
  trigger: OpenTrigger;
  openedBy?: string;
  /** Where the evidence comes from, e.g. "files (checkout-latency)", "Prometheus". */
  sources?: string[];
}

/** Joins an incident channel and posts its kickoff; both idempotent (a retried opening repeats them). */
export interface IncidentAnnouncer {
  join(channelId: string): Promise<void>;
  kickoff(k: Kickoff): Promise<void>;
}
