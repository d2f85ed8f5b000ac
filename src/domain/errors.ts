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
