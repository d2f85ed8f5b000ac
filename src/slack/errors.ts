// The one place that turns errors into what the waiting person reads. ScoutError subclasses carry
// their own safe userMessage; anything else is a bug: logged in full with a short reference the
// user can quote, and shown only as that reference.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type {
  App,
  ReceiverProcessEventErrorHandlerArgs,
  SocketModeReceiverProcessEventErrorHandlerArgs,
} from '@slack/bolt';
import { defaultProcessEventErrorHandler, HTTPModuleFunctions } from '@slack/bolt';
import { isScoutError } from '../domain/errors';
import type { Logger } from '../logging';

export interface UserFacingError {
  text: string;
  code: string;
  ref?: string;
}

/** Maps an error to user-facing text; unknown errors are logged with a ref and shown only by ref. */
export function toUserFacing(err: unknown, logger: Logger, context: Record<string, unknown> = {}): UserFacingError {
  if (isScoutError(err)) {
    logger.info({ ...context, code: err.code, msg: err.message }, 'refused with a user-facing error');
    return { text: err.userMessage, code: err.code };
  }
  const ref = randomBytes(4).toString('hex');
  logger.error({ ...context, err, ref }, 'unexpected error');
  return {
    text: `Something went wrong (ref ${ref}). The team can find the details in the logs.`,
    code: 'internal',
    ref,
  };
}

/** Installs the app-wide error handler: whatever escapes a listener is logged once, with a ref. */
export function installErrorHandler(app: App, logger: Logger): void {
  app.error(async (error) => {
    toUserFacing(error.original ?? error, logger, { source: 'bolt', code: error.code });
  });
}

/**
 * HTTPReceiver `processEventErrorHandler`: a body Bolt itself cannot read (a click without a user,
 * `actions` that is not an array) throws a TypeError before any listener runs; that is the sender's
 * fault, so answer 400 instead of Bolt's 500. Everything else keeps Bolt's default handling.
 */
export function malformedRequestHandler(
  logger: Logger,
): (args: ReceiverProcessEventErrorHandlerArgs) => Promise<boolean> {
  return async (args) => {
    if (args.error instanceof TypeError && !args.response.headersSent) {
      logger.warn({ err: args.error }, 'malformed Slack request refused with 400');
      args.response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      args.response.end('malformed request\n');
      return true;
    }
    return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
  };
}

/**
 * SocketModeReceiver `processEventErrorHandler`: the same unreadable payloads over Socket Mode are
 * acked (true), so Slack does not redeliver what can never be read; the HTTP receiver answers them 400.
 * What reaches this handler is what threw outside Bolt's own try around middleware and listeners
 * (errors in our listeners go to app.error instead): Bolt reading a payload of the wrong shape, or a
 * bug before that. Any TypeError is acked, so the error is logged whole, stack included, in case it
 * was a bug. Everything else keeps Bolt's default handling.
 */
export function malformedEnvelopeHandler(
  logger: Logger,
): (args: SocketModeReceiverProcessEventErrorHandlerArgs) => Promise<boolean> {
  return async (args) => {
    if (args.error instanceof TypeError) {
      logger.warn(
        { err: args.error, type: args.event.body?.type },
        'Socket Mode envelope Bolt could not read: acked and dropped',
      );
      return true;
    }
    return defaultProcessEventErrorHandler(args);
  };
}

/** Bolt's default body limit; bodies beyond it are left to Bolt (it answers 413). */
const BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Wraps an HTTPReceiver's request listener: a body whose JSON (or form `payload`) parses to something
 * that is not an object (`payload=null`) makes Bolt read a property of null outside any try, so the
 * request never gets an answer and the rejection is unhandled. Such bodies get a 400 here; every other
 * body is handed to Bolt already buffered (Bolt reuses `rawBody` instead of reading the stream again).
 */
export function guardUnreadableBodies(
  receiver: { requestListener: RequestListener },
  logger: Logger,
  endpoints: readonly string[],
): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    // Anything but a POST to an events endpoint goes to the receiver as it came, synchronously: for a path
    // it does not serve the receiver throws, and only its own caller turns that into a 404. Thrown from
    // the `end` listener below, the same error would be uncaught and stop the process.
    if (req.method !== 'POST' || !endpoints.includes(pathOf(req.url))) {
      inner(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.once('error', () => {
      if (!res.headersSent) res.writeHead(400).end();
    });
    req.once('end', () => {
      const raw = Buffer.concat(chunks);
      if (size <= BODY_LIMIT && !boltCanRead(req.headers['content-type'], raw)) {
        logger.warn(
          { contentType: req.headers['content-type'] },
          'request body is not a JSON object; refused with 400',
        );
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('malformed request\n');
        return;
      }
      if (size <= BODY_LIMIT) Object.assign(req, { rawBody: raw });
      try {
        inner(req, res);
      } catch (err) {
        // Not expected for an events endpoint; answered rather than left to crash the process.
        logger.error({ err }, 'the HTTP receiver threw for a request to its events endpoint');
        if (!res.headersSent) res.writeHead(500).end();
      }
    });
  };
}

/** The path as the HTTP receiver routes it (it resolves `..` and `%2e%2e`); '' when it cannot parse it either. */
export function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/** False when the body (or its form `payload`) is valid JSON but not an object; bodies Bolt rejects itself pass. */
export function boltCanRead(contentType: string | undefined, raw: Buffer): boolean {
  // Fast path, on every request before its ack: a JSON text whose first character is `{` parses to an
  // object or not at all (and Bolt answers the latter itself), so only other bodies need a full parse.
  if (startsWithBrace(contentType, raw)) return true;
  let json: string | null = null;
  if (contentType?.includes('application/x-www-form-urlencoded'))
    json = new URLSearchParams(raw.toString('utf8')).get('payload');
  else if (contentType?.includes('application/json')) json = raw.toString('utf8');
  if (json === null) return true;
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null;
  } catch {
    return true; // not JSON at all: Bolt answers that with a 400 of its own
  }
}

/** Whether the JSON body, or the form's `payload` value, begins with `{` (after JSON whitespace). */
function startsWithBrace(contentType: string | undefined, raw: Buffer): boolean {
  if (contentType?.includes('application/json')) {
    for (const byte of raw) {
      if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
      return byte === 0x7b;
    }
    return false;
  }
  if (!contentType?.includes('application/x-www-form-urlencoded')) return false;
  const s = raw.toString('latin1');
  let i = s.startsWith('payload=') ? 8 : s.indexOf('&payload=');
  if (i < 0) return false;
  if (!s.startsWith('payload=')) i += 9;
  return s[i] === '{' || s.slice(i, i + 3).toUpperCase() === '%7B';
}
