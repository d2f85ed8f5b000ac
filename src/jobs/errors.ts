// Typed queue errors.
import { ScoutError } from '../domain/errors';

/** `drain` gave up: jobs were still waiting or running when its timeout passed. */
export class DrainTimeout extends ScoutError {
  readonly code = 'queue_drain_timeout';
}
