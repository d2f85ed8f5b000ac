// Bolt and the WebClient log through @slack/logger's interface; this adapter sends their lines into
// our pino logger (and so through its redaction). Our level governs: Bolt's setLevel is ignored.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logging';

function toRecord(parts: unknown[]): { err?: unknown; msg: string } {
  const err = parts.find((p) => p instanceof Error);
  const msg = parts
    .filter((p) => !(p instanceof Error))
    .map((p) => (typeof p === 'string' ? p : safeJson(p)))
    .join(' ');
  return err ? { err, msg } : { msg };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Wraps a pino logger as a Bolt logger. */
export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  const emit = (level: 'debug' | 'info' | 'warn' | 'error', parts: unknown[]) => {
    const { err, msg } = toRecord(parts);
    if (err !== undefined) log[level]({ err }, msg);
    else log[level](msg);
  };
  return {
    debug: (...m: unknown[]) => emit('debug', m),
    info: (...m: unknown[]) => emit('info', m),
    warn: (...m: unknown[]) => emit('warn', m),
    error: (...m: unknown[]) => emit('error', m),
    setLevel: () => undefined,
    getLevel: () => {
      const l = log.level;
      if (l === 'debug' || l === 'trace') return LogLevel.DEBUG;
      if (l === 'info') return LogLevel.INFO;
      if (l === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: () => undefined,
  };
}
