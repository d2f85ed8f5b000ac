// Shapes of the Anthropic fake's scripts and recordings.

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'pause_turn' | 'refusal' | 'stop_sequence';

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export type ReplyBlock =
  { type: 'text'; text: string } | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> };

export interface ReplyUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/** A successful message; stop_reason defaults to tool_use when a tool_use block is present, else end_turn. */
export interface MessageReply {
  content: ReplyBlock[];
  stop_reason?: StopReason;
  usage?: ReplyUsage;
}

/** An API error; `retryAfter` (seconds, may be fractional) sets the `retry-after` header. */
export interface ErrorReply {
  status: 400 | 401 | 403 | 404 | 413 | 429 | 500 | 529;
  type?: ErrorType;
  message?: string;
  retryAfter?: number;
}

/** Wait before answering (to force client timeouts), then answer `then` or the default. */
export interface DelayReply {
  delayMs: number;
  then?: MessageReply | ErrorReply;
}

export type ScriptedReply = MessageReply | ErrorReply | DelayReply;

export interface RecordedRequest {
  at: number;
  headers: { 'anthropic-version'?: string; 'anthropic-beta'?: string; 'x-stainless-retry-count'?: string };
  /** The JSON body exactly as received. */
  body: Record<string, unknown>;
}

/** One request and what the fake answered. */
export interface Exchange {
  request: RecordedRequest;
  status: number;
  response: Record<string, unknown>;
}

export type Responder = (request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;
