// Writes a complete scenario directory (DESIGN.md "Evidence on disk") from a seed and a root cause,
// and returns its ground truth so tests can check an analysis against it.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { renderLogs } from './logs';
import {
  SERVICES,
  World,
  externalHost,
  makeTimeline,
  type Fault,
  type RootCause,
  type ServiceState,
  type Timeline,
} from './model';
import { renderMetrics } from './openmetrics';
import { Rng, hash32 } from './prng';
import { renderTrace } from './traces';

export type { RootCause } from './model';
export { FAULTS, ROOT_CAUSES } from './model';
export type { Fault } from './model';

export interface ScenarioOptions {
  seed: number;
  rootCause: RootCause;
  out: string;
  /** What goes wrong (default a bad deploy of the root cause; else an external dependency it calls fails). */
  fault?: Fault;
  /** Data start (epoch ms); default 2026-11-27T01:22:00Z. */
  start?: number;
}

export interface GroundTruth {
  rootCause: RootCause;
  fault: Fault;
  /** The service or dependency to blame: the root cause, or the external host it calls. */
  culprit: string;
  /** The bad change, or null when nothing changed on our side (an external fault). */
  culpritChange: string | null;
  unrelatedChange: string;
  lateChange: string;
  steadyErrorService: string;
  downstream: string[];
  timeline: Timeline;
}

const CULPRIT: Record<RootCause, { version: string; summary: string }> = {
  payments: { version: 'v4.2.0', summary: 'payments v4.2.0 (fraud check reads ledger history per request)' },
  inventory: { version: 'v5.0.2', summary: 'inventory v5.0.2 (stock query without warehouse index)' },
  checkout: { version: 'v2.3.1', summary: 'checkout v2.3.1 (new cart merge on confirm)' },
};

interface ChangeLine {
  id: string;
  time: string;
  service: string;
  kind: string;
  summary: string;
  author: string;
  version?: string;
}

/** Generates the scenario into `opts.out` and returns its ground truth. */
export function generateScenario(opts: ScenarioOptions): GroundTruth {
  const rng = new Rng(hash32(`${opts.seed}:timeline`));
  const tl = makeTimeline(rng, opts.start ?? Date.parse('2026-11-27T01:22:00Z'));
  const fault = opts.fault ?? 'deploy';
  const world = new World(opts.seed, opts.rootCause, tl, fault);
  const times: number[] = [];
  for (let t = tl.start; t <= tl.end; t += tl.stepMs) times.push(t);
  const states = new Map<string, ServiceState[]>();
  for (const s of SERVICES)
    states.set(
      s.name,
      times.map((t) => world.state(s.name, t)),
    );

  const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');
  const culprit = CULPRIT[opts.rootCause];
  const notifAt = tl.onset - 25 * 60_000 + rng.int(-60, 60) * 1000;
  const changes: ChangeLine[] = [
    {
      id: 'chg-1041',
      time: iso(tl.onset - 92 * 60_000),
      service: 'redis',
      kind: 'infra',
      summary: 'redis maxmemory 2gb -> 3gb',
      author: 'sre-bot',
    },
    {
      id: 'chg-1042',
      time: iso(tl.onset - 71 * 60_000),
      service: 'web',
      kind: 'flag',
      summary: 'flag new-product-grid 10% -> 25%',
      author: 'maria',
    },
    {
      id: 'chg-1043',
      time: iso(notifAt),
      service: 'notifications',
      kind: 'deploy',
      summary: 'notifications v1.8.3 (email template refresh)',
      author: 'deploy-bot',
      version: 'v1.8.3',
    },
    ...(fault === 'deploy'
      ? [
          {
            id: 'chg-1044',
            time: iso(tl.deployAt),
            service: opts.rootCause,
            kind: 'deploy',
            summary: culprit.summary,
            author: 'deploy-bot',
            version: culprit.version,
          },
        ]
      : []),
    {
      id: 'chg-1045',
      time: iso(tl.onset + 4 * 60_000 + 20_000),
      service: 'api-gateway',
      kind: 'config',
      summary: 'api-gateway upstream timeout 3s -> 5s (mitigation attempt)',
      author: 'oncall',
    },
  ];
  const dir = opts.out;
  mkdirSync(join(dir, 'logs'), { recursive: true });
  mkdirSync(join(dir, 'metrics'), { recursive: true });
  mkdirSync(join(dir, 'traces'), { recursive: true });
  writeFileSync(join(dir, 'changes.jsonl'), changes.map((c) => JSON.stringify(c)).join('\n') + '\n');
  writeFileSync(
    join(dir, 'topology.yaml'),
    stringify({ services: SERVICES.map((s) => ({ name: s.name, kind: s.kind, calls: s.calls })) }),
  );
  writeFileSync(
    join(dir, 'incident.yaml'),
    stringify({
      title: 'Checkout is slow and failing for customers',
      channel: 'inc-checkout-latency',
      started_at: iso(tl.startedAt),
      description: 'Customers report spinning checkout and 5xx pages. Opened from a web 5xx-rate page.',
    }),
  );
  for (const s of SERVICES)
    writeFileSync(
      join(dir, 'metrics', `${s.name}.prom`),
      renderMetrics(s.name, times, states.get(s.name) as ServiceState[]),
    );
  for (const [service, text] of renderLogs(world, times, states, notifAt))
    writeFileSync(join(dir, 'logs', `${service}.log`), text);
  writeFileSync(join(dir, 'traces', 'checkout.json'), JSON.stringify(renderTrace(world, rng), null, 1) + '\n');
  const truth: GroundTruth = {
    rootCause: opts.rootCause,
    fault,
    culprit: fault === 'deploy' ? opts.rootCause : externalHost(opts.seed),
    culpritChange: fault === 'deploy' ? 'chg-1044' : null,
    unrelatedChange: 'chg-1043',
    lateChange: 'chg-1045',
    steadyErrorService: 'inventory',
    downstream: world.affectedCallers,
    timeline: tl,
  };
  writeFileSync(join(dir, 'README.md'), readme(truth, changes, opts));
  return truth;
}

