// OpenMetrics text for the scenario: one file per service, families contiguous, each series' samples in
// time order, integer-second timestamps, `# EOF` at the end (what promtool's backfill expects).

import { normalCdf } from './prng';
import { SERVICES, serviceDef, type ServiceState } from './model';

export const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

type Labels = Record<string, string>;

function lbl(labels: Labels): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

function num(v: number, digits = 0): string {
  return digits ? v.toFixed(digits) : String(Math.round(v));
}

class Family {
  readonly lines: string[] = [];
  constructor(name: string, type: string, help: string, unit?: string) {
    this.lines.push(`# TYPE ${name} ${type}`);
    if (unit) this.lines.push(`# UNIT ${name} ${unit}`);
    this.lines.push(`# HELP ${name} ${help}`);
  }
}

/** Fraction of lognormal latencies (median p50, 99th percentile p99) at or below x. */
function latencyCdf(x: number, p50: number, p99: number): number {
  const sigma = Math.max(0.05, Math.log(p99 / p50) / 2.326);
  return normalCdf((Math.log(x) - Math.log(p50)) / sigma);
}

/** Renders one service's metrics file from its per-scrape states. */
export function renderMetrics(service: string, times: readonly number[], states: readonly ServiceState[]): string {
  const d = serviceDef(service);
  const sec = (t: number): string => String(Math.round(t / 1000));
  const dt = (i: number): number => (i === 0 ? 0 : (times[i]! - times[i - 1]!) / 1000);
  const fams: Family[] = [];
  const counterSeries = (
    fam: Family,
    sample: string,
    labels: Labels,
    inc: (s: ServiceState, i: number) => number,
    digits = 0,
  ): void => {
    let acc = 0;
    states.forEach((s, i) => {
      acc += inc(s, i);
      fam.lines.push(`${sample}${lbl(labels)} ${num(acc, digits)} ${sec(times[i]!)}`);
    });
  };
  const gaugeSeries = (
    fam: Family,
    sample: string,
    labels: Labels,
    val: (s: ServiceState) => number,
    digits = 0,
  ): void => {
    states.forEach((s, i) => fam.lines.push(`${sample}${lbl(labels)} ${num(val(s), digits)} ${sec(times[i]!)}`));
  };
  const svc = { service };
  if (d.rps > 0) {
    // The edge answers 502/504, the gateway 504 (its upstream timeout), services 500. No histogram _sum: size.
    const reqName = service === 'web' ? 'nginx_http_requests' : 'http_requests';
    const req = new Family(reqName, 'counter', 'Requests served, by status code.');
    const errCodes = d.kind === 'edge' ? ['502', '504'] : service === 'api-gateway' ? ['504'] : ['500'];
    counterSeries(req, `${reqName}_total`, { ...svc, status: '200' }, (s, i) => s.rps * (1 - s.errRatio) * dt(i));
    for (const code of errCodes)
      counterSeries(
        req,
        `${reqName}_total`,
        { ...svc, status: code },
        (s, i) => (s.rps * s.errRatio * dt(i)) / errCodes.length,
      );
    fams.push(req);
    if (service !== 'web' && service !== 'notifications') {
      const h = new Family('http_request_duration_seconds', 'histogram', 'Request latency.', 'seconds');
      const accB = BUCKETS.map(() => 0);
      let accN = 0;
      states.forEach((s, i) => {
        const n = s.rps * dt(i);
        BUCKETS.forEach((le, b) => {
          accB[b]! += n * latencyCdf(le, s.p50, s.p99);
          h.lines.push(
            `http_request_duration_seconds_bucket${lbl({ ...svc, le: String(le) })} ${num(accB[b]!)} ${sec(times[i]!)}`,
          );
        });
        accN += n;
        h.lines.push(
          `http_request_duration_seconds_bucket${lbl({ ...svc, le: '+Inf' })} ${num(accN)} ${sec(times[i]!)}`,
        );
        h.lines.push(`http_request_duration_seconds_count${lbl(svc)} ${num(accN)} ${sec(times[i]!)}`);
      });
      fams.push(h);
    }
  }
  if (service === 'payments') {
    const q = new Family('db_query_duration_seconds', 'summary', 'JDBC query latency.', 'seconds');
    let n = 0;
    let sum = 0;
    states.forEach((s, i) => {
      const ts = sec(times[i]!);
      q.lines.push(`db_query_duration_seconds${lbl({ ...svc, quantile: '0.5' })} ${num(s.p50 * 0.4, 4)} ${ts}`);
      q.lines.push(`db_query_duration_seconds${lbl({ ...svc, quantile: '0.99' })} ${num(s.p99 * 0.8, 4)} ${ts}`);
      n += s.rps * 3 * dt(i);
      sum += s.rps * 3 * dt(i) * s.p50 * 0.5;
      q.lines.push(`db_query_duration_seconds_count${lbl(svc)} ${num(n)} ${ts}`);
      q.lines.push(`db_query_duration_seconds_sum${lbl(svc)} ${num(sum, 2)} ${ts}`);
    });
    fams.push(q);
    const pool = new Family('hikaricp_connections_active', 'gauge', 'Active JDBC connections (pool max 50).');
    gaugeSeries(pool, 'hikaricp_connections_active', { ...svc, pool: 'HikariPool-1' }, (s) =>
      Math.min(50, s.connections),
    );
    fams.push(pool);
  }
  if (service === 'inventory') {
    const pool = new Family('db_pool_connections_in_use', 'gauge', 'SQLAlchemy pool connections checked out.');
    gaugeSeries(pool, 'db_pool_connections_in_use', svc, (s) => Math.min(30, s.connections));
    fams.push(pool);
  }
  if (service === 'notifications') {
    const sent = new Family('notifications_sent', 'counter', 'Notifications delivered.');
    counterSeries(sent, 'notifications_sent_total', { ...svc, channel: 'email' }, (s, i) => s.rps * dt(i));
    fams.push(sent);
  }
  if (service === 'postgres') {
    const act = new Family('pg_stat_activity_count', 'gauge', 'Backends by state.');
    gaugeSeries(act, 'pg_stat_activity_count', { ...svc, state: 'active' }, (s) => s.connections);
    fams.push(act);
  }
  if (service === 'redis') {
    const cl = new Family('redis_connected_clients', 'gauge', 'Client connections.');
    gaugeSeries(cl, 'redis_connected_clients', svc, (s) => 40 + s.connections);
    fams.push(cl);
    const ops = new Family('redis_commands_processed', 'counter', 'Commands processed.');
    counterSeries(ops, 'redis_commands_processed_total', svc, (s, i) => 800 * (s.rps || 1) * dt(i));
    fams.push(ops);
  }
  if (service === 'queue') {
    const q = new Family('rabbitmq_queue_messages_ready', 'gauge', 'Messages ready for delivery.');
    gaugeSeries(q, 'rabbitmq_queue_messages_ready', { ...svc, queue: 'notifications' }, (s) => 3 + 4 * s.cpu);
    fams.push(q);
  }
  const cpu = new Family('process_cpu_seconds', 'counter', 'CPU time consumed.', 'seconds');
  counterSeries(cpu, 'process_cpu_seconds_total', svc, (s, i) => s.cpu * dt(i), 1);
  fams.push(cpu);
  // Memory only where it is worth watching (a JVM), to keep the example small.
  if (service === 'payments' || service === 'checkout') {
    const mem = new Family('process_resident_memory_bytes', 'gauge', 'Resident memory.', 'bytes');
    gaugeSeries(mem, 'process_resident_memory_bytes', svc, (s) => s.memMb * 1048576);
    fams.push(mem);
  }
  return `${fams.flatMap((f) => f.lines).join('\n')}\n# EOF\n`;
}

export const METRIC_SERVICES = SERVICES.map((s) => s.name);
