// The "stranger" corpus, part 2: every service's state at each sample time, from its baseline, the
// fault's first-hand effect and what callers see of their callees. Error "kinds" say which log
// lines a service writes at that step; the renderer turns them into text.

import { Rng, callersOf, type Svc, type World } from './stranger-world';

export interface State {
  rps: number;
  err: number; // fraction of requests failing
  lat: number; // median latency, ms
  cpu: number; // cores
  memMb: number;
  restarts: number;
  poolActive: number;
  poolPending: number;
  diskUsed: number; // ratio
  queueDepth: number;
  /** Log kinds this step with their weight (expected error lines). */
  kinds: Map<string, number>;
}

interface Base {
  rps: number;
  err: number;
  lat: number;
  cpu: number;
  memMb: number;
  phase: number;
}

const CALL_SHARE = 0.7; // share of a callee's added failure/latency a caller passes on

/** Callees before callers, so a caller sees its callees' state of the same step. */
function order(services: readonly Svc[]): Svc[] {
  const by = new Map(services.map((s) => [s.name, s]));
  const out: Svc[] = [];
  const seen = new Set<string>();
  const visit = (s: Svc): void => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    for (const c of s.calls) {
      const callee = by.get(c);
      if (callee) visit(callee);
    }
    out.push(s);
  };
  services.forEach(visit);
  return out;
}

export class Simulation {
  readonly times: number[] = [];
  /** states.get(service)[i] is the state at times[i]. */
  readonly states = new Map<string, State[]>();
  private readonly rng: Rng;
  private readonly base = new Map<string, Base>();
  private readonly effect: { size: number; leakMin: number; oomEveryMin: number; periodMin: number };

  constructor(readonly w: World) {
    this.rng = new Rng(w.seed * 31 + 5);
    const r = this.rng;
    for (const s of w.services) {
      const rps =
        s.role === 'edge'
          ? r.range(80, 400)
          : s.role === 'cache' || s.role === 'dns'
            ? r.range(200, 900)
            : s.role === 'cron'
              ? 0
              : r.range(10, 200);
      const lat = s.role === 'db' ? r.range(1, 10) : s.role === 'cache' ? r.range(0.3, 2) : r.range(5, 80);
      this.base.set(s.name, {
        rps,
        err: r.range(0.001, 0.01),
        lat,
        cpu: r.range(0.1, 0.4),
        memMb: r.range(300, 1500),
        phase: r.range(0, 6.28),
      });
    }
    this.effect = {
      size: r.range(0.3, 0.6),
      leakMin: r.int(20, 90),
      oomEveryMin: r.int(3, 6),
      periodMin: r.int(8, 20),
    };
    for (let t = w.start; t <= w.clock; t += w.step * 1000) this.times.push(t);
    for (const s of w.services) this.states.set(s.name, []);
    for (const t of this.times) this.stepAt(t);
  }

  private intensity(t: number): number {
    if (t < this.w.onset) return 0;
    return Math.min(1, (t - this.w.onset) / 60_000 + 0.34);
  }

  /** Minutes since the leaking process last started (memory leak), or -1 when no leak is running. */
  private leakAge(t: number): { age: number; restarts: number; oomNow: boolean } {
    const w = this.w;
    const leakStart = w.onset - this.effect.leakMin * 60_000;
    if (t < leakStart) return { age: -1, restarts: 0, oomNow: false };
    if (t < w.onset) return { age: (t - leakStart) / 60_000, restarts: 0, oomNow: false };
    const every = this.effect.oomEveryMin * 60_000;
    const k = Math.floor((t - w.onset) / every);
    const since = t - w.onset - k * every;
    return { age: since / 60_000, restarts: k + 1, oomNow: since < w.step * 1000 };
  }

