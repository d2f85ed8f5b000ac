// Clock and duration helpers shared by all layers.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `15m`, `2h`, `1d`, `1h30m` into milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const re = /(\d+)([smhd])/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (UNITS[m[2] as string] ?? 0);
    matched = re.lastIndex;
  }
  return matched === text.length && matched > 0 ? total : null;
}

export function iso(d: Date | number): string {
  return new Date(d).toISOString();
}

/** The largest epoch ms a JavaScript Date holds (about the year 275,760): a time past it is a unit mistake. */
export const MAX_DATE_MS = 8.64e15;
