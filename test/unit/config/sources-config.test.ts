// Settings of the alert receivers and the Kubernetes and GitHub sources: env wins over the YAML file,
// a bad value names the variable and what was expected.
import * as fs from 'node:fs';
import { loadConfig } from '../../../src/config';
import { ConfigError } from '../../../src/domain/errors';

const yaml =
  (text: string) =>
  (file: string): string | null =>
    file.endsWith('incident-scout.yaml') ? text : defaultRead(file);
// Manifests come from the package; only incident-scout.yaml is stubbed.
function defaultRead(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function problems(env: Record<string, string>, readFile?: (f: string) => string | null): string[] {
  try {
    loadConfig(env, readFile ? { readFile } : {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('alert, Kubernetes and GitHub settings', () => {
  it('has no receiver, no Kubernetes and no GitHub by default, and the documented channel template', () => {
    const c = loadConfig({});
    expect(c.alerts).toEqual({ channelTemplate: 'inc-{date}-{alertname}', invite: [], privateChannels: false });
    expect(c.kubernetes).toBeUndefined();
    expect(c.github).toBeUndefined();
  });

  it('reads the alert settings from the environment', () => {
    const c = loadConfig({
      ALERT_WEBHOOK_TOKEN: 'a-long-enough-token-123',
      PAGERDUTY_WEBHOOK_SECRET: 'pd',
      ALERT_INVITE: 'U0AAA, S0BBB',
      ALERT_CHANNEL_TEMPLATE: 'incident-{service}',
      ALERT_CHANNEL_PRIVATE: 'true',
    });
    expect(c.alerts).toEqual({
      webhookToken: 'a-long-enough-token-123',
      pagerdutySecret: 'pd',
      invite: ['U0AAA', 'S0BBB'],
      channelTemplate: 'incident-{service}',
      privateChannels: true,
    });
  });

  it('names the variable and the expectation for bad alert settings', () => {
    expect(problems({ ALERT_WEBHOOK_TOKEN: 'short', ALERT_INVITE: 'dana', ALERT_CHANNEL_PRIVATE: 'yes' })).toEqual([
      'env ALERT_WEBHOOK_TOKEN: expected at least 16 characters',
      'env ALERT_INVITE: expected comma-separated Slack user (U…, W…) or usergroup (S…) ids',
      'env ALERT_CHANNEL_PRIVATE: expected true or false',
    ]);
  });

  it('turns Kubernetes on with namespaces, in-cluster when the kubelet set the service host', () => {
    const c = loadConfig({
      KUBERNETES_NAMESPACES: 'prod, payments',
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      KUBERNETES_SERVICE_PORT: '443',
    });
    expect(c.kubernetes).toEqual({
      namespaces: ['prod', 'payments'],
      inCluster: { host: '10.0.0.1', port: '443' },
      serviceLabel: 'app.kubernetes.io/name',
    });
    expect(problems({ KUBERNETES_NAMESPACES: 'Prod!' })).toEqual([
      'env KUBERNETES_NAMESPACES: expected * or comma-separated namespace names',
    ]);
  });

  it('refuses to serve a Kubernetes source without usable credentials, naming KUBECONFIG', () => {
    const kubeconfig = [
      'apiVersion: v1',
      'current-context: prod',
      'contexts: [{ name: prod, context: { cluster: c, user: u } }]',
      'clusters: [{ name: c, cluster: { server: "https://k8s.example:6443" } }]',
      'users: [{ name: u, user: { token: abc } }]',
    ].join('\n');
    const files = (f: string): string | null => (f === '/home/me/.kube/config' ? kubeconfig : defaultRead(f));
    const serve = (env: Record<string, string>): string[] => {
      try {
        loadConfig({ KUBERNETES_NAMESPACES: 'prod', ...env }, { requireEvidence: true, readFile: files });
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
      return [];
    };
    const expected = 'expected a kubeconfig with a token or client certificate';
    expect(serve({ KUBECONFIG: '/home/me/.kube/config' })).toEqual([]);
    expect(serve({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toEqual([]);
    expect(serve({ KUBECONFIG: '/nonexistent/kubeconfig' })).toEqual([
      `env KUBECONFIG: /nonexistent/kubeconfig not found; ${expected}`,
    ]);
    expect(serve({})).toEqual([
      `env KUBECONFIG: required with KUBERNETES_NAMESPACES outside a pod (no KUBERNETES_SERVICE_HOST); ${expected}`,
    ]);
  });

  it('reads GitHub repos and Kubernetes settings from incident-scout.yaml', () => {
    const read = yaml(
      'github:\n  repos: { payments: acme/payments }\nkubernetes:\n  namespaces: ["*"]\n  context: staging\n  service_label: app\n',
    );
    const c = loadConfig({ GITHUB_TOKEN: 'ghp_x', KUBECONFIG: '/home/me/.kube/config' }, { readFile: read });
    expect(c.github).toEqual({
      token: 'ghp_x',
      apiUrl: 'https://api.github.com',
      repos: { payments: 'acme/payments' },
    });
    expect(c.kubernetes).toEqual({
      namespaces: ['*'],
      kubeconfig: '/home/me/.kube/config',
      context: 'staging',
      serviceLabel: 'app',
    });
    expect(problems({}, yaml('github:\n  repos: { payments: not-a-repo }\n'))[0]).toContain('expected owner/name');
  });
});
