// Several sources as one: e.g. files for changes and topology, Prometheus for metrics, Loki for
// logs. Capabilities are the union; the clock is the first source that has one, and no member is
// read past it (a recorded incident replayed beside live backends); logs, metrics and changes are
// merged and sorted.

import type {
  Change,
  EvidenceSource,
  IncidentMeta,
  LinkTarget,
  LogEvent,
  MetricSeries,
  ParseProblem,
  Signal,
  SourceCapabilities,
  Span,
  TimeQuery,
  Topology,
  TraceStats,
} from '../types';
import { mergeByTime } from './merge';

export class CompositeSource implements EvidenceSource {
  readonly name: string;

  constructor(private readonly sources: EvidenceSource[]) {
    this.name = sources.map((s) => s.name).join('+') || 'empty';
  }

  /** The backends behind this composite, in order. */
  get members(): readonly EvidenceSource[] {
    return this.sources;
  }

  async capabilities(): Promise<SourceCapabilities> {
    const caps = await Promise.all(this.sources.map((s) => s.capabilities()));
    const signals = new Set<Signal>();
    const services = new Set<string>();
    const labels = new Set<string>();
    for (const c of caps) {
      c.signals.forEach((x) => signals.add(x));
      c.services.forEach((x) => services.add(x));
      c.labels.forEach((x) => labels.add(x));
    }
    return { signals: [...signals], services: [...services].sort(), labels: [...labels].sort() };
  }

  async clock(): Promise<number | null> {
    for (const s of this.sources) {
      const c = await s.clock();
      if (c !== null) return c;
    }
    return null;
  }

  async incident(): Promise<IncidentMeta | null> {
    for (const s of this.sources) {
      const m = await s.incident();
      if (m) return m;
    }
    return null;
  }

  /** The query cut at the composite's clock. */
  private async atClock<Q extends TimeQuery>(q: Q): Promise<Q> {
    const clock = await this.clock();
    return clock !== null && q.to > clock ? { ...q, to: clock } : q;
  }

  async *logs(q: TimeQuery): AsyncGenerator<LogEvent> {
    const cut = await this.atClock(q);
    yield* mergeByTime(this.sources.map((s) => s.logs(cut)));
  }

  async metrics(q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]> {
    const cut = await this.atClock(q);
    const all = (await Promise.all(this.sources.map((s) => s.metrics(cut)))).flat();
    const key = (s: MetricSeries): string => s.name + JSON.stringify(Object.entries(s.labels).sort());
    return all.sort((a, b) => key(a).localeCompare(key(b)));
  }

  async changes(q: TimeQuery): Promise<Change[]> {
    const cut = await this.atClock(q);
    const all = (await Promise.all(this.sources.map((s) => s.changes(cut)))).flat();
    return all.sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
  }

  async topology(): Promise<Topology | null> {
    for (const s of this.sources) {
      const t = await s.topology();
      if (t) return t;
    }
    return null;
  }

  async traces(q: TimeQuery): Promise<TraceStats[]> {
    const cut = await this.atClock(q);
    const all = await Promise.all(this.sources.map((s) => (s.traces ? s.traces(cut) : Promise.resolve([]))));
    return all.flat();
  }

  async spans(q: TimeQuery): Promise<Span[]> {
    const cut = await this.atClock(q);
    const all = await Promise.all(this.sources.map((s) => (s.spans ? s.spans(cut) : Promise.resolve([]))));
    return all.flat();
  }

  problems(): ParseProblem[] {
    return this.sources.flatMap((s) => s.problems());
  }

  /** The link from the first member that has one for the target's signal. */
  link(target: LinkTarget): string | undefined {
    for (const s of this.sources) {
      const l = s.link?.(target);
      if (l) return l;
    }
    return undefined;
  }
}

/** The names of the real backends behind a source: its members for a composite, else its own name. */
export function backendNames(source: EvidenceSource): string[] {
  return source instanceof CompositeSource ? source.members.map((m) => m.name) : [source.name];
}

/**
 * The names of the backends that serve `signal` (what a tool reading that signal really reads). A
 * backend whose capabilities cannot be read is counted in: a scope check then needs it in scope too.
 */
export async function backendsServing(source: EvidenceSource, signal: Signal): Promise<string[]> {
  if (!(source instanceof CompositeSource)) return [source.name];
  const serving = await Promise.all(
    source.members.map(async (m) => {
      const signals = await m.capabilities().then(
        (c) => c.signals,
        () => null,
      );
      return signals === null || signals.includes(signal);
    }),
  );
  return source.members.filter((_, i) => serving[i]).map((m) => m.name);
}
