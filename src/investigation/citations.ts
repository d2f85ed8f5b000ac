// The citation check: a finding's claims are shown as facts only when they cite evidence this scout's gate
// issued and the deterministic analyzers do not contradict them.
import type { Claim, Evidence } from '../domain/types';
import type { SeriesAnomaly, TemplateStat } from '../evidence/types';

export interface DraftClaim {
  text: string;
  evidence: string[];
  service?: string;
}

/** What the analyzers know, to contradict a claim; read lazily (only causal claims need them). */
export interface CitationFacts {
  onset: number;
  anomalies(): Promise<readonly SeriesAnomaly[]>;
  templates(): Promise<readonly TemplateStat[]>;
  /** Services (or external destinations) where traces say errors start or latency is added. */
  traceOrigins?(): Promise<readonly string[]>;
}

const CAUSAL =
  /\b(root[- ]cause|caused|causing|causes|cause of|responsible|culprit|broke|triggered|started the incident|due to|because of|to blame|blames?)\b/i;
// Words that turn a causal sentence into a dismissal ("not the cause", "a red herring").
const DISMISSIVE =
  /\b(not|no|unrelated|red herring|already (?:there|frequent|present)|pre-?existing|discount(?:ed)?|ruled out|unlikely)\b/i;

/** Whether a claim asserts a cause (rather than a symptom or a dismissal). */
export function isCausal(text: string): boolean {
  return CAUSAL.test(text) && !DISMISSIVE.test(text);
}

/** Checks every claim; returns them with status and a note saying why when not verified. */
export async function checkClaims(
  claims: readonly DraftClaim[],
  issued: ReadonlyMap<string, Evidence>,
  facts: CitationFacts,
): Promise<Claim[]> {
  const out: Claim[] = [];
  for (const c of claims) out.push(await checkClaim(c, issued, facts));
  return out;
}

async function checkClaim(c: DraftClaim, issued: ReadonlyMap<string, Evidence>, facts: CitationFacts): Promise<Claim> {
  const base = {
    text: c.text,
    evidence: [...new Set(c.evidence)],
    ...(c.service !== undefined ? { service: c.service } : {}),
  };
  if (base.evidence.length === 0) return { ...base, status: 'unverified', note: 'cites no evidence' };
  const unknown = base.evidence.filter((id) => !issued.has(id));
  if (unknown.length) {
    return {
      ...base,
      status: 'unverified',
      note: `cites ${unknown.join(', ')}, which this scout's tool gate never issued`,
    };
  }
  const contradiction = await contradicts(
    c,
    base.evidence.map((id) => issued.get(id) as Evidence),
    facts,
  );
  if (contradiction) return { ...base, status: 'contradicted', note: contradiction };
  return { ...base, status: 'verified' };
}

async function contradicts(c: DraftClaim, cited: Evidence[], facts: CitationFacts): Promise<string | null> {
  if (!isCausal(c.text)) return null;
  // 1) Blaming a log template that was already as frequent before the onset.
  const steadyCited = cited.filter((e) => e.tool === 'logs_patterns' && /\[steady\]/.test(e.excerpt));
  const risingCited = cited.filter((e) => e.tool === 'logs_patterns' && /\[(new|surging)\]/.test(e.excerpt));
  if (steadyCited.length && !risingCited.length) {
    const t = (await facts.templates()).find(
      (x) =>
        x.label === 'steady' &&
        steadyCited.some((e) => e.service === x.service && e.excerpt.includes(x.template.slice(0, 40))),
    );
    const counts = t ? ` (${t.baselineCount} in the baseline vs ${t.incidentCount} during)` : '';
    return `the log template it blames (${steadyCited.map((e) => e.id).join(', ')}) was steady: already as frequent before the onset${counts}`;
  }
  // 2) Naming as cause a service that shows no anomaly, no new or surging log template and no trace origin.
  const service = c.service;
  if (service) {
    const anomalous = (await facts.anomalies()).some((a) => a.service === service);
    const rising = (await facts.templates()).some(
      (t) => t.service === service && (t.label === 'new' || t.label === 'surging'),
    );
    const traced = !anomalous && !rising && ((await facts.traceOrigins?.()) ?? []).includes(service);
    if (!anomalous && !rising && !traced)
      return `${service} shows no metric anomaly and no new or surging log template in the window`;
  }
  // 3) Blaming a change that came after the onset.
  for (const e of cited) {
    if (e.tool !== 'changes_list' || !e.timeRange) continue;
    const at = Date.parse(e.timeRange.from);
    if (at > facts.onset) {
      return `the change it blames (${e.id}) came ${Math.round((at - facts.onset) / 1000)}s after the onset, so it cannot have started the incident`;
    }
  }
  return null;
}
