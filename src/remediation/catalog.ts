// The action catalog: the only things Incident Scout can change. Validates typed parameters and
// renders, through the action's executor kind, exactly what a proposal freezes. Pure: no I/O.
import type { ActionParamSpec, ActionSpec } from '../config/actions';
import { requiredApprovals } from '../config/actions';
import { ProposalInvalid } from '../domain/errors';
import type { ParamValue, RenderedAction } from '../domain/types';
import type { Fill } from './executors';
import { clipText } from '../domain/text';

/** `{param}` (not `${SECRET}`), as in src/config/actions.ts. */
const PLACEHOLDER = /(?<!\$)\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;
/** Strings reaching a command or request stay short and printable. */
const MAX_STRING = 256;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export type Params = Record<string, ParamValue>;

/** The catalog loaded from Config.actions. */
export class Catalog {
  private readonly byId: Map<string, ActionSpec>;

  constructor(actions: readonly ActionSpec[]) {
    this.byId = new Map(actions.map((a) => [a.id, a]));
  }

  /** The action with this id, or ProposalInvalid naming the known ids. */
  get(id: string): ActionSpec {
    const action = this.byId.get(id);
    if (!action) {
      throw new ProposalInvalid(
        `There is no action "${clipText(id, 60)}" in the catalog. Known actions: ${[...this.byId.keys()].join(', ')}.`,
      );
    }
    return action;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  all(): ActionSpec[] {
    return [...this.byId.values()];
  }

  /** Listing for `/triage actions` and help. */
  summary(): Array<{ id: string; title: string; risk: string; params: string[]; required: number }> {
    return this.all().map((a) => ({
      id: a.id,
      title: a.title,
      risk: a.risk,
      params: Object.entries(a.params).map(([name, p]) => describeParam(name, p)),
      required: requiredApprovals(a),
    }));
  }
}

/** `name=<type>` with its constraints, for help text and refusals. */
export function describeParam(name: string, p: ActionParamSpec): string {
  const parts: string[] = [];
  if (p.enum) parts.push(p.enum.join('|'));
  else if (p.type === 'integer')
    parts.push(`integer${p.min !== undefined || p.max !== undefined ? ` ${p.min ?? ''}..${p.max ?? ''}` : ''}`);
  else if (p.type === 'boolean') parts.push('true|false');
  else parts.push(`text matching ${p.pattern ?? ''}`);
  if (p.default !== undefined) parts.push(`default ${String(p.default)}`);
  return `${name}=<${parts.join(', ')}>`;
}

/**
 * Checks raw parameters against the action's schema and returns them typed, defaults applied.
 * Strings from `/triage propose key=value` are coerced (integers, true/false). Unknown or missing
 * parameters and values outside the schema throw ProposalInvalid with the reason.
 */
export function validateParams(action: ActionSpec, raw: Record<string, unknown>): Params {
  const out: Params = {};
  const unknown = Object.keys(raw).filter((k) => !Object.prototype.hasOwnProperty.call(action.params, k));
  if (unknown.length > 0) {
    throw new ProposalInvalid(
      `${action.id} has no parameter ${unknown.map((k) => `"${clipText(k, 40)}"`).join(', ')}. It takes: ${paramList(action)}.`,
    );
  }
  for (const [name, spec] of Object.entries(action.params)) {
    const given = Object.prototype.hasOwnProperty.call(raw, name) ? raw[name] : undefined;
    if (given === undefined || given === null) {
      if (spec.default === undefined) throw new ProposalInvalid(`${action.id} needs ${describeParam(name, spec)}.`);
      out[name] = checkValue(action.id, name, spec, spec.default);
      continue;
    }
    out[name] = checkValue(action.id, name, spec, given);
  }
  return out;
}

function checkValue(actionId: string, name: string, spec: ActionParamSpec, value: unknown): ParamValue {
  // Once coerced (`replicas=9` typed in Slack is the string "9"), show the value as the schema reads it.
  const bad = (why: string, as: unknown = value): never => {
    throw new ProposalInvalid(`${actionId}: ${name}=${shown(as)} ${why} (expected ${describeParam(name, spec)}).`);
  };
  let typed: ParamValue;
  if (spec.type === 'integer') {
    if (typeof value === 'number') typed = value;
    else if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) typed = Number(value.trim());
    else return bad('is not an integer');
    if (!Number.isSafeInteger(typed)) return bad('is not an integer');
    if (spec.min !== undefined && typed < spec.min) return bad(`is below the minimum ${spec.min}`, typed);
    if (spec.max !== undefined && typed > spec.max) return bad(`is above the maximum ${spec.max}`, typed);
  } else if (spec.type === 'boolean') {
    if (typeof value === 'boolean') typed = value;
    else if (value === 'true' || value === 'false') typed = value === 'true';
    else return bad('is not true or false');
  } else {
    if (typeof value !== 'string') return bad('is not text');
    if (value.length > MAX_STRING) return bad(`is longer than ${MAX_STRING} characters`);
    if (CONTROL.test(value)) return bad('contains control characters');
    if (spec.pattern && !anchored(spec.pattern).test(value)) return bad(`does not match ${spec.pattern}`);
    typed = value;
  }
  if (spec.enum && !spec.enum.some((e) => e === typed)) return bad(`is not one of ${spec.enum.join(', ')}`, typed);
  return typed;
}

/** The manifest pattern, matched against the whole value whether or not it was written with ^...$. */
export function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** Renders the action's run template with validated params: the exact argv or request a proposal freezes. */
export function render(action: ActionSpec, params: Params): RenderedAction {
  return action.run.render(filler(action, params));
}

/** Renders the action's precondition, or null when it has none. */
export function renderPrecondition(action: ActionSpec, params: Params): RenderedAction | null {
  return action.precondition ? action.precondition.render(filler(action, params)) : null;
}

/** The validated parameters as an executor kind's render sees them. */
function filler(action: ActionSpec, params: Params): Fill {
  return {
    actionId: action.id,
    text: (template, encode = (s) => s) => fill(action, template, params, encode),
    value: (name) => lookup(action, name, params),
    pattern: (name) => action.params[name]?.pattern,
  };
}

function fill(action: ActionSpec, template: string, params: Params, encode: (s: string) => string): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => encode(String(lookup(action, name, params))));
}

function lookup(action: ActionSpec, name: string, params: Params): ParamValue {
  const v = params[name];
  if (v === undefined) throw new ProposalInvalid(`${action.id}: parameter ${name} has no value.`);
  return v;
}

function paramList(action: ActionSpec): string {
  const list = Object.entries(action.params).map(([n, p]) => describeParam(n, p));
  return list.length > 0 ? list.join(' ') : 'no parameters';
}

function shown(value: unknown): string {
  return clipText(typeof value === 'string' ? JSON.stringify(value) : String(value), 80);
}
