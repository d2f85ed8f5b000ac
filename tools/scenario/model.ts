// The scenario's world: services and their call graph, the timeline, and how a bad change in one
// service shows in every service's golden signals at each scrape.

import { Rng, hash32 } from './prng';

export type RootCause = 'payments' | 'inventory' | 'checkout';
export const ROOT_CAUSES: readonly RootCause[] = ['payments', 'inventory', 'checkout'];

/**
 * What goes wrong: a bad deploy of the root-cause service, or an external dependency it calls (outside the
 * topology) failing: an outage (calls time out) or an expired certificate (calls fail fast, TLS errors).
 */
export type Fault = 'deploy' | 'external-outage' | 'cert-expiry';
export const FAULTS: readonly Fault[] = ['deploy', 'external-outage', 'cert-expiry'];

/** The external dependency of an external fault, picked by seed (never in topology.yaml). */
export function externalHost(seed: number): string {
  const hosts = [
    'api.paygate-eu.example.net',
    'auth.idp-corp.example.com',
    'rates.fx-feed.example.org',
    'geo.shipcalc.example.io',
  ];
  return hosts[hash32(`${seed}:external`) % hosts.length] as string;
}

export interface ServiceDef {
  name: string;
  kind: 'edge' | 'service' | 'db' | 'cache' | 'queue';
  calls: string[];
  /** Requests per second at baseline (0 = not a request server). */
  rps: number;
  p50: number;
  p99: number;
  errRatio: number;
  cpu: number;
  memMb: number;
}

export const SERVICES: readonly ServiceDef[] = [
  {
    name: 'web',
    kind: 'edge',
    calls: ['api-gateway'],
    rps: 120,
    p50: 0.06,
    p99: 0.16,
    errRatio: 0.001,
    cpu: 0.35,
    memMb: 180,
  },
  {
    name: 'api-gateway',
    kind: 'service',
    calls: ['checkout'],
    rps: 110,
    p50: 0.05,
    p99: 0.14,
    errRatio: 0.001,
    cpu: 0.6,
    memMb: 420,
  },
  {
    name: 'checkout',
    kind: 'service',
    calls: ['payments', 'inventory', 'redis', 'queue'],
    rps: 40,
    p50: 0.045,
    p99: 0.12,
    errRatio: 0.002,
    cpu: 0.5,
    memMb: 610,
  },
  {
    name: 'payments',
    kind: 'service',
    calls: ['postgres'],
    rps: 25,
    p50: 0.035,
    p99: 0.118,
    errRatio: 0.001,
    cpu: 0.4,
    memMb: 900,
  },
  {
    name: 'inventory',
    kind: 'service',
    calls: ['postgres', 'redis'],
    rps: 60,
    p50: 0.012,
    p99: 0.05,
    errRatio: 0.002,
    cpu: 0.3,
    memMb: 350,
  },
  {
    name: 'notifications',
    kind: 'service',
    calls: ['queue'],
    rps: 8,
    p50: 0.08,
    p99: 0.3,
    errRatio: 0.001,
    cpu: 0.1,
    memMb: 200,
  },
  { name: 'postgres', kind: 'db', calls: [], rps: 0, p50: 0, p99: 0, errRatio: 0, cpu: 1.2, memMb: 4096 },
  { name: 'redis', kind: 'cache', calls: [], rps: 0, p50: 0, p99: 0, errRatio: 0, cpu: 0.2, memMb: 1024 },
  { name: 'queue', kind: 'queue', calls: [], rps: 0, p50: 0, p99: 0, errRatio: 0, cpu: 0.15, memMb: 300 },
];

export function serviceDef(name: string): ServiceDef {
  const s = SERVICES.find((x) => x.name === name);
  if (!s) throw new Error(`unknown service ${name}`);
  return s;
}

/** Services that (transitively) call `target`. */
export function callersOf(target: string): string[] {
  const reaches = (from: string, seen: Set<string>): boolean => {
    for (const c of serviceDef(from).calls) {
      if (c === target) return true;
      if (!seen.has(c)) {
        seen.add(c);
        if (reaches(c, seen)) return true;
      }
    }
    return false;
  };
  return SERVICES.filter((s) => s.name !== target && reaches(s.name, new Set())).map((s) => s.name);
}

export interface Timeline {
  start: number;
  end: number;
  stepMs: number;
  deployAt: number;
  onset: number;
  /** When the incident channel was opened (incident.yaml started_at). */
  startedAt: number;
}

