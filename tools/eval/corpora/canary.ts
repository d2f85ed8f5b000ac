// Builds "concurrent releases" variants of a converted real scenario set (RCD, Nezha): the same faults,
// with 2-4 deploys around the onset. One goes to the root service shortly before the onset (or a minute or
// two after it, inside the onset's uncertainty); the others go to other services, before and after, one
// sometimes to a caller of the root. truth.root_cause_change is the root's deploy and the other deployed
// services are red herrings. Where metrics are per pod, a second variant makes the root's deploy a canary:
// a new pod of the root service appears at the deploy time carrying the recorded (faulty) series, while the
// old pod continues with values replayed from its own samples before the deploy and the onset, so nothing
// is invented beyond what the pod itself showed. Spans of the root's pod move to the new pod from the deploy
// time on. Seeded and deterministic; only this tool reads truth.json.
//
//   npm run build:tools && node dist-tools/tools/eval/corpora/canary.js <set dir> <out dir> [--seed N]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Rng } from '../../scenario/prng';

interface Truth {
  root_cause_service: string;
  onset: string;
  red_herrings?: Array<{ service: string; why: string }>;
  [k: string]: unknown;
}

export interface Deploy {
  id: string;
  time: number;
  service: string;
  kind: 'deploy';
  summary: string;
}

/** The scenario generator's seeded PRNG, keyed by the set's seed and the scenario's name. */
export function rng(seed: number, name: string): () => number {
  const r = new Rng((createHash('sha256').update(`${seed}:${name}`).digest().readUInt32LE(0) ^ seed) >>> 0);
  return () => r.next();
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const hex = (r: () => number, n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
const between = (r: () => number, lo: number, hi: number): number => lo + r() * (hi - lo);

/** Services and who calls whom, from topology.yaml's `- name:` / `calls: [...]` lines. */
export function readTopology(text: string): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const name = /^\s*-\s*name:\s*"?([^"\s]+)"?/.exec(line);
    if (name) {
      current = name[1] as string;
      calls.set(current, []);
      continue;
    }
    const c = /^\s*calls:\s*\[(.*)\]/.exec(line);
    if (c && current)
      calls.set(
        current,
        (c[1] as string)
          .split(',')
          .map((s) => s.trim().replace(/^"|"$/g, ''))
          .filter(Boolean),
      );
  }
  return calls;
}

/**
 * The deploys of one variant: the root's (first in the list) and 1-3 others within ±15 min of the onset,
 * at least one of them before the onset so the latest-before-onset deploy is not always the root's.
 */
export function planDeploys(r: () => number, root: string, onset: number, topology: Map<string, string[]>): Deploy[] {
  const services = [...topology.keys()].filter((s) => s !== root);
  const callers = services.filter((s) => (topology.get(s) ?? []).includes(root));
  const version = (): string => `v${1 + Math.floor(r() * 4)}.${Math.floor(r() * 30)}.${Math.floor(r() * 10)}`;
  const make = (service: string, time: number): Deploy => ({
    id: `rel-${hex(r, 10)}`,
    time: Math.round(time / 1000) * 1000,
    service,
    kind: 'deploy',
    summary: `${service} ${version()} rollout`,
  });
  // The root's deploy: usually 1-8 min before the onset; one time in four 30-120 s after the first symptom.
  const rootAt = r() < 0.25 ? onset + between(r, 30_000, 120_000) : onset - between(r, 60_000, 480_000);
  const out = [make(root, rootAt)];
  const others = Math.min(services.length, 1 + Math.floor(r() * 3));
  const pool = [...services];
  for (let i = 0; i < others; i++) {
    const useCaller = i === 0 && callers.length > 0 && r() < 0.5;
    const candidates = useCaller ? pool.filter((s) => callers.includes(s)) : pool;
    if (!candidates.length) break;
    const service = pick(r, candidates);
    pool.splice(pool.indexOf(service), 1);
    // The first other deploy lands before the onset, some of them closer to it than the root's.
    const before = i === 0 || r() < 0.5;
    const at = before ? onset - between(r, 0, 900_000) : onset + between(r, 30_000, 900_000);
    out.push(make(service, at));
  }
  return out;
}

interface Sample {
  line: string;
  t: number;
}

/** How long an earlier injected fault is taken to disturb the recording. */
const EARLIER_FAULT_MS = 6 * 60_000;

const valueOf = (s: Sample): number => Number(/\s(\S+)\s+\S+\s*$/.exec(s.line)?.[1]);

/**
 * The old pod's usual samples: those within 3 MADs of the median of all its samples before the cut, so
 * an earlier fault in the recorded history is not replayed as "normal".
 */
function typical(pre: Sample[]): Sample[] {
  const tail = pre.map(valueOf).sort((a, b) => a - b);
  const med = tail[Math.floor(tail.length / 2)] ?? 0;
  const dev = tail.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  const mad = Math.max(dev[Math.floor(dev.length / 2)] ?? 0, Math.abs(med) * 0.1);
  return pre.filter((s) => Math.abs(valueOf(s) - med) <= 3 * mad);
}

