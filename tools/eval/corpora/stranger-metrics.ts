// The "stranger" corpus, part 3: metrics as OpenMetrics text in one of three conventions a team might
// use (Prometheus client defaults, hand-made gauges, Kubernetes/cAdvisor style), under a service label
// named `service`, `job` or `app`.

import type { Rng, Svc, World } from './stranger-world';
import type { Simulation, State } from './stranger-state';

export type MetricStyle = 'prom-client' | 'gauges' | 'k8s';
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  help: string;
  /** Samples of this family at one step: [suffix+labels, value]. */
  at: (st: State, acc: Acc) => [string, number][];
}
interface Acc {
  ok: number;
  bad: number;
  cpuSec: number;
  buckets: number[];
  sum: number;
  count: number;
  served: number;
}

/** Fraction of requests at or under `le` seconds for a median of `medMs` (log-logistic, shape 3). */
function under(le: number, medMs: number): number {
  return 1 / (1 + Math.pow(medMs / 1000 / le, 3));
}

function families(style: MetricStyle, svc: Svc, lbl: string): Family[] {
  const L = `${lbl}="${svc.name}"`;
  const out: Family[] = [];
  const served = svc.role !== 'cron' && svc.role !== 'dns';
  if (style === 'prom-client' && served)
    out.push(
      {
        name: 'http_server_requests',
        type: 'counter',
        help: 'Requests served by status class.',
        at: (_s, a) => [
          [`_total{${L},code="2xx"}`, a.ok],
          [`_total{${L},code="5xx"}`, a.bad],
        ],
      },
      {
        name: 'http_server_request_duration_seconds',
        type: 'histogram',
        help: 'Request duration.',
        at: (_s, a) => [
          ...BUCKETS.map((le, i): [string, number] => [`_bucket{${L},le="${le}"}`, a.buckets[i] as number]),
          [`_bucket{${L},le="+Inf"}`, a.count],
          [`_sum{${L}}`, a.sum],
          [`_count{${L}}`, a.count],
        ],
      },
    );
  if (style === 'gauges' && served)
    out.push(
      { name: 'requests_per_second', type: 'gauge', help: 'Request rate.', at: (s) => [[`{${L}}`, s.rps]] },
      { name: 'error_ratio', type: 'gauge', help: 'Failed / all requests.', at: (s) => [[`{${L}}`, s.err]] },
      {
        name: 'latency_p99_ms',
        type: 'gauge',
        help: 'p99 latency over the last interval.',
        at: (s) => [[`{${L}}`, s.lat * 3.2]],
      },
    );
  if (style === 'k8s' && served)
    out.push(
      { name: 'requests', type: 'counter', help: 'Requests.', at: (_s, a) => [[`_total{${L}}`, a.ok + a.bad]] },
      { name: 'request_errors', type: 'counter', help: 'Failed requests.', at: (_s, a) => [[`_total{${L}}`, a.bad]] },
      {
        name: 'response_time_seconds',
        type: 'summary',
        help: 'Response time.',
        at: (s) => [
          [`{${L},quantile="0.5"}`, s.lat / 1000],
          [`{${L},quantile="0.99"}`, (s.lat * 3.2) / 1000],
        ],
      },
    );
  if (style === 'gauges')
    out.push(
      { name: 'cpu_percent', type: 'gauge', help: 'CPU, percent of one core.', at: (s) => [[`{${L}}`, s.cpu * 100]] },
      { name: 'memory_used_mb', type: 'gauge', help: 'Resident memory.', at: (s) => [[`{${L}}`, s.memMb]] },
    );
  else
    out.push(
      {
        name: style === 'k8s' ? 'container_cpu_usage_seconds' : 'process_cpu_seconds',
        type: 'counter',
        help: 'CPU time.',
        at: (_s, a) => [[`_total{${L}}`, a.cpuSec]],
      },
      {
        name: style === 'k8s' ? 'container_memory_working_set_bytes' : 'process_resident_memory_bytes',
        type: 'gauge',
        help: 'Memory.',
        at: (s) => [[`{${L}}`, Math.round(s.memMb * 1048576)]],
      },
    );
  if (style === 'k8s' || svc.role !== 'app')
    out.push({
      name: 'kube_pod_container_status_restarts',
      type: 'counter',
      help: 'Container restarts.',
      at: (s) => [[`_total{${L}}`, s.restarts]],
    });
  if (svc.role === 'app' && svc.calls.length)
    out.push(
      {
        name: 'db_pool_active_connections',
        type: 'gauge',
        help: 'Pool connections in use.',
        at: (s) => [[`{${L}}`, s.poolActive]],
      },
      {
        name: 'db_pool_pending_requests',
        type: 'gauge',
        help: 'Callers waiting for a connection.',
        at: (s) => [[`{${L}}`, s.poolPending]],
      },
    );
  if (svc.role === 'db' || svc.role === 'queue')
    out.push({
      name: 'disk_used_ratio',
      type: 'gauge',
      help: 'Data volume used.',
      at: (s) => [[`{${L}}`, s.diskUsed]],
    });
  if (svc.role === 'queue')
    out.push({
      name: 'queue_messages_ready',
      type: 'gauge',
      help: 'Messages waiting.',
      at: (s) => [[`{${L},queue="main"}`, s.queueDepth]],
    });
  if (svc.role === 'consumer')
    out.push({
      name: 'messages_processed',
      type: 'counter',
      help: 'Messages handled.',
      at: (_s, a) => [[`_total{${L}}`, a.served]],
    });
  if (svc.role === 'dns')
    out.push({
      name: 'coredns_dns_responses',
      type: 'counter',
      help: 'DNS responses by rcode.',
      at: (_s, a) => [
        [`_total{${L},rcode="NOERROR"}`, a.ok],
        [`_total{${L},rcode="SERVFAIL"}`, a.bad],
      ],
    });
  return out;
}

/** One service's metrics file. */
export function renderMetrics(w: World, sim: Simulation, svc: Svc, style: MetricStyle, lbl: string, rng: Rng): string {
  const fams = families(style, svc, lbl);
  const states = sim.states.get(svc.name) as State[];
  const acc: Acc = { ok: 0, bad: 0, cpuSec: 0, buckets: BUCKETS.map(() => 0), sum: 0, count: 0, served: 0 };
  const blocks = fams.map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`]);
  const msTs = rng.chance(0.3);
  sim.times.forEach((t, i) => {
    const st = states[i] as State;
    const n = st.rps * w.step;
    acc.ok += Math.round(n * (1 - st.err));
    acc.bad += Math.round(n * st.err);
    acc.served += Math.round(n);
    acc.cpuSec += st.cpu * w.step;
    BUCKETS.forEach((le, k) => (acc.buckets[k] = (acc.buckets[k] as number) + Math.round(n * under(le, st.lat))));
    acc.count += Math.round(n);
    acc.sum += (n * st.lat) / 1000;
    const ts = msTs ? String(t) : String(t / 1000);
    fams.forEach((f, k) => {
      for (const [suffix, v] of f.at(st, acc))
        (blocks[k] as string[]).push(`${f.name}${suffix} ${Number.isInteger(v) ? v : v.toFixed(4)} ${ts}`);
    });
  });
  return blocks.map((b) => b.join('\n')).join('\n') + '\n# EOF\n';
}
