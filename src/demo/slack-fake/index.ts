// Entry point of the Slack fake: start it, talk to it, render it.
import { SlackFake, type SlackFakeOptions } from './fake';
import { serveSlackFake } from './server';

export { SlackFake, SlackApiError, cmpTs, type SlackFakeOptions } from './fake';
export {
  SlackEventClient,
  signSlackRequest,
  type SlackClientOptions,
  type SlackHttpResult,
  type CommandSpec,
  type BlockActionSpec,
  type RawRequest,
} from './client';
export { renderTranscript, renderBlocks, type TranscriptOptions } from './transcript';
export { validateBlocks } from './blocks';
export type * from './types';

export interface RunningSlackFake {
  /** Base for WebClient's `slackApiUrl`; ends in `/api/`. */
  url: string;
  /** Origin of the server (`http://127.0.0.1:port`). */
  origin: string;
  fake: SlackFake;
  close(): Promise<void>;
}

/** Starts a Slack Web API fake on 127.0.0.1 (random port unless `port` is given). */
export async function startSlackFake(opts: SlackFakeOptions & { port?: number } = {}): Promise<RunningSlackFake> {
  const { port, ...fakeOpts } = opts;
  const fake = new SlackFake(fakeOpts);
  const listening = await serveSlackFake(fake, port ?? 0);
  return {
    url: `${listening.origin}/api/`,
    origin: listening.origin,
    fake,
    close: async () => {
      // Upgraded (Socket Mode) sockets are the server's no longer: close them first or close() waits on them.
      fake.socketMode.close();
      await listening.close();
    },
  };
}
