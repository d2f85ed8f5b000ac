// The "stranger" corpus, part 1: the world of one scenario (topology, fault, red herrings) and the
// per-step state of every service. Written from the scenario format in README.md and
// src/config/scenario.ts only, as a team that never saw our generator would write incidents:
// each fault leaves the evidence it leaves in production, nothing more.

/** Deterministic PRNG (mulberry32): the same seed gives the same scenario. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  }
}

export type Role = 'edge' | 'app' | 'db' | 'cache' | 'queue' | 'consumer' | 'dns' | 'cron';
export interface Svc {
  name: string;
  role: Role;
  calls: string[];
  /** External hosts (not in the topology) this service calls. */
  hosts: string[];
}

export const FAULTS = [
  'bad_deploy',
  'config_change',
  'external_outage',
  'tls_expiry',
  'db_pool_exhaustion',
  'memory_leak_oom',
  'traffic_cpu_saturation',
  'disk_full',
  'dns_failure',
  'slow_downstream',
  'queue_backlog',
] as const;
export type Fault = (typeof FAULTS)[number];
export type Herring = 'unrelated_deploy' | 'steady_error' | 'noisy_periodic' | 'cron_job';

export interface World {
  seed: number;
  services: Svc[];
  fault: Fault;
  /** The root cause: a service name, or an external host for outages and certificate expiries. */
  root: string;
  /** Services whose logs/metrics show the fault first-hand (callers for an external root). */
  victims: string[];
  /** bad_deploy / config_change: latency instead of errors. */
  latencyVariant: boolean;
  onset: number; // ms
  clock: number; // ms, incident.yaml started_at
  start: number; // ms, first sample
  step: number; // seconds between samples
  herrings: { kind: Herring; service: string; at?: number }[];
  tracesOn: boolean;
}

const EDGES = ['edge-proxy', 'gateway', 'storefront-bff', 'public-api', 'web'];
const APPS = [
  'orders',
  'billing',
  'catalog',
  'accounts',
  'search',
  'cart',
  'pricing',
  'inventory',
  'shipping',
  'reviews',
  'recommender',
  'profile',
  'ledger',
  'fulfilment',
  'auth',
  'quotes',
  'loyalty',
];
const DBS = ['main-postgres', 'mysql-primary', 'orders-db', 'pg-core'];
const CACHES = ['redis', 'memcached', 'session-cache'];
const QUEUES = ['rabbitmq', 'kafka', 'events-bus'];
const CONSUMERS = ['order-worker', 'email-worker', 'ledger-consumer', 'indexer'];
const CRONS = ['report-cron', 'nightly-export', 'reconciler-job'];
export const SAAS = [
  'api.payflow.io',
  'auth.idprovider.com',
  'maps.geoapi.net',
  'smtp.mailrelay.net',
  'api.taxcalc.com',
  'sms.textgw.io',
  'hooks.partnerhub.io',
];

/** The services of one scenario: an edge fanning out to apps over a shared DB, maybe a cache, a queue and its consumer. */
function buildTopology(rng: Rng, fault: Fault): Svc[] {
  const n = rng.int(5, 15);
  const mk = (name: string, role: Role): Svc => ({ name, role, calls: [], hosts: [] });
  const edge = mk(rng.pick(EDGES), 'edge');
  const db = mk(rng.pick(DBS), 'db');
  const infra: Svc[] = [db];
  const wantQueue = fault === 'queue_backlog' || (n >= 7 && rng.chance(0.6));
  const queue = wantQueue ? mk(rng.pick(QUEUES), 'queue') : null;
  const consumer = wantQueue ? mk(rng.pick(CONSUMERS), 'consumer') : null;
  if (queue && consumer) infra.push(queue, consumer);
  const cache = rng.chance(0.5) ? mk(rng.pick(CACHES), 'cache') : null;
  if (cache) infra.push(cache);
  const dns = fault === 'dns_failure' || rng.chance(0.35) ? mk('coredns', 'dns') : null;
  if (dns) infra.push(dns);
  const cron = rng.chance(0.4) ? mk(rng.pick(CRONS), 'cron') : null;
  if (cron) infra.push(cron);
  const appCount = Math.max(2, n - 1 - infra.length);
  const apps = rng
    .shuffle(APPS)
    .slice(0, appCount)
    .map((a) => mk(a, 'app'));
  // The edge fans out to 2-4 apps; each app may call later apps (a DAG), the shared DB and the cache.
  edge.calls = apps.slice(0, Math.min(apps.length, rng.int(2, 4))).map((a) => a.name);
  apps.forEach((a, i) => {
    for (let j = i + 1; j < apps.length; j++) if (rng.chance(0.3)) a.calls.push((apps[j] as Svc).name);
    if (rng.chance(0.7) || i === apps.length - 1) a.calls.push(db.name);
    if (cache && rng.chance(0.5)) a.calls.push(cache.name);
  });
  // Apps nobody calls yet are called by the edge, so every app serves traffic.
  for (const a of apps)
    if (!edge.calls.includes(a.name) && !apps.some((b) => b.calls.includes(a.name))) edge.calls.push(a.name);
  if (!apps.some((a) => a.calls.includes(db.name))) (apps[0] as Svc).calls.push(db.name);
  if (queue && consumer) {
    rng.pick(apps).calls.push(queue.name);
    consumer.calls.push(queue.name, db.name);
  }
  if (cron) cron.calls.push(db.name);
  // One or two apps call SaaS hosts that are not in the topology.
  const saas = rng.shuffle(SAAS);
  const callers = rng.shuffle(apps).slice(0, rng.int(1, Math.min(2, apps.length)));
  callers.forEach((a, i) => a.hosts.push(saas[i] as string));
  return [edge, ...apps, ...infra];
}

