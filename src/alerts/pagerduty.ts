// PagerDuty v3 webhooks: signature check over the raw body, and the incident events we act on.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AlertNotice } from './types';

/**
 * True when one of the `v1=` signatures in X-PagerDuty-Signature is the HMAC-SHA256 of the raw body
 * with the subscription's secret. PagerDuty lists several while a secret is being rotated.
 */
export function verifyPagerDutySignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return header.split(',').some((part) => {
    const m = /^\s*v1=([0-9a-f]{64})\s*$/i.exec(part);
    if (!m) return false;
    const given = Buffer.from(m[1] as string, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const Ref = z
  .object({ id: z.string().optional(), summary: z.string().optional(), html_url: z.string().optional() })
  .passthrough();

/** The v3 envelope (https://developer.pagerduty.com/docs/webhooks-overview): `event.data` is the incident. */
export const PagerDutyPayload = z.object({
  event: z.object({
    id: z.string(),
    event_type: z.string(),
    resource_type: z.string(),
    occurred_at: z.string(),
    data: z
      .object({
        id: z.string(),
        type: z.string().optional(),
        html_url: z.string().optional(),
        number: z.number().optional(),
        status: z.string().optional(),
        title: z.string().optional(),
        created_at: z.string().optional(),
        service: Ref.optional(),
        urgency: z.string().optional(),
        priority: Ref.nullable().optional(),
        incident_key: z.string().nullable().optional(),
      })
      .passthrough(),
  }),
});
export type PagerDutyPayload = z.infer<typeof PagerDutyPayload>;

/** The events that open and close an incident; others (acknowledged, annotated...) are acknowledged and ignored. */
const STATUS: Record<string, AlertNotice['status']> = {
  'incident.triggered': 'firing',
  'incident.resolved': 'resolved',
};

/** A notice for incident.triggered / incident.resolved; null for any other event. */
export function fromPagerDuty(p: PagerDutyPayload, now: number): AlertNotice | null {
  const status = STATUS[p.event.event_type];
  if (!status || p.event.resource_type !== 'incident') return null;
  const d = p.event.data;
  const title = d.title ?? `PagerDuty incident ${d.number ?? d.id}`;
  const labels: Record<string, string> = {};
  if (d.service?.summary) labels['service'] = d.service.summary;
  if (d.urgency) labels['urgency'] = d.urgency;
  if (d.priority?.summary) labels['priority'] = d.priority.summary;
  const started = Date.parse(d.created_at ?? p.event.occurred_at);
  return {
    source: 'pagerduty',
    key: `pd:${d.id}`,
    status,
    name: title,
    summary: title,
    labels,
    ...(d.html_url ? { url: d.html_url } : {}),
    startsAt: Number.isFinite(started) ? started : now,
    firing: status === 'firing' ? 1 : 0,
    digest: status,
  };
}
