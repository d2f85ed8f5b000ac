// `/triage` text -> a typed command, or a problem the user can fix. Pure: no Slack, no I/O.
// SUBCOMMANDS is the single table both the router and the help text are built from.
import { parseDuration } from '../../domain/time';
import { clipText } from '../../domain/text';

export const SUBCOMMANDS = [
  { name: 'help', usage: '/triage help', summary: 'Show this list.' },
  {
    name: 'start',
    usage: '/triage start [description] [since=<15m|2h|ISO time>]',
    summary: 'Investigate this channel now; `since=` sets when the incident began.',
  },
  { name: 'status', usage: '/triage status', summary: 'Show the current investigation: state, scouts, budgets.' },
  { name: 'stop', usage: '/triage stop', summary: 'Stop the running investigation; partial results are posted.' },
  {
    name: 'deeper',
    usage: '/triage deeper [focus]',
    summary: 'Start another round, optionally focused (a service, a question).',
  },
  {
    name: 'propose',
    usage: '/triage propose <action-id> key=value ...',
    summary: 'Propose a remediation from the catalog; named approvers must approve it.',
  },
  { name: 'actions', usage: '/triage actions', summary: 'List the remediation catalog: action ids, risk, parameters.' },
  { name: 'audit', usage: '/triage audit', summary: "Upload this incident's audit trail to the channel." },
  {
    name: 'resolve',
    usage: '/triage resolve [summary]',
    summary: 'End the incident: post its timeline and a postmortem draft, and remember it for next time.',
  },
] as const;

export type SubcommandName = (typeof SUBCOMMANDS)[number]['name'];

export type TriageCommand =
  | { name: 'help' }
  | { name: 'start'; description?: string; since?: number }
  | { name: 'status' }
  | { name: 'stop' }
  | { name: 'deeper'; focus?: string }
  | { name: 'propose'; actionId: string; args: Record<string, string> }
  | { name: 'actions' }
  | { name: 'audit' }
  | { name: 'resolve'; summary?: string };

export type ParseResult = { ok: true; command: TriageCommand } | { ok: false; problem: string; usage?: string };

export const MAX_TEXT = 2000;
/** How far back `since=` may reach; older is almost surely a typo (and the evidence window would be huge). */
export const MAX_SINCE_MS = 7 * 24 * 3600_000;

const ACTION_ID = /^[a-z][a-z0-9-]{0,63}$/;
const PARAM_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function usageOf(name: SubcommandName): string {
  return SUBCOMMANDS.find((s) => s.name === name)?.usage ?? '/triage help';
}

function fail(problem: string, name?: SubcommandName): ParseResult {
  return name ? { ok: false, problem, usage: usageOf(name) } : { ok: false, problem };
}

/** Splits on whitespace; double quotes group words (`key="two words"`), and are removed. */
export function tokenize(text: string): string[] | null {
  const tokens: string[] = [];
  let cur = '';
  let inQuote = false;
  let has = false;
  for (const ch of text) {
    if (ch === '"') {
      inQuote = !inQuote;
      has = true;
    } else if (!inQuote && /\s/.test(ch)) {
      if (has) tokens.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (inQuote) return null;
  if (has) tokens.push(cur);
  return tokens;
}

/** Parses `since=` as a duration before now (`15m`, `1h30m`) or an ISO time; epoch ms or a problem. */
export function parseSince(value: string, now: Date): number | string {
  const ms = parseDuration(value);
  if (ms !== null) {
    if (ms <= 0) return `since=${value} is zero; give how long ago it began, e.g. since=15m`;
    if (ms > MAX_SINCE_MS) return `since=${value} is more than 7 days ago`;
    return now.getTime() - ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const t = Date.parse(value);
    if (Number.isNaN(t)) return `since=${value} is not a valid ISO time`;
    if (t > now.getTime()) return `since=${value} is in the future`;
    if (now.getTime() - t > MAX_SINCE_MS) return `since=${value} is more than 7 days ago`;
    return t;
  }
  return `since=${value} is neither a duration (15m, 2h, 1h30m) nor an ISO time (2026-11-27T04:10:00Z)`;
}

/** Parses the text after `/triage`. Empty text means help. */
export function parseTriage(text: string, now: Date): ParseResult {
  if (text.length > MAX_TEXT) return fail(`That is ${text.length} characters; /triage takes at most ${MAX_TEXT}.`);
  if (CONTROL.test(text)) return fail('That text contains control characters; type it plainly.');
  const tokens = tokenize(text.trim());
  if (tokens === null) return fail('A double quote is not closed.');
  const [head, ...rest] = tokens;
  if (head === undefined) return { ok: true, command: { name: 'help' } };
  const sub = head.toLowerCase();
  switch (sub) {
    case 'help':
    case 'status':
    case 'stop':
    case 'actions':
    case 'audit':
      if (rest.length > 0) return fail(`\`${sub}\` takes no arguments (got "${rest.join(' ')}").`, sub);
      return { ok: true, command: { name: sub } };
    case 'start':
      return parseStart(rest, now);
    case 'deeper': {
      const focus = rest.join(' ').trim();
      return { ok: true, command: focus ? { name: 'deeper', focus } : { name: 'deeper' } };
    }
    case 'propose':
      return parsePropose(rest);
    case 'resolve': {
      const summary = rest.join(' ').trim();
      return { ok: true, command: summary ? { name: 'resolve', summary } : { name: 'resolve' } };
    }
    case 'approve':
    case 'reject':
      return fail(`\`${sub}\` is a button on the proposal card, so the decision is tied to exactly what was proposed.`);
    default:
      return fail(`I don't know \`${clipText(head, 40)}\`.`);
  }
}

function parseStart(rest: string[], now: Date): ParseResult {
  const words: string[] = [];
  let since: number | undefined;
  for (const tok of rest) {
    const eq = /^([a-z_]+)=(.*)$/i.exec(tok);
    if (!eq) {
      words.push(tok);
      continue;
    }
    const [, key = '', value = ''] = eq;
    if (key.toLowerCase() !== 'since')
      return fail(`\`start\` has no option \`${clipText(key, 30)}=\`; it accepts since=.`, 'start');
    if (since !== undefined) return fail('since= is given twice.', 'start');
    const parsed = parseSince(value, now);
    if (typeof parsed === 'string') return fail(`${parsed}.`, 'start');
    since = parsed;
  }
  const description = words.join(' ').trim();
  return {
    ok: true,
    command: { name: 'start', ...(description ? { description } : {}), ...(since !== undefined ? { since } : {}) },
  };
}

function parsePropose(rest: string[]): ParseResult {
  const [actionId, ...pairs] = rest;
  if (actionId === undefined) return fail('Which action? Give an action id; `/triage actions` lists them.', 'propose');
  if (actionId.includes('='))
    return fail(`The action id comes first, before key=value pairs (got "${clipText(actionId, 40)}").`, 'propose');
  if (!ACTION_ID.test(actionId))
    return fail(`"${clipText(actionId, 40)}" is not an action id; \`/triage actions\` lists them.`, 'propose');
  const args: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 0) return fail(`"${clipText(pair, 40)}" is not key=value.`, 'propose');
    const key = pair.slice(0, i);
    const value = pair.slice(i + 1);
    if (!PARAM_KEY.test(key)) return fail(`"${clipText(key, 40)}" is not a parameter name.`, 'propose');
    if (value === '') return fail(`${key}= has no value.`, 'propose');
    if (Object.hasOwn(args, key)) return fail(`${key}= is given twice.`, 'propose');
    args[key] = value;
  }
  return { ok: true, command: { name: 'propose', actionId, args } };
}
