// Entry point of the Anthropic Messages API fake.
import { AnthropicFake, type AnthropicFakeOptions } from './fake';
import { serveAnthropicFake } from './server';

export { AnthropicFake, anthropicId, lastToolResults, type AnthropicFakeOptions } from './fake';
export { KNOWN_MODELS, RETIRED_MODELS, validateMessagesRequest } from './validate';
export type * from './types';

export interface RunningAnthropicFake {
  /** Pass as the SDK's `baseURL`. */
  url: string;
  fake: AnthropicFake;
  close(): Promise<void>;
}

/** Starts the Anthropic fake on 127.0.0.1 (random port unless `port` is given). */
export async function startAnthropicFake(
  opts: AnthropicFakeOptions & { port?: number } = {},
): Promise<RunningAnthropicFake> {
  const { port, ...fakeOpts } = opts;
  const fake = new AnthropicFake(fakeOpts);
  const listening = await serveAnthropicFake(fake, port ?? 0);
  return { url: listening.origin, fake, close: listening.close };
}
