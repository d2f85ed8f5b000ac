// files.uploadV2 flow: getUploadURLExternal -> POST bytes to upload_url -> completeUploadExternal.
import { isRecord } from '../fake-http';
import { jsonArg, optStr, reqStr, type Args } from './args';
import { SlackApiError, type SlackFake } from './fake';
import { channelArg, requireMember, threadRoot } from './lookup';
import type { FakeMessage } from './types';

type Result = Record<string, unknown>;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function filesGetUploadURLExternal(fake: SlackFake, args: Args): Result {
  const filename = reqStr(args, 'filename', 'invalid_arguments');
  const length = Number(reqStr(args, 'length', 'invalid_arguments'));
  if (!Number.isInteger(length) || length < 0) throw new SlackApiError('invalid_arguments');
  const altText = optStr(args, 'alt_text') ?? optStr(args, 'alt_txt');
  if (altText !== undefined && altText.length > 1000) throw new SlackApiError('invalid_arguments');
  const id = fake.newId('F');
  fake.fileIndex.set(id, { id, filename, length, completed: false, ...(altText !== undefined ? { altText } : {}) });
  return { upload_url: `${fake.origin}/upload/${id}`, file_id: id };
}

/** Stores the bytes POSTed to an upload_url; false when the URL is unknown. */
export function receiveUpload(fake: SlackFake, fileId: string, bytes: Buffer): boolean {
  const f = fake.fileIndex.get(fileId);
  if (!f || f.completed) return false;
  f.content = bytes;
  f.mimetype = bytes.subarray(0, 8).equals(PNG_SIGNATURE) ? 'image/png' : 'text/plain';
  return true;
}

export function filesCompleteUploadExternal(fake: SlackFake, args: Args): Result {
  const files = jsonArg(args, 'files', 'invalid_arguments');
  if (!Array.isArray(files) || files.length === 0) throw new SlackApiError('invalid_arguments');
  const channelId = optStr(args, 'channel_id');
  const ch = channelId ? channelArg(fake, args, 'channel_id') : undefined;
  if (ch) requireMember(ch);
  const root = ch ? threadRoot(fake, ch.id, optStr(args, 'thread_ts')) : undefined;
  const done = files.map((entry) => {
    const id = isRecord(entry) && typeof entry.id === 'string' ? entry.id : '';
    const f = fake.fileIndex.get(id);
    if (!f || f.completed) throw new SlackApiError('file_not_found');
    if (!f.content) throw new SlackApiError('file_upload_not_complete');
    f.completed = true;
    f.title = isRecord(entry) && typeof entry.title === 'string' ? entry.title : f.filename;
    f.channel = ch?.id;
    f.threadTs = root;
    return f;
  });
  if (ch) {
    const ts = fake.nextTs();
    const msg: FakeMessage = {
      channel: ch.id,
      ts,
      threadTs: root,
      user: fake.botUserId,
      botId: fake.botId,
      text: optStr(args, 'initial_comment') ?? '',
      reactions: [],
      files: done.map((f) => f.id),
    };
    fake.messageIndex.set(`${ch.id}/${ts}`, msg);
  }
  return {
    files: done.map((f) => ({
      id: f.id,
      name: f.filename,
      title: f.title,
      size: f.length,
      channels: f.channel ? [f.channel] : [],
    })),
  };
}
