// `incident-scout audit <incident-channel-id> [--json]`: prints an incident's audit trail from Redis.
import type { AuditRecord } from '../domain/types';
import { parseCommand, type CommandSpec } from './args';
import { findIncident, noIncident, withBotStore } from './store';
import { auditJsonLines, auditSummary } from '../remediation/audit-export';

export const AUDIT_SPEC = {
  name: 'audit',
  usage: 'audit <incident-channel-id | #channel-name> [--json]',
  description: `Print an incident's audit trail (tool calls, proposals, decisions, executions) from the bot's
Redis: REDIS_URL, or REDIS_SENTINELS with REDIS_SENTINEL_NAME, and REDIS_PREFIX as the bot uses them.

  --json   JSON lines, one record each`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
} satisfies CommandSpec<{ json: { type: 'boolean' } }>;

/**
 * Reads the trail from the store at REDIS_URL and prints it (one line per record, or JSON lines
 * with --json). Exit 0 on success, 1 when Redis has no such incident or cannot be read, 2 on usage or when
 * there is no persistent store to read.
 * `env` is the process environment (passed in by src/cli.ts; nothing below src/config reads it).
 */
export async function auditCommand(
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  env: Record<string, string | undefined> = {},
): Promise<number> {
  const parsed = parseCommand(AUDIT_SPEC, args, out, err);
  if (typeof parsed === 'number') return parsed;
  const json = parsed.values.json === true;
  const channel = parsed.positionals[0] as string;
  return withBotStore(AUDIT_STORE, env, err, async (store, prefix) => {
    const incident = await findIncident(store, channel);
    const records = await store.readAudit(incident?.id ?? channel);
    if (records.length === 0 && !incident) {
      err.write(noIncident('audit', channel, prefix));
      return 1;
    }
    if (json) out.write(auditJsonLines(records));
    else
      out.write(`${records.map(formatRecord).join('\n')}${records.length > 0 ? '\n\n' : ''}${auditSummary(records)}\n`);
    return 0;
  });
}

const AUDIT_STORE = { name: 'audit', what: 'the audit trail', inSlack: '/triage audit' };

/** `2026-11-27T03:14:00.000Z decision U0DEMOLEAD (Dana Lee) proposal=P-1a2b decision=approved` */
export function formatRecord(r: AuditRecord): string {
  const who = r.actorName ? `${r.actor} (${r.actorName})` : r.actor;
  const keys = ['proposalId', 'actionId', 'decision', 'what', 'phase', 'tool', 'ok', 'exitCode', 'reason', 'error'];
  const detail = keys
    .filter((k) => r.detail[k] !== undefined)
    .map((k) => `${k}=${typeof r.detail[k] === 'string' ? JSON.stringify(r.detail[k]) : String(r.detail[k])}`)
    .join(' ');
  return `${r.at} ${r.kind} ${who}${detail ? ` ${detail}` : ''}`;
}
