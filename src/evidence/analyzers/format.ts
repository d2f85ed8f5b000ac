// Number, unit and time formatting shared by ranking reasons and digests (deterministic, locale-free).

function sig3(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 100) return String(Math.round(v));
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, '');
  if (a >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return Number(v.toPrecision(2)).toString();
}

/** Formats a value in its unit: seconds as ms/s, bytes as KB/MB/GB, ratios as %, rates as req/s. */
export function formatValue(v: number, unit?: string): string {
  if (!Number.isFinite(v)) return 'n/a';
  switch (unit) {
    case 's':
      if (Math.abs(v) < 1) return `${sig3(v * 1000)}ms`;
      return `${sig3(v)}s`;
    case 'bytes': {
      const units = ['B', 'KB', 'MB', 'GB', 'TB'];
      let x = v;
      let i = 0;
      while (Math.abs(x) >= 1024 && i < units.length - 1) {
        x /= 1024;
        i++;
      }
      return `${sig3(x)}${units[i]}`;
    }
    case 'ratio':
      return `${sig3(v * 100)}%`;
    case '%':
      return `${sig3(v)}%`;
    case 'req/s':
      return `${sig3(v)} req/s`;
    case '/s':
      return `${sig3(v)}/s`;
    case 'cores':
      return `${sig3(v)} cores`;
    default:
      return unit ? `${sig3(v)} ${unit}` : sig3(v);
  }
}

/** `03:02:10 UTC` (the incident's clock; incidents are read in minutes, not dates). */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return 'n/a';
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** `15s`, `25 min`, `1.5 h` for a duration in seconds (absolute). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  const s = Math.abs(Math.round(seconds));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * A move as a person reads it: `from 47.5ms to 749ms (16×)`. The factor is shown when both ends are
 * positive and it says more than a percentage would; a small change reads as `up 20%` / `down 35%`.
 */
export function formatEffect(before: number, after: number, unit?: string): string {
  const span = `from ${formatValue(before, unit)} to ${formatValue(after, unit)}`;
  if (!Number.isFinite(before) || !Number.isFinite(after) || before === after) return span;
  if (before > 0 && after > 0) {
    const r = after / before;
    if (r >= 2) return `${span} (${r >= 10 ? Math.round(r) : Math.round(r * 10) / 10}×)`;
    if (r <= 0.5) return `${span} (down ${Math.round((1 - r) * 100)}%)`;
    return `${span} (${r > 1 ? 'up' : 'down'} ${Math.round(Math.abs(r - 1) * 100)}%)`;
  }
  if (before === 0 && after > 0) return `${span} (none before)`;
  return span;
}

/** `03:02 UTC`: a time of the incident's own clock, to the minute (a person reads incidents in minutes). */
export function formatMinute(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return 'n/a';
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/** Signed robust score as `+19 IQR` (for analysts and models; people get formatEffect). */
export function formatScore(score: number): string {
  const r = Math.abs(score) >= 10 ? Math.round(score) : Math.round(score * 10) / 10;
  return `${r >= 0 ? '+' : ''}${r} IQR`;
}
