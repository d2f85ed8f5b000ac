// What the incident service needs from the chat side, implemented in src/slack/incident-announcer.ts.
import type { OpenTrigger } from '../domain/types';
import type { TimelineEntry } from './timeline';

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

/** How the end of an incident is shown: the timeline message and the postmortem file (src/slack/incident-recorder.ts). */
export interface IncidentRecorder {
  /** Posts the timeline once per `key`; returns the message ts. */
  postTimeline(req: {
    channelId: string;
    threadTs?: string;
    channelName: string;
    entries: TimelineEntry[];
    summary?: string;
    key: string;
  }): Promise<string>;
  /** Uploads the postmortem draft (Markdown) as a file, once per `key`. */
  uploadPostmortem(req: {
    channelId: string;
    threadTs?: string;
    filename: string;
    markdown: string;
    channelName: string;
    key: string;
  }): Promise<void>;
  /** A person's display name, for the record. */
  userName(userId: string): Promise<string>;
}
