// pino, configured once. Two layers keep secrets out of logs: `redact` removes known secret
// fields by path, and a scrubbing stream rewrites secret-shaped strings anywhere in the final
// line (messages, bindings, error stacks), because a token inside a free-text message or a
// third-party error has no path that `redact` could name.
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { redactSecrets } from './domain/redact';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const SECRET_FIELDS = [
  'token', 'botToken', 'appToken', 'signingSecret', 'apiKey', 'api_key', 'password', 'secret', 'authorization',
  'prometheusToken', 'lokiToken', 'client_secret',
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
  'config.executor.env',
  'executor.env',
];

const REPLACEMENTS: Array<[RegExp, string]> = [
  // PEM private keys, also when their newlines are JSON-escaped.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted private key]'],
  [/\bxox[abposr]-[A-Za-z0-9-]{6,}/g, 'xox?-[redacted]'],
  [/\bxapp-[A-Za-z0-9-]{6,}/g, 'xapp-[redacted]'],
  [/\bsk-ant-[A-Za-z0-9_-]{6,}/g, 'sk-ant-[redacted]'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, 'AKIA[redacted]'],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{6,}/gi, 'Bearer [redacted]'],
  [/\bBasic\s+[A-Za-z0-9+/=]{8,}/g, 'Basic [redacted]'],
  // Credentials in URLs: scheme://user:password@host
  [/(:\/\/)[^\s/:@"']+:[^\s/@"']+@/g, '$1[redacted]@'],
];

/**
 * Replaces secret-shaped substrings: Slack/Anthropic/AWS tokens, bearer headers, URL credentials, PEM keys,
 * then every shape the evidence redactor knows (GitHub, Stripe, Google keys, JWTs, passwords in logfmt and
 * JSON, also percent-encoded), so a secret quoted from evidence in a debug line is scrubbed like in Slack.
 */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [re, rep] of REPLACEMENTS) out = out.replace(re, rep);
  return redactSecrets(out).text;
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
