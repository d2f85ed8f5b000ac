// The RBAC shipped for the Kubernetes source grants exactly the lists the source makes, read-only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubernetesSource } from '../../../../src/evidence/sources/kubernetes';
import type { KubeApi } from '../../../../src/evidence/sources/kubernetes-api';

const file = path.resolve(__dirname, '..', '..', '..', '..', 'manifests', 'rbac', 'kubernetes-read.yaml');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

it('grants get/list on every collection the source lists, no write verb and no secrets', async () => {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
    (d) => d.toJSON() as { kind: string; rules?: Rule[] },
  );
  const rules = docs.find((d) => d.kind === 'ClusterRole')?.rules ?? [];
  const granted = new Set(rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))));
  expect(rules.flatMap((r) => r.verbs).every((v) => v === 'get' || v === 'list')).toBe(true);
  expect([...granted].some((g) => g.endsWith('/secrets'))).toBe(false);

  const paths: string[] = [];
  const api: KubeApi = { list: async (p) => (paths.push(p), []) };
  await new KubernetesSource({ api, namespaces: ['prod'] }).changes({ from: 0, to: 1 });
  const used = paths.map((p) => {
    const m = /^\/(?:api\/v1|apis\/(\w+)\/v1)(?:\/namespaces\/[^/]+)?\/(\w+)$/.exec(p);
    return `${m?.[1] ?? ''}/${m?.[2] ?? p}`;
  });
  expect(used.length).toBeGreaterThan(4);
  for (const u of used) expect(granted.has(u)).toBe(true);
});
