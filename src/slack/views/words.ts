// Plain words shared by the views: confidence as calibrated words, times in the reader's terms.

/**
 * Confidence in words. "likely" from 0.70: in EVALUATION.md ("right of shown ≥ 0.70") every suspect
 * shown at or above it was the root cause. Below 0.35 a suspect is an also-ran. The number itself is
 * given on request (`/triage status`, a context line), never as the headline.
 */
export type ConfidenceWord = 'likely' | 'possible' | 'unlikely';

export const LIKELY_FROM = 0.7;
export const POSSIBLE_FROM = 0.35;

export function confidenceWord(confidence: number): ConfidenceWord {
  if (confidence >= LIKELY_FROM) return 'likely';
  if (confidence >= POSSIBLE_FROM) return 'possible';
  return 'unlikely';
}

/** The number behind the word, rounded to 5 points (anything finer would be false precision). */
export function confidenceNumber(confidence: number): string {
  return `${Math.round(Math.max(0, Math.min(1, confidence)) * 20) * 5}%`;
}

/**
 * A wall-clock time for a Slack message: each reader sees it in their own time zone; clients that do
 * not render dates show the UTC fallback.
 */
export function slackTime(ms: number): string {
  const fallback = `${new Date(ms).toISOString().slice(11, 16)} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{time}|${fallback}>`;
}

/** `03:02 UTC` on the incident's own clock (a replayed recording keeps the time it was recorded at). */
export function incidentTime(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(11, 16)} UTC` : 'n/a';
}

/** `5 min`, `30s`, `2 h` for a wait. */
export function humanWait(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 360) / 10} h`;
}
