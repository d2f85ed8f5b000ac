// Typed errors with stable codes; src/slack/errors.ts turns them into user-facing text.

export abstract class ScoutError extends Error {
  abstract readonly code: string;
  /** Text safe to show the user who is waiting (no secrets, no stack). */
  readonly userMessage: string;
  constructor(userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.userMessage = userMessage;
    this.name = new.target.name;
  }
}

export class ConfigError extends ScoutError {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export class UsageError extends ScoutError {
  readonly code = 'usage';
}

export class NotFoundError extends ScoutError {
  readonly code = 'not_found';
}

export class ScopeDenied extends ScoutError {
  readonly code = 'scope_denied';
}

export class BudgetSpent extends ScoutError {
  readonly code = 'budget_spent';
}

export class ApprovalDenied extends ScoutError {
  readonly code = 'approval_denied';
}

export class ProposalInvalid extends ScoutError {
  readonly code = 'proposal_invalid';
}

export class SlackApiError extends ScoutError {
  readonly code = 'slack_api';
  constructor(
    readonly method: string,
    readonly slackError: string,
    options?: { cause?: unknown },
  ) {
    super(`Slack refused ${method}: ${slackError}`, options);
  }
}

export function isScoutError(err: unknown): err is ScoutError {
  return err instanceof ScoutError;
}

/** Why a file system call failed, in words: `is a directory`, `a part of the path is a file`, ... */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a part of the path is a file, not a folder';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'ELOOP') return 'a symbolic link loop';
  return e instanceof Error ? e.message : String(e);
}
