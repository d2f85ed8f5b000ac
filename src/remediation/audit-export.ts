// Audit trail as a file and a summary: JSON lines for machines, one short paragraph for people.
import type { AuditRecord } from '../domain/types';

/** `audit-<channel>-<YYYY-MM-DD>.jsonl` */
export function auditFileName(channelId: string, now: Date): string {
  return `audit-${channelId}-${now.toISOString().slice(0, 10)}.jsonl`;
}

/** One JSON record per line, in the order they were appended. */
export function auditJsonLines(records: AuditRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : '');
}

/** Counts by kind, then each execution with its outcome; refusals with who and why. */
export function auditSummary(records: AuditRecord[]): string {
  if (records.length === 0) return 'Audit trail: no records yet for this incident.';
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  const lines = [
    `Audit trail: ${records.length} record${records.length === 1 ? '' : 's'} (${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}).`,
  ];
  const runs = records.filter((r) => r.kind === 'execution' && r.detail.phase === 'run');
  for (const r of runs.slice(0, 10)) {
    const d = r.detail;
    const outcome =
      d.ok === true ? 'succeeded' : `failed (${typeof d.error === 'string' ? d.error : `exit ${String(d.exitCode)}`})`;
    lines.push(
      `• ${String(d.proposalId)} ${String(d.actionId ?? '')} ${outcome} in ${seconds(d.durationMs)} at ${r.at}`,
    );
  }
  // Started with no result recorded: still running, or its process stopped (the sweep's `interrupted`).
  const finished = new Set(runs.map((r) => r.detail.proposalId));
  const interrupted = new Set(
    records.filter((r) => r.kind === 'decision' && r.detail.decision === 'interrupted').map((r) => r.detail.proposalId),
  );
  const unfinished = records.filter(
    (r) => r.kind === 'execution' && r.detail.phase === 'start' && !finished.has(r.detail.proposalId),
  );
  for (const r of unfinished.slice(0, 10)) {
    const d = r.detail;
    lines.push(
      `• ${String(d.proposalId)} ${String(d.actionId ?? '')} ${interrupted.has(d.proposalId) ? 'interrupted: it may or may not have taken effect' : 'started, no result yet'} (started at ${r.at})`,
    );
  }
  if (runs.length === 0 && unfinished.length === 0) lines.push('No action was executed.');
  const refusals = records.filter((r) => r.kind === 'refusal').length;
  if (refusals > 0)
    lines.push(`${refusals} refusal${refusals === 1 ? '' : 's'} recorded (who and why are in the file).`);
  return lines.join('\n');
}

function seconds(ms: unknown): string {
  return typeof ms === 'number' ? `${(ms / 1000).toFixed(1)}s` : '?';
}
