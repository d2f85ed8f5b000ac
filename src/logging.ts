// pino, configured once. Two layers keep secrets out of logs at every level: `redact` removes known
// secret fields by path, and a scrubbing stream passes the final line (messages, bindings, error
// stacks) through the one redaction step (domain/redact.ts), because a token inside a free-text
// message or a third-party error has no path that `redact` could name.
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { redactSecrets } from './domain/redact';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const SECRET_FIELDS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'authorization',
  'prometheusToken',
  'lokiToken',
  'client_secret',
];

/** Paths pino removes before serialising; one level of nesting plus the known config and header spots. */
export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'config.slack.botToken',
  'config.slack.appToken',
  'config.slack.signingSecret',
  'config.anthropic.apiKey',
  'config.evidence.prometheusToken',
  'config.evidence.lokiToken',
  'config.evidence.prometheusBasic.password',
  'config.evidence.lokiBasic.password',
  'config.executor.env',
  'executor.env',
];

/** A serialised log line with every secret-shaped string replaced: the same detectors as Slack, the model and the store. */
export function scrubSecrets(text: string): string {
  return redactSecrets(text).text;
}

/** A destination that scrubs every serialised line before handing it on. */
export function scrubbingStream(inner: DestinationStream): DestinationStream {
  return { write: (line: string) => inner.write(scrubSecrets(line)) };
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where JSON lines go; stdout when omitted. */
  destination?: DestinationStream;
  name?: string;
}

/** The app's logger: JSON lines, secrets redacted by path and scrubbed by shape. */
export function createLogger(opts: LoggerOptions): Logger {
  const inner = opts.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: opts.level,
      name: opts.name ?? 'incident-scout',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    scrubbingStream(inner),
  );
}

export interface LogContext {
  incidentId?: string;
  investigationId?: string;
  scout?: string;
  slackUser?: string;
}

/** A child logger carrying the incident, investigation, scout and Slack user it works for (empty values left out). */
export function withContext(logger: Logger, ctx: LogContext): Logger {
  const bindings: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx)) if (typeof v === 'string' && v !== '') bindings[k] = v;
  return logger.child(bindings);
}

/** A logger that drops everything (tests and offline commands). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
