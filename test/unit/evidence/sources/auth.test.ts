// PROMETHEUS_TOKEN, LOKI_TOKEN and LOKI_TENANT reach the backends: the runtime built from the
// environment sends them on every request of its evidence source.
import { loadConfig } from '../../../../src/config';
import { silentLogger } from '../../../../src/logging';
import { buildRuntime, type Runtime } from '../../../../src/main';
import { MemoryStore } from '../../../../src/store/memory';

interface Seen {
  url: string;
  headers: Record<string, string>;
}

/** Answers like Prometheus and Loki would for label listings, recording each request. */
function recordingFetch(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    const url = String(input);
    seen.push({ url, headers: { ...((init?.headers ?? {}) as Record<string, string>) } });
    return new Response(JSON.stringify({ status: 'success', data: [] }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
}

describe('credentials of the HTTP evidence backends', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('sends PROMETHEUS_TOKEN, LOKI_TOKEN and the Loki tenant on every request', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      PROMETHEUS_URL: 'http://prometheus.test:9090',
      PROMETHEUS_TOKEN: 'prom-token-1',
      LOKI_URL: 'http://loki.test:3100',
      LOKI_TOKEN: 'loki-token-2',
      LOKI_TENANT: 'team-a',
    });
    const seen: Seen[] = [];
    runtime = buildRuntime(config, { logger: silentLogger(), store: new MemoryStore(), fetch: recordingFetch(seen) });
    await runtime.source.capabilities();
    const prometheus = seen.filter((s) => s.url.startsWith('http://prometheus.test:9090/'));
    const loki = seen.filter((s) => s.url.startsWith('http://loki.test:3100/'));
    expect(prometheus.length).toBeGreaterThan(0);
    expect(loki.length).toBeGreaterThan(0);
    for (const s of prometheus) expect(s.headers).toMatchObject({ Authorization: 'Bearer prom-token-1' });
    for (const s of loki)
      expect(s.headers).toMatchObject({ Authorization: 'Bearer loki-token-2', 'X-Scope-OrgID': 'team-a' });
  });

  it('sends no Authorization header when no token is configured', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      PROMETHEUS_URL: 'http://prometheus.test:9090',
    });
    const seen: Seen[] = [];
    runtime = buildRuntime(config, { logger: silentLogger(), store: new MemoryStore(), fetch: recordingFetch(seen) });
    await runtime.source.capabilities();
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s.headers).not.toHaveProperty('Authorization');
  });
});