  private stepAt(t: number): void {
    const w = this.w;
    const r = this.rng;
    const a = this.intensity(t);
    const size = this.effect.size;
    const added = new Map<string, { err: number; lat: number }>();
    for (const s of order(w.services)) {
      const b = this.base.get(s.name) as Base;
      const diurnal = 1 + 0.15 * Math.sin((2 * Math.PI * t) / 86_400_000 + b.phase);
      const st: State = {
        rps: b.rps * diurnal * r.range(0.95, 1.05),
        err: b.err * r.range(0.5, 1.5),
        lat: b.lat * r.range(0.9, 1.15),
        cpu: b.cpu * diurnal * r.range(0.92, 1.08),
        memMb: b.memMb * r.range(0.98, 1.02),
        restarts: 0,
        poolActive: Math.round(r.range(2, 6)),
        poolPending: 0,
        diskUsed: 0.55 + (0.1 * (t - w.start)) / Math.max(1, w.clock - w.start),
        queueDepth: r.int(0, 40),
        kinds: new Map(),
      };
      const own = { err: 0, lat: 0 };
      const isRoot = s.name === w.root;
      const victim = w.victims.includes(s.name);
      switch (w.fault) {
        case 'bad_deploy':
        case 'config_change':
          if (isRoot && a > 0) {
            if (w.latencyVariant) {
              own.lat = b.lat * a * (3 + 7 * size);
              st.kinds.set('slow', 4 * a);
              st.cpu *= 1 + a;
            } else {
              own.err = a * size;
              st.kinds.set(w.fault === 'config_change' ? 'config' : 'own', 6 * a);
            }
          }
          break;
        case 'external_outage':
        case 'tls_expiry':
          if (victim && a > 0) {
            own.err = a * size;
            const key = w.fault === 'tls_expiry' ? `tls:${w.root}` : `host:${w.root}`;
            st.kinds.set(key, 6 * a);
            if (w.fault === 'external_outage' && w.latencyVariant) own.lat = a * 3000 * size;
          }
          if (isRoot && a > 0) st.rps *= 1 - 0.8 * a; // handshakes fail before requests reach it
          break;
        case 'db_pool_exhaustion':
          if (isRoot && a > 0) {
            own.lat = a * (800 + 2500 * size);
            own.err = a * size * 0.4;
            st.poolActive = 20;
            st.poolPending = Math.round(a * r.range(20, 150));
            st.kinds.set('pool', 6 * a);
          }
          break;
        case 'memory_leak_oom':
          if (isRoot) {
            const leak = this.leakAge(t);
            if (leak.age >= 0) st.memMb = b.memMb + (leak.age / this.effect.leakMin) * (2048 - b.memMb) * 1.02;
            st.restarts = leak.restarts;
            if (leak.oomNow) {
              own.err = 0.6;
              st.kinds.set('oom', 2);
              st.kinds.set('startup', 1);
              st.memMb = b.memMb;
            } else if (st.memMb > 1700) own.lat = b.lat * 2;
          }
          break;
        case 'traffic_cpu_saturation':
          if (isRoot && a > 0) {
            st.rps *= 1 + a * (2 + 2 * size);
            st.cpu = Math.min(0.99 * 2, st.cpu * (1 + 5 * a));
            own.lat = b.lat * 6 * a;
            own.err = 0.12 * a;
            st.kinds.set('overload', 5 * a);
          } else if (a > 0 && w.services.some((e) => e.role === 'edge' && e.calls.includes(s.name))) {
            st.rps *= 1 + 0.4 * a;
            st.cpu *= 1 + 0.3 * a;
          }
          break;
        case 'disk_full':
          if (isRoot) {
            st.diskUsed = Math.min(1, 0.7 + (0.3 * (t - w.start)) / Math.max(1, w.onset - w.start));
            if (a > 0) {
              own.err = a * size;
              st.kinds.set('disk', 5 * a);
            }
          }
          break;
        case 'dns_failure':
          if (isRoot && a > 0) {
            own.err = 0.6 * a;
            st.kinds.set('dnsup', 6 * a);
          }
          if (victim && a > 0) {
            own.err = a * size * 0.6;
            own.lat = a * 1500;
            st.kinds.set('dns', 5 * a);
          }
          break;
        case 'slow_downstream':
          if (isRoot && a > 0) {
            own.lat = b.lat * a * (8 + 12 * size);
            st.kinds.set('slow', 3 * a);
          }
          break;
        case 'queue_backlog':
          if (isRoot && a > 0) {
            st.rps *= 1 - 0.8 * a;
            own.lat = b.lat * 8 * a;
            st.kinds.set('backlog', 3 * a);
          }
          if (s.role === 'queue' && t > w.onset) {
            const consumer = w.services.find((x) => x.name === w.root);
            const produced = consumer ? (this.base.get(consumer.name) as Base).rps : 50;
            st.queueDepth += Math.round(produced * 0.7 * ((t - w.onset) / 1000));
          }
          break;
      }
      // What callers see of their callees (queues are asynchronous: a slow consumer does not slow producers).
      for (const c of s.calls) {
        const x = added.get(c);
        if (!x) continue;
        const callee = w.services.find((y) => y.name === c);
        if (callee?.role === 'queue' && !(w.fault === 'disk_full' && c === w.root)) continue;
        if (s.role === 'consumer' && callee?.role === 'queue') continue;
        if (w.fault === 'dns_failure' && callee?.role === 'dns') continue;
        const e = x.err * CALL_SHARE;
        const l = x.lat * CALL_SHARE;
        // A callee slower than the caller's timeout is a failed call for the caller.
        const timedOut = l > 1000 ? Math.min(0.5, (l - 1000) / 4000) : 0;
        own.err += e + timedOut;
        own.lat += Math.min(l, 5000);
        if (e + timedOut > 0.02)
          st.kinds.set(`callee:${c}:${timedOut > e ? 'timeout' : 'status'}`, 5 * Math.min(1, (e + timedOut) * 2));
      }
      for (const h of w.herrings.filter((x) => x.service === s.name && x.kind !== 'cron_job'))
        this.herring(h.kind, st, b, t);
      if (s.role === 'cron') this.herring('cron_job', st, b, t);
      st.err = Math.min(0.95, st.err + own.err);
      st.lat += own.lat;
      st.cpu *= 1 + Math.min(1, own.lat / 2000) * 0.2;
      added.set(s.name, own);
      (this.states.get(s.name) as State[]).push(st);
    }
  }

  private herring(kind: string, st: State, b: Base, t: number): void {
    const period = this.effect.periodMin * 60_000;
    if (kind === 'steady_error') st.kinds.set('steady', 3);
    if (kind === 'noisy_periodic' && (t - this.w.start) % period < 90_000) {
      st.lat += b.lat * 4;
      st.cpu *= 2;
      st.kinds.set('gc', 1);
    }
    if (kind === 'cron_job') {
      // Runs every 15 minutes, aligned so that one run starts within a few minutes of the onset.
      const every = 15 * 60_000;
      const offset = (((this.w.onset - 90_000) % every) + every) % every;
      const into = (((t - offset) % every) + every) % every;
      if (into < 4 * 60_000) {
        st.cpu = 1.6;
        st.rps = 30;
        st.kinds.set(into < this.w.step * 1000 ? 'cron-start' : 'cron-run', 1);
      }
    }
  }

  /** The callers of a service (exported for the renderer's messages). */
  callers(name: string): Svc[] {
    return callersOf(this.w.services, name);
  }
}
