// Typed store errors; callers branch on these classes, never on ioredis message strings.
import { ScoutError } from '../domain/errors';

/** Redis could not be reached (down, restarting, or the command timed out). */
export class StoreUnavailable extends ScoutError {
  readonly code = 'store_unavailable';
}

/** An atomic update lost the race too many times in a row (heavy contention on one document). */
export class StoreConflict extends ScoutError {
  readonly code = 'store_conflict';
}

/** A stored document does not match its kind's schema (written by another version, or edited by hand). */
export class StoreCorrupt extends ScoutError {
  readonly code = 'store_corrupt';
}
