// Spans of many traces linked to parent and children, and which phase of the window a span falls in: the
// shared ground of the trace analyzers (traces.ts, trace-gaps.ts).

import type { AnalysisWindow, PhaseCounts, Span } from '../types';
import { hostReader } from './hosts';

export type Phase = keyof PhaseCounts;

const NONE: readonly Span[] = [];

export interface Target {
  name: string;
  external: boolean;
}

/** Spans of many traces linked to parent and children (by object, so lookups build no string keys). */
export class TraceIndex {
  private readonly parentOf = new Map<Span, Span>();
  private readonly kidsOf = new Map<Span, Span[]>();
  private readonly services = new Set<string>();
  private readonly lower = new Map<string, string>();
  private readonly resolved = new Map<string, Target>();
  /** serviceOf a destination (hostReader over every peer the spans name); built when the services are known. */
  private readonly serviceOf: (host: string) => string | undefined;

  constructor(spans: readonly Span[]) {
    const byTrace = new Map<string, Map<string, Span>>();
    for (const s of spans) {
      let t = byTrace.get(s.traceId);
      if (!t) {
        t = new Map();
        byTrace.set(s.traceId, t);
      }
      t.set(s.spanId, s);
      if (!this.services.has(s.service)) {
        this.services.add(s.service);
        this.lower.set(s.service.toLowerCase(), s.service);
      }
    }
    const peers = new Set<string>();
    for (const s of spans) if (s.peer) peers.add(s.peer);
    this.serviceOf = hostReader(peers, (n) => (this.services.has(n) ? n : this.lower.get(n.toLowerCase())));
    for (const s of spans) {
      const p = s.parentSpanId ? byTrace.get(s.traceId)?.get(s.parentSpanId) : undefined;
      if (!p || p === s) continue;
      this.parentOf.set(s, p);
      const list = this.kidsOf.get(p);
      if (list) list.push(s);
      else this.kidsOf.set(p, [s]);
    }
  }

  kids(s: Span): readonly Span[] {
    return this.kidsOf.get(s) ?? NONE;
  }

  parent(s: Span): Span | undefined {
    return this.parentOf.get(s);
  }

  /** The service a destination names: exact, case-insensitive, or as hostReader reads a host name. */
  private resolve(peer: string): Target {
    let t = this.resolved.get(peer);
    if (!t) {
      const hit = this.serviceOf(peer);
      t = hit ? { name: hit, external: false } : { name: peer, external: true };
      this.resolved.set(peer, t);
    }
    return t;
  }

  /** Where a leaf span's time and errors belong: the destination it called, else its own service. */
  owner(s: Span): Target {
    if (s.peer && this.kids(s).length === 0) {
      const t = this.resolve(s.peer);
      if (t.name !== s.service) return t;
    }
    return { name: s.service, external: false };
  }
}

export function phaseOf(s: Span, w: AnalysisWindow): Phase | null {
  if (s.startMs >= w.onset && s.startMs <= w.to) return 'incident';
  if (s.startMs >= w.from && s.startMs < w.onset) return 'baseline';
  return null;
}
