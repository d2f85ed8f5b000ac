// Reading Slack method arguments, which arrive as form strings or JSON values.
import { isRecord } from '../fake-http';
import { SlackApiError } from './fake';
import { validateBlocks } from './blocks';
import type { FakeMetadata } from './types';

export type Args = Record<string, unknown>;

/** An optional string argument; numbers and booleans are stringified like form values. */
export function optStr(args: Args, key: string): string | undefined {
  const v = args[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A required string argument; a missing one is Slack's `error`, default `invalid_arguments`. */
export function reqStr(args: Args, key: string, error = 'invalid_arguments'): string {
  const v = optStr(args, key);
  if (v === undefined)
    throw new SlackApiError(error, { response_metadata: { messages: [`[ERROR] missing required field: ${key}`] } });
  return v;
}

export function optBool(args: Args, key: string): boolean {
  const v = args[key];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** A JSON-typed argument: form bodies carry it as a JSON string. */
export function jsonArg(args: Args, key: string, badFormat: string): unknown {
  const v = args[key];
  if (typeof v !== 'string') return v;
  if (v === '') return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw new SlackApiError(badFormat);
  }
}

/** Parsed and validated `blocks`, or undefined when absent. */
export function blocksArg(args: Args): unknown[] | undefined {
  const blocks = jsonArg(args, 'blocks', 'invalid_blocks_format');
  if (blocks === undefined || blocks === null) return undefined;
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  const errors = validateBlocks(blocks);
  if (errors.length > 0) {
    throw new SlackApiError('invalid_blocks', {
      errors,
      response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
    });
  }
  return blocks;
}

/** Parsed `metadata`: `{event_type: string, event_payload: object}` or `invalid_metadata_format`. */
export function metadataArg(args: Args): FakeMetadata | undefined {
  const m = jsonArg(args, 'metadata', 'invalid_metadata_format');
  if (m === undefined || m === null) return undefined;
  if (!isRecord(m) || typeof m.event_type !== 'string' || m.event_type === '' || !isRecord(m.event_payload)) {
    throw new SlackApiError('invalid_metadata_format');
  }
  return { event_type: m.event_type, event_payload: m.event_payload };
}
