// The reference for the ack benchmark: a Bolt app with the same receiver that only acks.
import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

/** Starts a Bolt app that acks `/triage` and every button and does nothing else. */
export async function startBareBolt(opts: {
  signingSecret: string;
  botToken: string;
  slackApiUrl: string;
  port?: number;
}): Promise<{ port: number; stop: () => Promise<void> }> {
  const receiver = new HTTPReceiver({
    signingSecret: opts.signingSecret,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: opts.botToken,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: opts.slackApiUrl },
  });
  app.command('/triage', async ({ ack }) => {
    await ack();
  });
  app.action(/.*/, async ({ ack }) => {
    await ack();
  });
  const server = (await app.start(opts.port ?? 0)) as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  return { port, stop: () => app.stop().then(() => undefined) };
}
