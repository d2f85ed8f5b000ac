// Settings of the Prometheus and Loki sources and of evidence links: env wins over the YAML file,
// a bad or half-given value names the variable and what was expected.
import * as fs from 'node:fs';
import { loadConfig } from '../../../src/config';
import { ConfigError } from '../../../src/domain/errors';

const yaml =
  (text: string) =>
  (file: string): string | null => {
    if (file.endsWith('incident-scout.yaml')) return text;
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('evidence source settings', () => {
  it('defaults: a 15 s timeout, no auth, the service label found at run time, no Grafana', () => {
    expect(loadConfig({ PROMETHEUS_URL: 'http://prom:9090' }).evidence).toEqual({
      prometheusUrl: 'http://prom:9090',
      timeoutMs: 15_000,
    });
  });

  it('reads basic auth, service labels, the timeout and Grafana from env, over the file', () => {
    const c = loadConfig(
      {
        PROMETHEUS_URL: 'http://prom:9090',
        PROMETHEUS_USERNAME: 'scout',
        PROMETHEUS_PASSWORD: 'p1',
        LOKI_URL: 'http://loki:3100',
        LOKI_USERNAME: '123',
        LOKI_PASSWORD: 'glc_x',
        LOKI_SERVICE_LABEL: 'service_name',
        SOURCE_TIMEOUT_MS: '5000',
        GRAFANA_URL: 'https://grafana.example',
        GRAFANA_LOKI_UID: 'loki-uid',
      },
      {
        readFile: yaml(
          'evidence:\n  prometheus_service_label: job\n  timeout_ms: 9000\n  grafana_prometheus_uid: prom-uid\n  grafana_url: https://other.example\n',
        ),
      },
    );
    expect(c.evidence).toEqual({
      prometheusUrl: 'http://prom:9090',
      prometheusBasic: { username: 'scout', password: 'p1' },
      prometheusServiceLabel: 'job',
      lokiUrl: 'http://loki:3100',
      lokiBasic: { username: '123', password: 'glc_x' },
      lokiServiceLabel: 'service_name',
      timeoutMs: 5000,
      grafana: { url: 'https://grafana.example', prometheusUid: 'prom-uid', lokiUid: 'loki-uid' },
    });
  });

  it('names a half-given basic auth, a token beside it, a bad label and a bad timeout', () => {
    expect(
      problems({
        PROMETHEUS_USERNAME: 'scout',
        LOKI_PASSWORD: 'x',
        LOKI_USERNAME: 'u',
        LOKI_TOKEN: 't',
        PROMETHEUS_SERVICE_LABEL: 'app.kubernetes.io/name',
        SOURCE_TIMEOUT_MS: '10',
      }),
    ).toEqual(
      expect.arrayContaining([
        'env PROMETHEUS_PASSWORD: required with PROMETHEUS_USERNAME (basic auth)',
        'env LOKI_TOKEN: set either a bearer token or LOKI_USERNAME/LOKI_PASSWORD, not both',
        'env PROMETHEUS_SERVICE_LABEL: expected a label name (letters, digits, _)',
        'env SOURCE_TIMEOUT_MS: expected an integer 100-600000',
      ]),
    );
  });
});
