// Block Kit validation with Slack's published limits; errors mimic Slack's `[json-pointer:...]` style.
import { isRecord } from '../fake-http';

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'divider',
  'context',
  'actions',
  'image',
  'rich_text',
  'input',
  'file',
  'video',
  'markdown',
  'table',
]);
const ELEMENT_TYPES = new Set([
  'button',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'overflow',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'checkboxes',
  'radio_buttons',
  'image',
  'multi_static_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'multi_external_select',
  'workflow_button',
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'file_input',
]);

type Errs = string[];

function err(errs: Errs, msg: string, pointer: string): void {
  errs.push(`${msg} [json-pointer:${pointer}]`);
}

function maxLen(errs: Errs, value: unknown, max: number, pointer: string): void {
  if (typeof value !== 'string') return err(errs, 'must be a string', pointer);
  if (value.length === 0) return err(errs, 'must be more than 0 characters', pointer);
  if (value.length > max) err(errs, `must be less than ${max + 1} characters`, pointer);
}

function textObject(errs: Errs, t: unknown, pointer: string, max: number, plainOnly = false): void {
  if (!isRecord(t)) return err(errs, 'must provide an object', pointer);
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn')
    return err(errs, 'must be one of plain_text, mrkdwn', `${pointer}/type`);
  if (plainOnly && t.type !== 'plain_text') return err(errs, 'must be plain_text', `${pointer}/type`);
  maxLen(errs, t.text, max, `${pointer}/text`);
}

function optionalId(errs: Errs, v: unknown, pointer: string): void {
  if (v !== undefined) maxLen(errs, v, 255, pointer);
}

function element(errs: Errs, el: unknown, pointer: string): void {
  if (!isRecord(el)) return err(errs, 'must provide an object', pointer);
  if (typeof el.type !== 'string' || !ELEMENT_TYPES.has(el.type))
    return err(errs, `unsupported type: ${String(el.type)}`, `${pointer}/type`);
  optionalId(errs, el.action_id, `${pointer}/action_id`);
  if (el.type === 'button') {
    textObject(errs, el.text, `${pointer}/text`, 75, true);
    if (el.value !== undefined) maxLen(errs, el.value, 2000, `${pointer}/value`);
    if (el.url !== undefined) maxLen(errs, el.url, 3000, `${pointer}/url`);
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger')
      err(errs, 'must be one of primary, danger', `${pointer}/style`);
  }
}

function block(errs: Errs, b: unknown, pointer: string): void {
  if (!isRecord(b)) return err(errs, 'must provide an object', pointer);
  if (typeof b.type !== 'string' || !BLOCK_TYPES.has(b.type))
    return err(errs, `unsupported type: ${String(b.type)}`, `${pointer}/type`);
  optionalId(errs, b.block_id, `${pointer}/block_id`);
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) err(errs, 'must provide either text or fields', pointer);
      if (b.text !== undefined) textObject(errs, b.text, `${pointer}/text`, 3000);
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields)) err(errs, 'must provide an array', `${pointer}/fields`);
        else {
          if (b.fields.length > 10) err(errs, 'must be less than 11 items', `${pointer}/fields`);
          b.fields.forEach((f, i) => textObject(errs, f, `${pointer}/fields/${i}`, 2000));
        }
      }
      if (b.accessory !== undefined) element(errs, b.accessory, `${pointer}/accessory`);
      return;
    }
    case 'header':
      return textObject(errs, b.text, `${pointer}/text`, 150, true);
    case 'context':
      return list(errs, b.elements, 10, `${pointer}/elements`, (e, p) => {
        if (isRecord(e) && e.type === 'image') return;
        textObject(errs, e, p, 3000);
      });
    case 'actions': {
      list(errs, b.elements, 25, `${pointer}/elements`, (e, p) => element(errs, e, p));
      const ids = Array.isArray(b.elements)
        ? b.elements.map((e) => (isRecord(e) ? e.action_id : undefined)).filter((x) => x !== undefined)
        : [];
      if (new Set(ids).size !== ids.length)
        err(errs, 'action_id values must be unique within a block', `${pointer}/elements`);
      return;
    }
    case 'markdown':
      return maxLen(errs, b.text, 12000, `${pointer}/text`);
    case 'image':
      if (b.image_url === undefined && b.slack_file === undefined)
        err(errs, 'must provide image_url or slack_file', pointer);
      return maxLen(errs, b.alt_text, 2000, `${pointer}/alt_text`);
    default:
      return;
  }
}

function list(errs: Errs, v: unknown, max: number, pointer: string, each: (e: unknown, p: string) => void): void {
  if (!Array.isArray(v)) return err(errs, 'must provide an array', pointer);
  if (v.length === 0) return err(errs, 'must provide at least 1 item', pointer);
  if (v.length > max) err(errs, `must be less than ${max + 1} items`, pointer);
  v.forEach((e, i) => each(e, `${pointer}/${i}`));
}

/** Validates a message's blocks; returns Slack-style error strings (empty when valid). */
export function validateBlocks(blocks: unknown): string[] {
  const errs: Errs = [];
  if (!Array.isArray(blocks)) {
    err(errs, 'must provide an array', '/blocks');
    return errs;
  }
  if (blocks.length > 50) err(errs, 'must be less than 51 items', '/blocks');
  blocks.forEach((b, i) => block(errs, b, `/blocks/${i}`));
  const ids = blocks.map((b) => (isRecord(b) ? b.block_id : undefined)).filter((x) => x !== undefined);
  if (new Set(ids).size !== ids.length) err(errs, 'block_id values must be unique within a message', '/blocks');
  return errs;
}

/**
 * Slack refuses a message whose blocks hold more than about this much text in all with
 * `msg_blocks_too_long`, even when every block is within its own limit (undocumented; measured).
 */
export const MAX_BLOCK_TEXT = 13_200;

/** Characters of text in a message's blocks: every string under a `text` key (text objects, markdown blocks). */
export function blocksTextLength(blocks: readonly unknown[]): number {
  let n = 0;
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') n += key === 'text' ? v.length : 0;
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (isRecord(v)) Object.entries(v).forEach(([k, x]) => walk(x, k));
  };
  walk(blocks, '');
  return n;
}
