// What listeners need, passed in by src/slack/register.ts; each listener picks its part.
import type { Clock } from '../../domain/time';
import type { IncidentService } from '../../incidents/service';
import type { Investigations } from '../../investigation/port';
import type { Logger } from '../../logging';
import type { Remediation } from '../../remediation/port';
import type { Poster } from '../poster';

export interface ListenerDeps {
  incidents: IncidentService;
  investigations: Investigations;
  remediation: Remediation;
  poster: Poster;
  logger: Logger;
  clock: Clock;
  /** The configured evidence sources as the kickoff names them, for `/triage help`. */
  sources?: string[];
}

/** What Bolt's `respond` accepts from us: always a message to one person unless said otherwise. */
export interface RespondMessage {
  response_type: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks?: import('@slack/types').KnownBlock[];
}

export type Respond = (message: RespondMessage) => Promise<unknown>;
