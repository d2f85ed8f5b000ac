// The contract every evidence source passes (files, Prometheus, Loki, the composite, Kubernetes, GitHub
// and any source added later): what a caller may rely on whatever the backend.
import { ScoutError } from '../../src/domain/errors';
import type { SourceDefinition } from '../../src/evidence/sources';
import type { EvidenceSource, LogEvent, Signal, TimeQuery } from '../../src/evidence/types';

export interface ContractSubject {
  source: EvidenceSource;
  /** A window the source has data in, with data of the same source before it. */
  window: { from: number; to: number };
  /** A service the data names. */
  service: string;
  /** The same kind of source pointed at a backend that refuses or is not there. */
  broken(): EvidenceSource;
  /** A credential the broken source was configured with: never in an error or a problem. */
  secret?: string;
  close(): Promise<void>;
}

/** The definitions a subject's source was built from (a composite: all of its members'). */
export interface ContractOptions {
  definitions: readonly SourceDefinition[];
}

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

interface Items {
  logs: number[];
  metrics: number[];
  changes: number[];
  traces: number[];
  services: string[];
}

/** Every timestamp and service the source returns for a query, per signal. */
async function read(source: EvidenceSource, q: TimeQuery): Promise<Items> {
  const logs = await collect(source.logs(q));
  const metrics = await source.metrics(q);
  const changes = await source.changes(q);
  const spans = source.spans ? await source.spans(q) : [];
  return {
    logs: logs.map((e) => e.ts),
    metrics: metrics.flatMap((s) => s.points.map((p) => p[0])),
    changes: changes.map((c) => c.time),
    traces: spans.map((s) => s.startMs),
    services: [
      ...logs.map((e) => e.service),
      ...metrics.map((s) => s.service),
      ...changes.map((c) => c.service),
      ...spans.map((s) => s.service),
    ],
  };
}

const count = (i: Items): number => i.logs.length + i.metrics.length + i.changes.length + i.traces.length;
const all = (i: Items): number[] => [...i.logs, ...i.metrics, ...i.changes, ...i.traces];

/** Registers the contract tests for one source; `make` builds a fresh subject per test. */
export function describeSourceContract(
  name: string,
  make: () => Promise<ContractSubject>,
  opts: ContractOptions,
): void {
  describe(`evidence source contract: ${name}`, () => {
    let subject: ContractSubject;
    beforeEach(async () => {
      subject = await make();
    });
    afterEach(async () => {
      await subject.close();
    });

    it('serves only the signals its definition declares, and nothing for the others', async () => {
      const declared = new Set<Signal>(opts.definitions.flatMap((d) => [...d.signals]));
      const caps = await subject.source.capabilities();
      for (const s of caps.signals) expect(declared).toContain(s);
      const items = await read(subject.source, subject.window);
      const served = new Set(caps.signals);
      if (!served.has('logs')) expect(items.logs).toEqual([]);
      if (!served.has('metrics')) expect(items.metrics).toEqual([]);
      if (!served.has('changes')) expect(items.changes).toEqual([]);
      if (!served.has('traces')) expect(items.traces).toEqual([]);
      expect(count(items)).toBeGreaterThan(0);
      expect(caps.services).toContain(subject.service);
    });

    it('returns only what lies in the window asked for', async () => {
      const whole = await read(subject.source, subject.window);
      const mid = subject.window.from + Math.floor((subject.window.to - subject.window.from) / 2);
      const half = { from: mid, to: subject.window.to };
      const later = await read(subject.source, half);
      for (const t of all(later)) {
        expect(t).toBeGreaterThanOrEqual(half.from);
        expect(t).toBeLessThanOrEqual(half.to);
      }
      // Not vacuous: the whole window has items before the half asked for.
      expect(all(whole).some((t) => t < half.from)).toBe(true);
    });

    it('never returns anything past its clock, even when asked for later', async () => {
      const clock = await subject.source.clock();
      const limit = clock ?? Date.now();
      const items = await read(subject.source, { from: subject.window.from, to: limit + 7 * 24 * 3_600_000 });
      for (const t of all(items)) expect(t).toBeLessThanOrEqual(clock ?? limit + 60_000);
    });

    it('answers an unknown service and an empty window with nothing, not an error', async () => {
      expect(count(await read(subject.source, { ...subject.window, services: ['no-such-service-here'] }))).toBe(0);
      expect(count(await read(subject.source, { ...subject.window, services: [] }))).toBe(0);
      const long = { from: subject.window.from - 400 * 24 * 3_600_000, to: subject.window.from - 399 * 24 * 3_600_000 };
      expect(count(await read(subject.source, long))).toBe(0);
    });

    it('keeps to the services asked for', async () => {
      const items = await read(subject.source, { ...subject.window, services: [subject.service] });
      expect(count(items)).toBeGreaterThan(0);
      expect(new Set(items.services)).toEqual(new Set([subject.service]));
    });

    it('fails with a typed, coded error or a named problem when its backend refuses, without the credential', async () => {
      const broken = subject.broken();
      const outcomes = await Promise.all([
        broken.capabilities().then(
          () => null,
          (e: unknown) => e,
        ),
        read(broken, subject.window).then(
          () => null,
          (e: unknown) => e,
        ),
      ]);
      const errors = outcomes.filter((e) => e !== null);
      for (const e of errors) {
        expect(e).toBeInstanceOf(ScoutError);
        expect((e as ScoutError).code).toMatch(/^[a-z_]+$/);
      }
      const problems = broken.problems();
      // A refusal is reported one way or the other, never swallowed.
      expect(errors.length + problems.length).toBeGreaterThan(0);
      if (subject.secret) {
        const text = [
          ...errors.map((e) => `${String(e)} ${JSON.stringify(e)} ${(e as ScoutError).userMessage ?? ''}`),
          JSON.stringify(problems),
        ].join('\n');
        expect(text).not.toContain(subject.secret);
      }
    });
  });
}
