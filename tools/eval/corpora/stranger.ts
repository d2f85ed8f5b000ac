// The "stranger" corpus: incidents of the bot's own kind (a small service estate with metrics, logs,
// changes, maybe traces) written independently of tools/scenario, from the scenario format alone, so
// that the product is measured on incidents it was not shaped around. Deterministic per seed.
//
//   node dist-tools/tools/eval/corpora/stranger.js OUT_DIR [--n 60] [--seed 1]
//
// Each scenario dir holds incident.yaml, topology.yaml, changes.jsonl, metrics/, logs/, maybe traces/,
// and truth.json (the schema score.mjs reads). See tools/eval/README.md.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { FAULTS, Rng, makeWorld, type Svc, type World } from './stranger-world';
import { Simulation } from './stranger-state';
import { renderMetrics, type MetricStyle } from './stranger-metrics';
import { renderLogs, renderTraces, type LogFormat } from './stranger-logs';

interface Change {
  id: string;
  time: string;
  service: string;
  kind: 'deploy' | 'config' | 'flag' | 'infra';
  summary: string;
  author: string;
}

const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/** Changes: the root's own change for deploy/config faults, herring deploys, routine ones long before the onset. */
function changesOf(w: World, rng: Rng): { list: Change[]; root: Change | null } {
  const list: Change[] = [];
  let n = 1000 + rng.int(0, 8000);
  const add = (t: number, service: string, kind: Change['kind'], summary: string): Change => {
    const c = {
      id: `chg-${n++}`,
      time: iso(t),
      service,
      kind,
      summary,
      author: rng.pick(['deploy-bot', 'argocd', 'maria', 'k.osei', 'oncall']),
    };
    list.push(c);
    return c;
  };
  const version = () => `v${rng.int(1, 9)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
  // Routine changes well away from the onset.
  for (let k = rng.int(1, 4); k > 0; k--) {
    const s = rng.pick(w.services);
    const t = w.onset - rng.int(25, 24 * 60) * 60_000;
    add(t, s.name, rng.pick(['deploy', 'config', 'flag'] as const), `${s.name} ${version()} (routine release)`);
  }
  let root: Change | null = null;
  if (w.fault === 'bad_deploy')
    root = add(
      w.onset - rng.int(20, 300) * 1000,
      w.root,
      'deploy',
      `${w.root} ${version()} (refactor request handling)`,
    );
  if (w.fault === 'config_change')
    root = add(
      w.onset - rng.int(20, 300) * 1000,
      w.root,
      'config',
      `${w.root}: reload rules from config map (region rules v${rng.int(2, 40)})`,
    );
  for (const h of w.herrings)
    if (h.kind === 'unrelated_deploy' && h.at !== undefined)
      add(h.at, h.service, 'deploy', `${h.service} ${version()} (dependency bumps)`);
  return { list: list.sort((a, b) => a.time.localeCompare(b.time)), root };
}

/** The page that opened the channel: what users or an alert saw, never the cause. */
function incidentOf(w: World, sim: Simulation): string {
  const edge = w.services[0] as Svc;
  const states = sim.states.get(edge.name) ?? [];
  const before = states[Math.max(0, sim.times.findIndex((t) => t >= w.onset) - 1)];
  const now = states[states.length - 1];
  const failing = before && now ? now.err > before.err * 3 + 0.01 : !w.latencyVariant;
  const queue = w.services.find((s) => s.role === 'queue');
  const title =
    w.fault === 'queue_backlog' && queue
      ? `Alert: ${queue.name} messages ready above 10000`
      : failing
        ? `Elevated 5xx rate on ${edge.name}`
        : `${edge.name} latency SLO burn rate high`;
  return [
    `title: "${title}"`,
    `channel: "#inc-${w.seed}"`,
    `started_at: "${iso(Math.floor(w.clock / 1000) * 1000)}"`,
    `description: "Paged by the on-call alert; opened by a human a few minutes later."`,
    '',
  ].join('\n');
}

function topologyOf(w: World): string {
  const kind = (s: Svc) =>
    s.role === 'db' || s.role === 'cache' || s.role === 'queue' || s.role === 'dns'
      ? 'infra'
      : s.role === 'edge'
        ? 'edge'
        : 'service';
  return (
    'services:\n' +
    w.services.map((s) => `  - name: ${s.name}\n    kind: ${kind(s)}\n    calls: [${s.calls.join(', ')}]`).join('\n') +
    '\n'
  );
}

/** Writes one scenario into `dir`. */
export function writeScenario(seed: number, dir: string): World {
  const w = makeWorld(seed);
  const rng = new Rng(seed * 104729 + 7);
  const sim = new Simulation(w);
  fs.mkdirSync(path.join(dir, 'metrics'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const label = rng.pick(['service', 'job', 'app']);
  const style = rng.pick<MetricStyle>(['prom-client', 'gauges', 'k8s']);
  const mixed = rng.chance(0.2);
  for (const s of w.services) {
    const st = mixed ? rng.pick<MetricStyle>(['prom-client', 'gauges', 'k8s']) : style;
    fs.writeFileSync(path.join(dir, 'metrics', `${s.name}.prom`), renderMetrics(w, sim, s, st, label, rng));
    const fmt: LogFormat =
      s.role === 'dns'
        ? 'coredns'
        : s.role === 'edge' && rng.chance(0.6)
          ? 'nginx'
          : rng.pick<LogFormat>(['plain', 'json', 'logfmt', 'java']);
    if (s.role === 'cache' && rng.chance(0.5)) continue; // caches often ship no logs
    fs.writeFileSync(path.join(dir, 'logs', `${s.name}.log`), renderLogs(w, sim, s, fmt, rng));
  }
  if (w.tracesOn) {
    fs.mkdirSync(path.join(dir, 'traces'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'traces', 'traces.json'), renderTraces(w, sim, rng));
  }
  const { list, root } = changesOf(w, rng);
  fs.writeFileSync(path.join(dir, 'changes.jsonl'), list.map((c) => JSON.stringify(c)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'topology.yaml'), topologyOf(w));
  fs.writeFileSync(path.join(dir, 'incident.yaml'), incidentOf(w, sim));
  const truth = {
    root_cause_service: w.root,
    root_cause_change: root?.id ?? null,
    root_cause_change_summary: root?.summary ?? null,
    fault_class: w.fault,
    red_herrings: w.herrings.map((h) => ({ service: h.service, kind: h.kind })),
    onset: new Date(w.onset).toISOString(),
    dataset: 'stranger',
    seed,
    shape: {
      services: w.services.length,
      step_s: w.step,
      history_min: (w.onset - w.start) / 60_000,
      traces: w.tracesOn,
      label,
      style: mixed ? 'mixed' : style,
    },
  };
  fs.writeFileSync(path.join(dir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return w;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { n: { type: 'string', default: String(FAULTS.length * 5) }, seed: { type: 'string', default: '1' } },
  });
  const out = positionals[0];
  if (!out) {
    process.stderr.write('usage: stranger.js OUT_DIR [--n 55] [--seed 1]\n');
    process.exit(2);
  }
  const first = Number(values.seed);
  for (let i = 0; i < Number(values.n); i++) {
    const seed = first + i;
    const w = makeWorld(seed);
    writeScenario(seed, path.join(out, `stranger-${String(seed).padStart(3, '0')}-${w.fault}`));
  }
  process.stdout.write(`wrote ${values.n} scenarios to ${out}\n`);
}

if (require.main === module) main();