/**
 * The canary rewrite of an OpenMetrics text: every series of `root` labelled with pod `oldPod` splits at
 * `deployAt`. From then on the recorded samples carry `pod="newPod"`, and the old pod's samples are its
 * own usual values from before min(deploy, onset), outside earlier recorded faults (`disturbed`), replayed
 * in order. Returns null when a series of the old pod
 * has fewer than 3 samples before that time (nothing honest to replay).
 */
export function canaryMetrics(
  text: string,
  root: string,
  oldPod: string,
  newPod: string,
  deployAt: number,
  onset: number,
  disturbed: (t: number) => boolean = () => false,
): string | null {
  const cut = Math.min(deployAt, onset);
  const series = new Map<string, Sample[]>();
  const keep: string[] = [];
  const podLabel = `pod="${oldPod}"`;
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][\w:]*\{[^}]*\})\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m || !line.includes(`service="${root}"`) || !line.includes(podLabel)) {
      keep.push(line);
      continue;
    }
    const key = m[1] as string;
    const t = Number(m[3]) * 1000;
    const list = series.get(key) ?? [];
    list.push({ line, t });
    series.set(key, list);
  }
  const added: string[] = [];
  for (const [key, samples] of series) {
    const pre = typical(samples.filter((s) => s.t < cut && !disturbed(s.t)));
    if (pre.length < 3) return null;
    const newKey = key.replace(podLabel, `pod="${newPod}"`);
    let k = 0;
    for (const s of samples) {
      if (s.t < deployAt) {
        added.push(s.line);
        continue;
      }
      const [, value] = /\s(\S+)\s+\S+\s*$/.exec((pre[k % pre.length] as Sample).line) ?? [];
      k++;
      const ts = s.line.slice(s.line.lastIndexOf(' ') + 1);
      added.push(`${key} ${value} ${ts}`);
      added.push(s.line.replace(key, newKey));
    }
  }
  // Samples of one family stay together after its HELP/TYPE lines: append each family's lines after them.
  const byFamily = new Map<string, string[]>();
  for (const l of added) {
    const fam = l.slice(0, l.indexOf('{'));
    const list = byFamily.get(fam) ?? [];
    list.push(l);
    byFamily.set(fam, list);
  }
  const out: string[] = [];
  for (let i = 0; i < keep.length; i++) {
    const line = keep[i] as string;
    out.push(line);
    const fam = /^# TYPE (\S+)/.exec(line)?.[1];
    if (fam && byFamily.has(fam)) {
      out.push(...(byFamily.get(fam) as string[]));
      byFamily.delete(fam);
    }
  }
  for (const rest of byFamily.values()) out.push(...rest);
  return out.join('\n');
}

interface OtlpAttr {
  key: string;
  value: { stringValue?: string };
}
interface OtlpSpan {
  startTimeUnixNano: string;
  [k: string]: unknown;
}
interface OtlpResourceSpans {
  resource: { attributes: OtlpAttr[] };
  scopeSpans: Array<{ scope?: unknown; spans: OtlpSpan[] }>;
}

/** Moves the spans the old pod started at or after the deploy to a resource of the new pod. */
export function canarySpans(
  doc: { resourceSpans: OtlpResourceSpans[] },
  oldPod: string,
  newPod: string,
  deployAt: number,
): void {
  const moved: OtlpResourceSpans[] = [];
  for (const rs of doc.resourceSpans) {
    const pod = rs.resource.attributes.find((a) => a.key === 'k8s.pod.name');
    if (pod?.value.stringValue !== oldPod) continue;
    const scopes = rs.scopeSpans.map((ss) => {
      const late = ss.spans.filter((s) => Number(BigInt(s.startTimeUnixNano) / 1_000_000n) >= deployAt);
      ss.spans = ss.spans.filter((s) => !late.includes(s));
      return { ...ss, spans: late };
    });
    moved.push({
      resource: {
        attributes: rs.resource.attributes.map((a) =>
          a.key === 'k8s.pod.name' ? { key: a.key, value: { stringValue: newPod } } : a,
        ),
      },
      scopeSpans: scopes,
    });
  }
  doc.resourceSpans.push(...moved);
}

/** Hard-links a file where the filesystem allows it, else copies it. */
function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

function copyTree(from: string, to: string, skip: (rel: string) => boolean, rel = ''): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (skip(r)) continue;
    if (e.isDirectory()) copyTree(path.join(from, e.name), path.join(to, e.name), skip, r);
    else if (e.isFile()) linkOrCopy(path.join(from, e.name), path.join(to, e.name));
  }
}

/** The pods of `service` in an OpenMetrics text. */
function podsOf(text: string, service: string): string[] {
  const pods = new Set<string>();
  const re = new RegExp(`service="${service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^}]*pod="([^"]+)"`, 'g');
  for (const m of text.matchAll(re)) pods.add(m[1] as string);
  return [...pods];
}

