import { AppMetrics } from '../../src/metrics';

describe('AppMetrics', () => {
  it('keeps each instance in its own registry', async () => {
    const a = new AppMetrics();
    const b = new AppMetrics();
    a.requests.inc({ kind: 'event' });
    a.slackApiErrors.inc({ method: 'chat.postMessage', error: 'not_in_channel' });
    const textA = (await a.render()).body;
    const textB = (await b.render()).body;
    expect(textA).toContain('scout_slack_requests_total{kind="event"} 1');
    expect(textA).toContain('scout_slack_api_errors_total{method="chat.postMessage",error="not_in_channel"} 1');
    expect(textB).not.toContain('scout_slack_requests_total{kind="event"} 1');
  });

  it('records ack latency in the histogram and investigations by state', async () => {
    const m = new AppMetrics();
    m.ackSeconds.observe({ kind: 'command' }, 0.02);
    m.investigations.inc({ state: 'synthesized' });
    const { body, contentType } = await m.render();
    expect(contentType).toContain('text/plain');
    expect(body).toContain('scout_slack_ack_seconds_bucket{le="0.025",kind="command"} 1');
    expect(body).toContain('scout_slack_ack_seconds_bucket{le="0.01",kind="command"} 0');
    expect(body).toContain('scout_investigations_total{state="synthesized"} 1');
  });
});
