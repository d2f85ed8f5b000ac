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
    // The first channel; the demo then opens a second incident of the same kind (test/e2e/record-demo.test.ts).
    const transcript = out.text().split('\n#inc-checkout-latency-again\n')[0] as string;
    expect(transcript.startsWith('#inc-checkout-latency')).toBe(true);
    expect(transcript).toContain('Incident Scout is on it.');
    expect(transcript).toContain('(opened by <@U0DEMOLEAD>)');
    expect(transcript).toMatch(/\(only visible to @sam\)\n\s+\*Incident Scout\* investigates/);
    expect(transcript).toContain('`/triage deeper [focus]`');
    expect(transcript).toMatch(/\(only visible to @dana\)\n\s+\*Investigation round 1\* in #inc-checkout-latency/);
    // One kickoff, not one per listener or per Slack delivery.
    expect(transcript.split('Incident Scout is on it.').length).toBe(2);
  });
});
