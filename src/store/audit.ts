// Audit records come back from storage as text: check their shape before handing them out.
import { z } from 'zod';
import type { AuditKind, AuditRecord } from '../domain/types';

// A Record (not an array) so adding an AuditKind without listing it here fails to compile.
const AUDIT_KINDS: Record<AuditKind, true> = {
  tool_call: true,
  tool_refused: true,
  finding: true,
  synthesis: true,
  proposal: true,
  decision: true,
  refusal: true,
  execution: true,
  investigation: true,
  resolution: true,
};

const auditRecordSchema = z.object({
  at: z.string(),
  kind: z.enum(Object.keys(AUDIT_KINDS) as [AuditKind, ...AuditKind[]]),
  incidentId: z.string(),
  investigationId: z.string().optional(),
  actor: z.string(),
  actorName: z.string().optional(),
  detail: z.record(z.string(), z.unknown()),
});

/** Parses one stored audit record; null when the text is not a valid record. */
export function parseAuditRecord(json: string): AuditRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = auditRecordSchema.safeParse(value);
  if (!parsed.success) return null;
  const { investigationId, actorName, ...rest } = parsed.data;
  // exactOptionalPropertyTypes: copy optional fields only when present.
  return {
    ...rest,
    ...(investigationId !== undefined ? { investigationId } : {}),
    ...(actorName !== undefined ? { actorName } : {}),
  };
}
