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
  });

  it('names its evidence source in the kickoff and /triage help, and links every metric and template to Grafana when told where', async () => {
    const out = sink();
    const err = sink();
    const env = { LOG_LEVEL: 'warn', GRAFANA_URL: 'https://grafana.example', GRAFANA_PROMETHEUS_UID: 'prom-uid', GRAFANA_LOKI_UID: 'loki-uid' };
    expect(await runDemo(out.stream, err.stream, { env })).toBe(0);
    const transcript = out.text();
    // Kickoff and help: from the one registration list, as built from the demo's config.
    expect(transcript.split('Evidence sources: files (checkout-latency).').length).toBeGreaterThanOrEqual(3);
    // Every evidence line of a metric or a log template carries a link; changes (fictional in the demo) carry their author.
    const evidence = transcript.split('\n').filter((l) => /`E\d+` /.test(l));
    const metricOrTemplate = evidence.filter((l) => /\[(errors|latency|traffic|saturation|other)\]|\[(new|surging|steady|gone)\]/.test(l));
    expect(metricOrTemplate.length).toBeGreaterThan(5);
    for (const l of metricOrTemplate) expect(l).toMatch(/<https:\/\/grafana\.example\/explore\?[^|>]+\|open>/);
    expect(evidence.filter((l) => l.includes('chg-1044'))[0]).toContain('by deploy-bot');
  });
});
