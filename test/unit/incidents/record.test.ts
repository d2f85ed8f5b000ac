// Timeline and postmortem draft from a stored incident record: the moments in order, the Markdown's
// sections, secrets redacted, and the timeline message within Slack's limits however long the incident.
import { renderPostmortem, postmortemFileName } from '../../../src/incidents/postmortem';
import { readIncidentRecord, type IncidentRecord } from '../../../src/incidents/record';
import { buildTimeline, type TimelineEntry } from '../../../src/incidents/timeline';
import { renderTimeline, TIMELINE_TEXT_BUDGET } from '../../../src/slack/views/timeline';
import { renderSeenBefore } from '../../../src/slack/views/postmortem';
import { MemoryStore } from '../../../src/store/memory';
import { FINGERPRINT, seedIncident } from '../../helpers/incident-record';

async function record(secret?: string): Promise<IncidentRecord> {
  const store = new MemoryStore();
  await seedIncident(store, secret ? { secret } : {});
  await store.put('resolution', 'C0INC', {
    incidentId: 'C0INC',
    channelId: 'C0INC',
    by: 'slash:U0LEAD',
    byName: 'Dana Lee',
    summary: 'rolled back payments',
    at: '2026-11-27T03:10:00.000Z',
  });
  const r = await readIncidentRecord(store, 'C0INC');
  if (!r) throw new Error('seeded incident not found');
  return r;
}

describe('buildTimeline', () => {
  it('lists began, opening, round, finding, synthesis, proposal, refusal, decision, action, verification and resolution in time order, without tool calls', async () => {
    const entries = buildTimeline(await record());
    expect(entries.map((e) => e.kind)).toEqual([
      'began',
      'opened',
      'round',
      'finding',
      'synthesis',
      'proposal',
      'refusal',
      'decision',
      'action',
      'action',
      'verification',
      'resolved',
    ]);
    const text = entries.map((e) => e.text);
    expect(text).toContain('Round 1 started by /triage start (U0LEAD) (onset in the evidence 03:02Z, incident clock)');
    expect(text).toContain('Scout metrics reported (1 of 2 claims verified): Strongest anomalies in payments.');
    expect(text).toContain(
      'The lead proposed rollback-deploy service=payments namespace=production (P-1): Hypothesis #1 (90%): payments',
    );
    expect(text).toContain('Robin Guest: approve refused (You are not an approver of rollback-deploy.)');
    expect(text).toContain('rollback-deploy (P-1) approved by Dana Lee');
    expect(text).toContain('rollback-deploy (P-1) succeeded in 1.2s');
    expect(text).toContain('Verification of rollback-deploy (P-1): recovered — p99 latency 2.5s → 220ms');
    expect(text[text.length - 1]).toBe('Resolved by Dana Lee: rolled back payments');
  });

  it('starts with the alert when an alert opened the incident', async () => {
    const r = await record();
    const first = r.rounds[0];
    if (!first) throw new Error('no round');
    first.investigation = {
      ...first.investigation,
      trigger: 'alert',
      focus: 'alert PaymentsLatency: service=payments',
    };
    r.incident.description = 'p99 over 1s';
    expect(buildTimeline(r)[0]).toEqual({
      at: r.incident.startedAt,
      kind: 'alert',
      text: 'Alert PaymentsLatency fired: p99 over 1s',
    });
  });
});

