// The one place that turns errors into what the waiting person reads. ScoutError subclasses carry
// their own safe userMessage; anything else is a bug: logged in full with a short reference the
// user can quote, and shown only as that reference.
import { randomBytes } from 'node:crypto';
import type { App } from '@slack/bolt';
import { isScoutError } from '../domain/errors';
import type { Logger } from '../logging';

export interface UserFacingError {
  text: string;
  code: string;
  ref?: string;
}

/** Maps an error to user-facing text; unknown errors are logged with a ref and shown only by ref. */
export function toUserFacing(err: unknown, logger: Logger, context: Record<string, unknown> = {}): UserFacingError {
  if (isScoutError(err)) {
    logger.info({ ...context, code: err.code, msg: err.message }, 'refused with a user-facing error');
    return { text: err.userMessage, code: err.code };
  }
  const ref = randomBytes(4).toString('hex');
  logger.error({ ...context, err, ref }, 'unexpected error');
  return { text: `Something went wrong (ref ${ref}). The team can find the details in the logs.`, code: 'internal', ref };
}

/** Installs the app-wide error handler: whatever escapes a listener is logged once, with a ref. */
export function installErrorHandler(app: App, logger: Logger): void {
  app.error(async (error) => {
    toUserFacing(error.original ?? error, logger, { source: 'bolt', code: error.code });
  });
}
