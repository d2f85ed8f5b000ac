// Confidence that means something: from the evidence, not a share of a heuristic score. Two things make a
// top suspect believable: a clear margin over the runner-up (a softmax over the scores) and several
// independent kinds of evidence agreeing (own resource saturation, symptoms, new errors, a change, traces).
// One kind of evidence alone caps the confidence; a suspect barely ahead of the next one stays "unclear".

export interface ConfidenceInput {
  score: number;
  /** Independent kinds of evidence behind the suspect (0..5). */
  kinds: number;
}

export type Likelihood = 'likely' | 'possible' | 'unclear';

/** Softmax temperature on the scores: a lead of 0.5 (one clear anomaly) roughly doubles the odds. */
const TEMPERATURE = 0.7;

/** Per-suspect confidence in [0, 0.97], same order as the input (which is best first). */
export function confidences(ranked: readonly ConfidenceInput[]): number[] {
  if (!ranked.length) return [];
  const max = Math.max(...ranked.map((r) => r.score));
  const weights = ranked.map((r) => Math.exp((r.score - max) / TEMPERATURE));
  // An unseen alternative (a cause the data does not show) keeps some mass when evidence is thin.
  const unseen = Math.exp((Math.min(1, max) - max) / TEMPERATURE) * 0.5;
  const total = weights.reduce((s, w) => s + w, 0) + unseen;
  return ranked.map((r, i) => {
    const p = (weights[i] as number) / total;
    const agreement = Math.min(1, 0.55 + 0.15 * Math.max(0, r.kinds));
    return Math.round(Math.min(0.97, p * agreement) * 100) / 100;
  });
}

/** The confidence in plain words. */
export function likelihood(confidence: number): Likelihood {
  if (confidence >= 0.7) return 'likely';
  if (confidence >= 0.35) return 'possible';
  return 'unclear';
}