describe('renderPostmortem', () => {
  it('has the summary, impact from the evidence, timeline, hypothesis with evidence and links, what was done and open questions', async () => {
    const r = await record();
    const md = renderPostmortem(r);
    expect(postmortemFileName(r)).toBe('postmortem-inc-payments-2026-11-27.md');
    expect(md).toMatch(/^# Postmortem draft: #inc-payments\n/);
    expect(md).toContain('## Summary\n\nrolled back payments\n');
    expect(md).toContain('- Resolved: 2026-11-27 03:10:00 UTC by Dana Lee');
    expect(md).toContain('- Duration: 10 min (from 2026-11-27 03:00:00 UTC)');
    expect(md).toContain('- Services involved: payments, postgres');
    expect(md).toContain('  - payments p99 latency 213ms → 2.5s (`E1`)');
    expect(md).toContain('| 2026-11-27 03:05:02 | rollback-deploy (P-1) succeeded in 1.2s |');
    expect(md).toContain('**payments** — deploy payments v4.2.0 29s before onset; p99 latency 213ms → 2.5s');
    expect(md).toContain(
      '- `E1` payments p99 latency 213ms → 2.5s _(prometheus, payments, metrics_anomalies, 02:00–03:08Z)_',
    );
    expect(md).toContain('- 2. postgres (10%): connections climbed');
    expect(md).toContain('- inventory cache misses: steady before the onset');
    expect(md).toContain('- Round 1 thread: https://slack.com/archives/C0INC/p1764212406000100');
    expect(md).toContain(
      '- `rollback-deploy` service=payments namespace=production (P-1, medium risk): **succeeded**, approved by Dana Lee — succeeded in 1.2s.',
    );
    expect(md).toContain('- How did change `chg-1044` reach production');
    expect(md).toContain('- Unverified claim, confirm or drop: metrics: postgres connections climbed (unverified)');
    // A verification is recorded, so the draft does not ask whether the fix worked.
    expect(md).not.toContain('Nothing checked that the fix worked');
  });

  it('redacts secrets that reached the evidence', async () => {
    const secret = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
    const md = renderPostmortem(await record(secret));
    expect(md).not.toContain(secret);
    expect(md).toContain('[REDACTED');
  });
});

describe('renderTimeline', () => {
  it('keeps a very long incident within Slack limits and says the rest is in the postmortem draft', () => {
    const entries: TimelineEntry[] = Array.from({ length: 400 }, (_, i) => ({
      at: `2026-11-27T03:${String(i % 60).padStart(2, '0')}:00.000Z`,
      kind: 'finding',
      text: `finding ${i} <b>&` + 'x'.repeat(300),
    }));
    const v = renderTimeline('inc-long', entries, 'done');
    expect(v.blocks.length).toBeLessThanOrEqual(50);
    let total = 0;
    for (const b of v.blocks) {
      const t =
        b.type === 'section' || b.type === 'header'
          ? (b.text?.text ?? '')
          : b.type === 'context'
            ? b.elements.map((e) => ('text' in e ? e.text : '')).join('')
            : '';
      if (b.type === 'section') expect(t.length).toBeLessThanOrEqual(3000);
      total += t.length;
    }
    expect(total).toBeLessThanOrEqual(TIMELINE_TEXT_BUDGET + 500);
    const json = JSON.stringify(v.blocks);
    expect(json).toMatch(/\d+ more moments are in the postmortem draft/);
    expect(json).not.toContain('<b>');
    expect(json).toContain('&lt;b&gt;&amp;');
    // Wall-clock times in the reader's time zone, UTC where Slack cannot format them.
    expect(json).toContain(`<!date^${Date.parse('2026-11-27T03:00:00.000Z') / 1000}^{time_secs}|03:00:00 UTC>`);
  });
});

describe('renderSeenBefore', () => {
  it('names the past channel, date, likeness, cause and fix; nothing when there is no match', () => {
    expect(renderSeenBefore(undefined)).toEqual([]);
    const blocks = renderSeenBefore([
      {
        similarity: 0.87,
        past: {
          incidentId: 'C1',
          channelId: 'C1',
          channelName: 'inc-old',
          startedAt: '2026-11-01T00:00:00.000Z',
          resolvedAt: '2026-11-01T01:00:00.000Z',
          fingerprint: FINGERPRINT,
          cause: 'payments (90%): deploy <v4>',
          fixes: ['rollback-deploy service=payments'],
        },
      },
    ]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('*Seen before*');
    expect(text).toContain('• *#inc-old* (<#C1>), resolved 2026-11-01, 87% alike');
    expect(text).toContain('Cause: payments (90%): deploy &lt;v4&gt;');
    expect(text).toContain('Fixed by `rollback-deploy service=payments`');
  });
});