function writeVariant(src: string, out: string, truth: Truth, deploys: Deploy[], edit: Set<string>): void {
  copyTree(src, out, (rel) => rel === 'truth.json' || rel === 'changes.jsonl' || edit.has(rel));
  const old = fs.existsSync(path.join(src, 'changes.jsonl'))
    ? fs.readFileSync(path.join(src, 'changes.jsonl'), 'utf8').trim()
    : '';
  const lines = deploys.map((d) => JSON.stringify({ ...d, time: new Date(d.time).toISOString() }));
  fs.writeFileSync(path.join(out, 'changes.jsonl'), [old, ...lines].filter(Boolean).join('\n') + '\n');
  const root = deploys[0] as Deploy;
  const herrings = deploys.slice(1).map((d) => ({ service: d.service, why: `concurrent deploy ${d.id}` }));
  const next = {
    ...truth,
    root_cause_change: root.id,
    red_herrings: [...(truth.red_herrings ?? []), ...herrings],
  };
  fs.writeFileSync(path.join(out, 'truth.json'), `${JSON.stringify(next, null, 2)}\n`);
}

/** Writes `<name>-rel` (and `<name>-canary` where the root has per-pod series) for one scenario. */
export function buildScenario(src: string, outDir: string, seed: number): string[] {
  const name = path.basename(src);
  const truth = JSON.parse(fs.readFileSync(path.join(src, 'truth.json'), 'utf8')) as Truth;
  const onset = Date.parse(truth.onset);
  const root = truth.root_cause_service;
  if (!root || !Number.isFinite(onset)) return [];
  const topoFile = path.join(src, 'topology.yaml');
  const topology = fs.existsSync(topoFile) ? readTopology(fs.readFileSync(topoFile, 'utf8')) : new Map();
  if (!topology.has(root)) topology.set(root, []);
  const r = rng(seed, name);
  const deploys = planDeploys(r, root, onset, topology);
  const written: string[] = [];
  const rel = path.join(outDir, `${name}-rel`);
  writeVariant(src, rel, truth, deploys, new Set());
  written.push(rel);

  // The canary variant: the root's deploy brings up a new pod; needs per-pod metrics of one root pod.
  const metricsDir = path.join(src, 'metrics');
  const promFiles = fs.existsSync(metricsDir) ? fs.readdirSync(metricsDir).filter((f) => f.endsWith('.prom')) : [];
  const deployAt = (deploys[0] as Deploy).time;
  // Earlier injected faults in the same recording ("YYYY-MM-DD HH:MM:SS service class") are not normal
  // behaviour: their first EARLIER_FAULT_MS are left out of what the old pod replays.
  const earlier = (Array.isArray(truth.earlier_faults_in_history) ? truth.earlier_faults_in_history : [])
    .map((x) => Date.parse(`${String(x).split(' ').slice(0, 2).join('T')}Z`))
    .filter(Number.isFinite);
  const disturbed = (t: number): boolean => earlier.some((f) => t >= f - 60_000 && t < f + EARLIER_FAULT_MS);
  const edits = new Map<string, string>();
  let oldPod: string | null = null;
  let newPod = '';
  for (const f of promFiles) {
    const text = fs.readFileSync(path.join(metricsDir, f), 'utf8');
    const pods = podsOf(text, root);
    if (pods.length !== 1) continue;
    oldPod = pods[0] as string;
    newPod = `${root}-${hex(r, 10)}-${hex(r, 5)}`;
    const rewritten = canaryMetrics(text, root, oldPod, newPod, deployAt, onset, disturbed);
    if (rewritten === null) return written;
    edits.set(path.join('metrics', f), rewritten);
  }
  if (!oldPod) return written;
  const tracesDir = path.join(src, 'traces');
  for (const f of fs.existsSync(tracesDir) ? fs.readdirSync(tracesDir).filter((x) => x.endsWith('.json')) : []) {
    const doc = JSON.parse(fs.readFileSync(path.join(tracesDir, f), 'utf8')) as { resourceSpans?: OtlpResourceSpans[] };
    if (!Array.isArray(doc.resourceSpans)) continue;
    canarySpans(doc as { resourceSpans: OtlpResourceSpans[] }, oldPod, newPod, deployAt);
    edits.set(path.join('traces', f), JSON.stringify(doc));
  }
  const can = path.join(outDir, `${name}-canary`);
  writeVariant(src, can, truth, deploys, new Set(edits.keys()));
  for (const [relPath, text] of edits) fs.writeFileSync(path.join(can, relPath), text);
  written.push(can);
  return written;
}

function main(argv: string[]): void {
  const [setDir, outDir] = argv;
  if (!setDir || !outDir) {
    console.error('usage: canary.js <set dir> <out dir> [--seed N]');
    process.exit(2);
  }
  const si = argv.indexOf('--seed');
  const seed = si >= 0 ? Number(argv[si + 1]) : 1;
  fs.mkdirSync(outDir, { recursive: true });
  let n = 0;
  for (const e of fs.readdirSync(setDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(setDir, e.name);
    if (!e.isDirectory() || !fs.existsSync(path.join(dir, 'truth.json'))) continue;
    n += buildScenario(dir, outDir, seed).length;
  }
  console.log(`wrote ${n} scenarios to ${outDir}`);
}

if (require.main === module) main(process.argv.slice(2));
