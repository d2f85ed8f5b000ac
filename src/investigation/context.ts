// One EvidenceContext per investigation window: the heavy analyses (log templates, metric anomalies,
// change correlation, ranking) run once, lazily, and every tool call and scout reuses them, so ten
// tool calls do not re-read the logs.
import { correlateChanges } from '../evidence/analyzers/changes';
import { detectAnomalies } from '../evidence/analyzers/metrics';
import type { Ranking } from '../evidence/analyzers/ranking';
import { mineTemplates } from '../evidence/analyzers/templates';
import { analyzeTraces } from '../evidence/analyzers/traces';
import { rankWindow } from '../evidence/rank';
import { backendsServing } from '../evidence/sources/composite';
import type {
  AnalysisWindow,
  ChangeScore,
  EvidenceSource,
  LogEvent,
  MetricSeries,
  SeriesAnomaly,
  Signal,
  TemplateStat,
  Topology,
  TraceDigest,
  TraceStats,
} from '../evidence/types';

/** How far before the onset a change may be a cause (as the change correlator's default). */
const CHANGE_LOOKBACK_MS = 2 * 3_600_000;
/** Metric history read before the window (covers one sample at scrape intervals up to 15 min). */
const SERIES_LEAD_MS = 15 * 60_000;

/** Cached analyses of one source over one window; all methods are memoised promises. */
export class EvidenceContext {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly source: EvidenceSource,
    readonly window: AnalysisWindow,
  ) {}

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.memo.set(key, p);
      // A failed read is not cached: the next call tries again.
      p.catch(() => this.memo.delete(key));
    }
    return p;
  }

  /**
   * The backend(s) a signal is read from, as an evidence item's `source`: one name, or several joined
   * by `+` when more than one backend serves the signal (their items are merged).
   */
  backend(signal: Signal): Promise<string> {
    return this.once(
      `backend:${signal}`,
      async () => (await backendsServing(this.source, signal)).join('+') || this.source.name,
    );
  }

  /** The window's series, from a little before it: counters then have a rate at the window's first sample, as in analyze. */
  series(): Promise<MetricSeries[]> {
    return this.once('series', () =>
      this.source.metrics({ from: this.window.from - SERIES_LEAD_MS, to: this.window.to }),
    );
  }

  /**
   * The window's log events, streamed from the source on each call and never held: a 1M-line
   * scenario would otherwise sit in memory for the whole investigation (415 MB measured).
   */
  logEvents(): AsyncIterable<LogEvent> {
    return this.source.logs({ from: this.window.from, to: this.window.to });
  }

  templates(): Promise<TemplateStat[]> {
    return this.once('templates', () => mineTemplates(this.logEvents(), this.window));
  }

  anomalies(): Promise<SeriesAnomaly[]> {
    return this.once('anomalies', async () => detectAnomalies(await this.series(), this.window));
  }

  topology(): Promise<Topology | null> {
    return this.once('topology', () => this.source.topology());
  }

  changes(): Promise<ChangeScore[]> {
    return this.once('changes', async () => {
      const raw = await this.source.changes({ from: this.window.onset - CHANGE_LOOKBACK_MS, to: this.window.to });
      return correlateChanges(raw, await this.anomalies(), await this.topology(), this.window);
    });
  }

  traces(): Promise<TraceStats[]> {
    return this.once('traces', async () =>
      this.source.traces ? this.source.traces({ from: this.window.onset, to: this.window.to }) : [],
    );
  }

  /** Where traces say errors start and latency is added over the window; null when the source has no spans. */
  traceReport(): Promise<TraceDigest | null> {
    return this.once('traceReport', async () => {
      const spans = this.source.spans ? await this.source.spans({ from: this.window.from, to: this.window.to }) : [];
      return spans.length ? analyzeTraces(spans, this.window) : null;
    });
  }

  /** Services where traces say errors start or latency is added (for the citation check). */
  async traceOrigins(): Promise<string[]> {
    const t = await this.traceReport();
    return t
      ? [...t.errorOrigins.filter((o) => o.strength > 0), ...t.latencyOrigins, ...t.gaps].map((o) => o.service)
      : [];
  }

  /** The service ranking over everything the source sees (the lead's check, not a scout's view): analyze's own step. */
  ranking(): Promise<Ranking> {
    return this.once('ranking', async () =>
      rankWindow(this.source, this.window, {
        anomalies: await this.anomalies(),
        templates: await this.templates(),
        changes: await this.changes(),
        topology: await this.topology(),
        traces: await this.traceReport(),
        series: await this.series(),
      }),
    );
  }
}

/** Caches one context per investigation id within this process (a retried job on another replica rebuilds it). */
export class EvidenceContexts {
  private readonly byId = new Map<string, EvidenceContext>();
  constructor(private readonly max = 16) {}

  get(investigationId: string, source: EvidenceSource, window: AnalysisWindow): EvidenceContext {
    const hit = this.byId.get(investigationId);
    if (hit && sameWindow(hit.window, window)) return hit;
    const ctx = new EvidenceContext(source, window);
    this.byId.set(investigationId, ctx);
    while (this.byId.size > this.max) {
      const oldest = this.byId.keys().next().value;
      if (oldest === undefined) break;
      this.byId.delete(oldest);
    }
    return ctx;
  }
}

function sameWindow(a: AnalysisWindow, b: AnalysisWindow): boolean {
  return a.from === b.from && a.onset === b.onset && a.to === b.to;
}