export function callersOf(services: readonly Svc[], name: string): Svc[] {
  return services.filter((s) => s.calls.includes(name));
}

/** Picks the root cause for a fault class among the services that can have it. */
function pickRoot(rng: Rng, services: Svc[], fault: Fault): { root: string; victims: string[] } {
  const apps = services.filter((s) => s.role === 'app');
  const byRole = (r: Role) => services.filter((s) => s.role === r);
  switch (fault) {
    case 'external_outage':
    case 'tls_expiry': {
      if (fault === 'tls_expiry' && rng.chance(0.3)) {
        const target = rng.pick(apps.filter((a) => callersOf(services, a.name).length > 0));
        return { root: target.name, victims: callersOf(services, target.name).map((c) => c.name) };
      }
      const caller = rng.pick(apps.filter((a) => a.hosts.length));
      const host = caller.hosts[0] as string;
      return { root: host, victims: services.filter((s) => s.hosts.includes(host)).map((s) => s.name) };
    }
    case 'traffic_cpu_saturation':
      return { root: (byRole('edge')[0] as Svc).name, victims: [] };
    case 'disk_full': {
      const pool = [...byRole('db'), ...byRole('queue')];
      return { root: rng.pick(pool).name, victims: [] };
    }
    case 'dns_failure': {
      const callers = services.filter((s) => s.calls.some((c) => services.find((x) => x.name === c)?.role !== 'dns'));
      return {
        root: 'coredns',
        victims: rng
          .shuffle(callers.filter((c) => c.role !== 'cron'))
          .slice(0, 3)
          .map((c) => c.name),
      };
    }
    case 'queue_backlog':
      return { root: (byRole('consumer')[0] as Svc).name, victims: [] };
    case 'slow_downstream': {
      const pool = [...byRole('db'), ...apps.filter((a) => callersOf(services, a.name).some((c) => c.role === 'app'))];
      return { root: rng.pick(pool.length ? pool : apps).name, victims: [] };
    }
    default:
      return { root: rng.pick(apps).name, victims: [] };
  }
}

/** One scenario's world from its seed; the fault class is `seed`'s turn in FAULTS unless given. */
export function makeWorld(seed: number, fault: Fault = FAULTS[seed % FAULTS.length] as Fault): World {
  const rng = new Rng(seed * 7919 + 13);
  const services = buildTopology(rng, fault);
  const { root, victims } = pickRoot(rng, services, fault);
  const step = rng.pick([10, 15, 20, 30, 60]);
  const historyMin = rng.pick([30, 45, 60, 90, 120, 180, 360]);
  const onset = Date.UTC(2026, rng.int(0, 11), rng.int(1, 28), rng.int(0, 23), rng.int(0, 59), rng.int(0, 59));
  const clock = onset + rng.int(2, 10) * 60_000 + rng.int(0, 59) * 1000;
  const herrings: World['herrings'] = [];
  const others = services.filter((s) => s.name !== root && !victims.includes(s.name) && s.role !== 'dns');
  const kinds = rng.shuffle<Herring>(['unrelated_deploy', 'steady_error', 'noisy_periodic', 'cron_job']);
  const count = rng.int(1, 3);
  for (const kind of kinds.slice(0, count)) {
    if (kind === 'cron_job') {
      const cron = services.find((s) => s.role === 'cron');
      if (cron && cron.name !== root) herrings.push({ kind, service: cron.name });
      continue;
    }
    const pool = others.filter((s) => s.role !== 'cron' && !herrings.some((h) => h.service === s.name));
    if (!pool.length) continue;
    const service = rng.pick(pool).name;
    herrings.push(
      kind === 'unrelated_deploy' ? { kind, service, at: onset + rng.int(-6, 3) * 60_000 } : { kind, service },
    );
  }
  return {
    seed,
    services,
    fault,
    root,
    victims,
    latencyVariant: rng.chance(0.4),
    onset,
    clock,
    start: onset - historyMin * 60_000,
    step,
    herrings,
    tracesOn: rng.chance(0.5),
  };
}
