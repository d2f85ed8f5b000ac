// The Helm chart as far as this machine can check without helm: Chart.yaml and values.yaml parse,
// every value carries a comment, templates balance their {{ }} actions and blocks, and the Deployment
// keeps the restricted security context, probes and read-only RBAC the README promises.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, parse, parseDocument, type Node } from 'yaml';

const CHART = path.resolve(__dirname, '../../../charts/incident-scout');
const read = (f: string) => readFileSync(path.join(CHART, f), 'utf8');
const templates = readdirSync(path.join(CHART, 'templates'));

/**
 * Dotted paths of every leaf value (and of empty maps/lists) with whether a comment documents it: a
 * comment above the key (above the first key of a map, the yaml library keeps it on the map), or one
 * above a whole block such as `resources:`.
 */
function documented(
  node: Node | null,
  prefix: string,
  inherited: boolean,
  out: Array<{ key: string; ok: boolean }>,
  firstComment = false,
): void {
  if (!isMap(node)) return;
  node.items.forEach((pair, i) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    const full = prefix ? `${prefix}.${key}` : key;
    const value = pair.value as Node | null;
    const above =
      Boolean(isScalar(pair.key) && pair.key.commentBefore) ||
      (i === 0 && (firstComment || Boolean(node.commentBefore)));
    const comment = above || Boolean(value?.comment);
    if (isMap(value) && value.items.length > 0) documented(value, full, comment || inherited, out);
    else out.push({ key: full, ok: comment || inherited });
  });
}

describe('charts/incident-scout', () => {
  it('has a Chart.yaml for Helm 3 naming the chart and versions', () => {
    const chart = parse(read('Chart.yaml')) as Record<string, unknown>;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'incident-scout', type: 'application' });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof chart.appVersion).toBe('string');
  });

  it('documents every value in values.yaml with a comment', () => {
    const doc = parseDocument(read('values.yaml'));
    expect(doc.errors).toEqual([]);
    const leaves: Array<{ key: string; ok: boolean }> = [];
    documented(doc.contents as Node, '', false, leaves, Boolean(doc.commentBefore));
    expect(leaves.length).toBeGreaterThan(30);
    expect(leaves.filter((l) => !l.ok).map((l) => l.key)).toEqual([]);
  });

  it('documents every value in the README with its default', () => {
    const doc = parseDocument(read('values.yaml'));
    const leaves: Array<{ key: string; ok: boolean }> = [];
    documented(doc.contents as Node, '', false, leaves, Boolean(doc.commentBefore));
    const readme = readFileSync(path.resolve(CHART, '../../README.md'), 'utf8');
    const rows = new Set([...readme.matchAll(/^\| `([A-Za-z0-9_.]+)` \| `/gm)].map((m) => m[1]));
    expect(leaves.map((l) => l.key).filter((k) => !rows.has(k))).toEqual([]);
  });

  it('uses only values that values.yaml defines', () => {
    const values = parse(read('values.yaml')) as Record<string, unknown>;
    const has = (p: string) =>
      p
        .split('.')
        .reduce<unknown>(
          (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
          values,
        ) !== undefined;
    const used = new Set<string>();
    for (const t of templates)
      for (const m of read(`templates/${t}`).matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) used.add(m[1] as string);
    expect([...used].filter((p) => !has(p))).toEqual([]);
  });

  it.each(templates)('%s balances its {{ }} actions and its if/with/range/define blocks', (t) => {
    const text = read(`templates/${t}`);
    expect(text.split('{{').length).toBe(text.split('}}').length);
    const actions = [...text.matchAll(/\{\{-?\s*(\/\*[\s\S]*?\*\/|[\s\S]*?)\s*-?\}\}/g)].map((m) =>
      (m[1] as string).trim(),
    );
    let depth = 0;
    for (const a of actions) {
      if (/^(if|with|range|define)\b/.test(a)) depth += 1;
      else if (/^end\b/.test(a)) depth -= 1;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });

  it('runs the pod restricted: non-root, read-only root filesystem, no escalation, no capabilities, RuntimeDefault seccomp', () => {
    const d = read('templates/deployment.yaml');
    for (const line of [
      'runAsNonRoot: true',
      'readOnlyRootFilesystem: true',
      'allowPrivilegeEscalation: false',
      'drop: ["ALL"]',
      'type: RuntimeDefault',
    ]) {
      expect(d).toContain(line);
    }
    expect(d).toMatch(/readinessProbe:\s+httpGet:\s+path: \/healthz/);
    expect(d).toMatch(/livenessProbe:\s+httpGet:\s+path: \/healthz/);
    expect(d).toMatch(/- name: tmp\s+emptyDir: \{\}/);
    expect(d).toContain('secretRef:');
  });

  it('grants the service account only get, list and watch', () => {
    const rbac = read('templates/rbac.yaml');
    const verbs = [...rbac.matchAll(/verbs: \[(.*)\]/g)].map((m) => m[1]);
    expect(verbs.length).toBeGreaterThan(0);
    for (const v of verbs) expect(v).toBe('"get", "list", "watch"');
    for (const r of ['pods', 'events', 'nodes', 'deployments', 'replicasets']) expect(rbac).toContain(`"${r}"`);
  });

  it('grants every resource the Kubernetes source lists (as manifests/rbac/kubernetes-read.yaml does)', () => {
    const resources = (text: string) =>
      new Set([...text.matchAll(/resources: \[(.*)\]/g)].flatMap((m) => (m[1] as string).split(/,\s*/)));
    const needed = resources(readFileSync(path.resolve(CHART, '../../manifests/rbac/kubernetes-read.yaml'), 'utf8'));
    const granted = resources(read('templates/rbac.yaml'));
    expect([...needed].filter((r) => !granted.has(r))).toEqual([]);
  });

  it('turns the Kubernetes source on from kubernetes.namespaces', () => {
    expect(read('templates/deployment.yaml')).toMatch(
      /- name: KUBERNETES_NAMESPACES\s+value: \{\{ join "," \.Values\.kubernetes\.namespaces \| quote \}\}/,
    );
  });
});