function readme(t: GroundTruth, changes: ChangeLine[], opts: ScenarioOptions): string {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const c = (id: string): string => {
    const x = changes.find((y) => y.id === id) as ChangeLine;
    return `\`${x.id}\` ${x.kind} ${x.summary} at ${x.time}`;
  };
  return `# Scenario: checkout latency (generated)

Generated by \`npm run scenario -- --seed ${opts.seed} --root-cause ${opts.rootCause}\` (tools/scenario/cli.ts).
Deterministic: the same seed and root cause write the same bytes. Do not edit by hand.

## Ground truth

- **Root cause:** ${t.culpritChange ? `${t.rootCause}, bad deploy ${c(t.culpritChange)}` : `${t.culprit} (${t.fault}), an external dependency ${t.rootCause} calls; nothing changed on our side`}.
- **Onset:** ${iso(t.timeline.onset)} (${Math.round((t.timeline.onset - t.timeline.deployAt) / 1000)} s after the deploy); symptoms ramp up over ~45 s.
- **Channel opened (incident.yaml started_at, the files source's "now"):** ${iso(t.timeline.startedAt)}.
- **Data:** ${iso(t.timeline.start)} to ${iso(t.timeline.end)} at 15 s resolution; the hour before onset is the baseline.

## Red herrings (an analysis must not blame these)

- **Steady error:** inventory logs \`WARNING cache miss for sku\` and \`ERROR failed to refresh token, retrying\`
  at the same rate all along, before and during the incident.
- **Unrelated deploy in the same hour:** ${c(t.unrelatedChange)}; notifications shows no anomaly.
- **Louder downstream symptoms:** ${t.downstream.join(', ')} call ${t.rootCause} (directly or not); they time out
  after 3 s and return 5xx at a far higher rate than ${t.rootCause} itself.
- **After onset:** ${c(t.lateChange)} is a responder's mitigation, not a cause.
${t.rootCause === 'checkout' ? '' : `- **Database symptoms:** postgres active connections and slow statements rise because ${t.rootCause} holds connections with a slow query.\n`}
## Files

- \`logs/<service>.log\`: nginx access (web), JSON lines (api-gateway, notifications), logfmt (checkout),
  Spring Boot with stack traces (payments), Python logging with tracebacks (inventory), PostgreSQL, Redis.
- \`metrics/<service>.prom\`: OpenMetrics with timestamps, a \`service\` label on every series, \`# EOF\`
  (load into Prometheus with \`promtool tsdb create-blocks-from openmetrics metrics/payments.prom ./data\`).
- \`changes.jsonl\`, \`topology.yaml\`, \`incident.yaml\`, \`traces/checkout.json\` (OTLP/JSON).
`;
}