/** 2 h of data at 15 s: 1 h 40 min of baseline, the bad deploy 20–40 s before onset, the channel 6 min after. */
export function makeTimeline(rng: Rng, base: number): Timeline {
  const stepMs = 15_000;
  const start = base;
  const deployAt = start + 99 * 60_000 + rng.int(0, 60) * 1000 + 45_000;
  const onset = deployAt + rng.int(20, 40) * 1000;
  return {
    start,
    end: start + 120 * 60_000,
    stepMs,
    deployAt,
    onset,
    startedAt: onset + 6 * 60_000 + rng.int(0, 50) * 1000,
  };
}

/** Golden signals of one service at one scrape. */
export interface ServiceState {
  rps: number;
  p50: number;
  p99: number;
  errRatio: number;
  cpu: number;
  memMb: number;
  /** Pool / active connections (db clients and postgres). */
  connections: number;
  /** 0 before onset, ramping to 1 within a minute after it. */
  level: number;
}

/** How a service fares at time t: baseline with noise, plus the incident for the root cause, its callers and its database. */
export class World {
  readonly affectedCallers: string[];
  private readonly rngs = new Map<string, Rng>();
  /** Per-seed traffic and latency scale of each service, so scenarios differ in more than noise. */
  private readonly scale = new Map<string, { rps: number; lat: number }>();
  constructor(
    readonly seed: number,
    readonly rootCause: RootCause,
    readonly tl: Timeline,
    readonly fault: Fault = 'deploy',
  ) {
    this.affectedCallers = callersOf(rootCause);
    const r = new Rng(hash32(`${seed}:scale`));
    for (const s of SERVICES) this.scale.set(s.name, { rps: 0.6 + 0.8 * r.next(), lat: 0.7 + 0.6 * r.next() });
  }

  private rng(service: string): Rng {
    let r = this.rngs.get(service);
    if (!r) {
      r = new Rng(hash32(`${this.seed}:${service}:metrics`));
      this.rngs.set(service, r);
    }
    return r;
  }

  /** Incident intensity at t: a ramp over 45 s from the onset (a pool exhausting, not a switch). */
  level(t: number): number {
    if (t < this.tl.onset) return 0;
    return Math.min(1, (t - this.tl.onset + this.tl.stepMs) / 45_000);
  }

  state(service: string, t: number): ServiceState {
    const base = serviceDef(service);
    const k = this.scale.get(service) ?? { rps: 1, lat: 1 };
    const d = { ...base, rps: base.rps * k.rps, p50: base.p50 * k.lat, p99: base.p99 * k.lat };
    const r = this.rng(service);
    const noise = (sd: number): number => Math.exp(sd * r.normal());
    const trend = 1 + 0.08 * Math.sin(((t - this.tl.start) / 7_200_000) * Math.PI);
    const lv = this.level(t);
    let p50 = d.p50;
    let p99 = d.p99;
    let errRatio = d.errRatio;
    let cpu = d.cpu;
    let connections = d.kind === 'db' ? 24 : 6;
    const root = serviceDef(this.rootCause);
    const touchesDb = this.fault === 'deploy' && root.calls.includes('postgres');
    // How much latency the fault adds at the root: a slow query or a timing-out dependency; an expired
    // certificate fails the handshake at once.
    const slow = this.fault === 'cert-expiry' ? 0 : this.fault === 'external-outage' ? 12 : 18.5;
    if (service === this.rootCause && this.fault !== 'deploy') {
      p50 = d.p50 * (1 + (slow / 2) * lv);
      p99 = d.p99 * (1 + slow * lv);
      errRatio = d.errRatio + (this.fault === 'cert-expiry' ? 0.4 : 0.25) * lv;
    } else if (service === this.rootCause) {
      p50 = d.p50 * (1 + 9 * lv);
      p99 = d.p99 * (1 + 18.5 * lv);
      errRatio = d.errRatio + 0.05 * lv;
      cpu = d.cpu * (1 + 0.4 * lv);
      connections = touchesDb ? 6 + 44 * lv : connections;
    } else if (this.affectedCallers.includes(service)) {
      // Callers wait for the slow dependency until their 3 s timeout, then fail, and retry: louder than the cause.
      const added = root.p99 * slow * lv;
      p50 = d.p50 + 0.3 * added;
      p99 = Math.min(3.0, d.p99 + added);
      errRatio =
        d.errRatio + (service === 'checkout' || serviceDef(service).calls.includes(this.rootCause) ? 0.22 : 0.3) * lv;
    } else if (service === 'postgres' && touchesDb) {
      connections = 24 + 40 * lv;
      cpu = d.cpu * (1 + 0.5 * lv);
    }
    return {
      rps: d.rps * trend * noise(0.03),
      p50: p50 * noise(0.04),
      p99: p99 * noise(0.05),
      errRatio: errRatio * noise(0.2),
      cpu: cpu * noise(0.05),
      memMb: d.memMb * noise(0.01),
      connections: Math.max(0, connections * noise(0.06)),
      level: lv,
    };
  }
}
