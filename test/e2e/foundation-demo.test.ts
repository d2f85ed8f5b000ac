// `incident-scout demo` end to end, in-process: what a person would read in the channel.
import { PassThrough } from 'node:stream';
import { runDemo } from '../../src/demo/run';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('demo', () => {
  it('prints the incident channel: kickoff, investigation thread, and the /triage replies to the people who asked', async () => {
    const out = sink();
    const err = sink();
    const code = await runDemo(out.stream, err.stream, { env: { LOG_LEVEL: 'warn' } });
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    const transcript = out.text();
    expect(transcript.startsWith('#inc-checkout-latency')).toBe(true);
    expect(transcript).toContain('Incident Scout is on it.');
    expect(transcript).toContain('(opened by <@U0DEMOLEAD>)');
    expect(transcript).toMatch(/\(only visible to @sam\)\n\s+\*Incident Scout\* investigates/);
    expect(transcript).toContain('`/triage deeper [focus]`');
    expect(transcript).toMatch(/\(only visible to @dana\)\n\s+\*Investigation round 1\* in #inc-checkout-latency/);
    // One kickoff, not one per listener or per Slack delivery.
    expect(transcript.split('Incident Scout is on it.').length).toBe(2);
    // Plain words: effects as factors and times on the incident's labelled clock, confidence in words,
    // no IQR scores, no token budgets for the deterministic brain.
    expect(transcript).toMatch(/p99 latency from 213ms to 2\.5s \(12×\), starting 03:02 UTC/);
    expect(transcript).toContain('Incident clock: baseline from 02:02 UTC, onset *03:02 UTC*');
    expect(transcript).toMatch(/\*1\. payments\* · likely · change `chg-1044`/);
    expect(transcript).not.toContain('IQR');
    expect(transcript).not.toContain('output tokens');
    // Evidence is numbered in the order it first appears.
    const firstSeen = [...new Set(transcript.match(/\bE\d+\b/g) ?? [])].map((id) => Number(id.slice(1)));
    expect(firstSeen.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
    // The rollback is followed by the check that it worked: the recording holds no recovery after it.
    const afterRollback = transcript.split('deployment.apps/payments rolled back')[1] ?? '';
    expect(afterRollback).toMatch(/\*Not recovered\* 20s after `rollback-deploy`/);
    expect(afterRollback).toMatch(/payments p99 latency: 213ms before the incident, 2\.5s during, 2\.5s after — still off/);
  });
});
