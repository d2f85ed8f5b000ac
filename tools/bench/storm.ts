// Twenty incidents at once: twenty `channel_created` events sent at the same moment to our app (a
// child process: whole runtime, in-process store and queue, deterministic brain, default
// concurrency), with a steady trickle of `/triage status` commands in those channels while the
// investigations run. Measures the acks during the storm, the time until all twenty syntheses
// are posted in the Slack fake, and the app's peak RSS.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { startSlackFake, type SlackFake } from '../../src/demo/slack-fake';
import { spawnBenchApp } from './ack-server';
import { percentile, type LoadRequest } from './load';
import { signedEvent, slashCommand } from './requests';

export interface StormResult {
  incidents: number;
  /** Acks of the twenty channel_created events (sent together). */
  eventAcks: { p50: number; p99: number; max: number; non200: number };
  /** Acks of the slash commands sent every `trickleEveryMs` during the storm. */
  commandAcks: { count: number; p50: number; p99: number; max: number; non200: number; answered: number };
  /** Acks of events and commands together: the storm figure. */
  allAcksP99: number;
  trickleEveryMs: number;
  /** From sending the events until the first kickoff / the last kickoff / the last synthesis was in the fake. */
  firstKickoffMs: number;
  lastKickoffMs: number;
  firstSynthesisMs: number;
  allSynthesesMs: number;
  syntheses: number;
  peakRssMb: number;
  /** Longest event-loop stall of the app during the storm (perf_hooks histogram). */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  concurrency: string;
}

function timedPost(agent: http.Agent, url: URL, req: LoadRequest): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const r = http.request(
      {
        agent,
        method: 'POST',
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { ...req.headers, 'Content-Length': Buffer.byteLength(req.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    r.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    r.end(req.body);
  });
}

/** Channels (of `ids`) whose thread holds the synthesis (the message carrying the hypotheses metadata). */
function synthesized(fake: SlackFake, ids: Set<string>): Set<string> {
  const done = new Set<string>();
  for (const m of fake.messageIndex.values()) {
    if (ids.has(m.channel) && m.metadata?.event_type === 'incident_scout_hypotheses') done.add(m.channel);
  }
  return done;
}

/** Runs the storm; `incidents` channels at once, a command every `trickleEveryMs`. */
export async function benchStorm(
  opts: { incidents?: number; trickleEveryMs?: number; timeoutMs?: number; log?: (l: string) => void } = {},
): Promise<StormResult> {
  const n = opts.incidents ?? 20;
  const every = opts.trickleEveryMs ?? 20;
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const slack = await startSlackFake();
  const { fake } = slack;
  const secret = randomBytes(16).toString('hex');
  const app = await spawnBenchApp({
    mode: 'ours',
    slackApiUrl: slack.url,
    botToken: fake.botToken,
    signingSecret: secret,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const url = new URL(app.url);
    const user = 'U0STORM001';
    fake.addUser({ id: user, name: 'sam', realName: 'Sam Storm' });
    const suffix = randomBytes(2).toString('hex');
    const channels = Array.from({ length: n }, (_, i) =>
      fake.addChannel({ name: `inc-storm-${suffix}-${String(i + 1).padStart(2, '0')}` }),
    );
    const ids = new Set(channels);
    const events = channels.map((id) =>
      signedEvent(fake, secret, {
        type: 'channel_created',
        channel: { id, name: fake.channels.get(id)?.name ?? id, created: Math.floor(Date.now() / 1000), creator: user },
        event_ts: fake.nextTs(),
      }),
    );
    await app.stats(); // resets the app's event-loop delay histogram: what follows is the storm

    const t0 = performance.now();
    const eventResults = Promise.all(events.map((e) => timedPost(agent, url, e)));
    const commandResults: Array<Promise<{ status: number; ms: number }>> = [];
    const answersBefore = fake.ephemeralLog.length;
    let k = 0;
    const trickle = setInterval(() => {
      const channel = channels[k++ % n] as string;
      commandResults.push(timedPost(agent, url, slashCommand(fake, secret, { channel, user, text: 'status' })));
    }, every);

    let firstKickoffMs = NaN;
    let lastKickoffMs = NaN;
    let firstSynthesisMs = NaN;
    let allSynthesesMs = NaN;
    const kicked = new Set<string>();
    const deadline = t0 + timeoutMs;
    while (performance.now() < deadline) {
      for (const m of fake.messageIndex.values()) if (ids.has(m.channel) && !m.threadTs) kicked.add(m.channel);
      const elapsed = performance.now() - t0;
      if (kicked.size > 0 && Number.isNaN(firstKickoffMs)) firstKickoffMs = elapsed;
      if (kicked.size === n && Number.isNaN(lastKickoffMs)) lastKickoffMs = elapsed;
      const done = synthesized(fake, ids).size;
      if (done > 0 && Number.isNaN(firstSynthesisMs)) firstSynthesisMs = elapsed;
      if (done === n) {
        allSynthesesMs = elapsed;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    clearInterval(trickle);
    const ev = await eventResults;
    const cmds = await Promise.all(commandResults);
    const stats = await app.stats();
    // Answers to the last commands may still be on their way; give them a moment, do not wait forever.
    await fake.waitFor((f) => f.ephemeralLog.length - answersBefore >= cmds.length, 10_000).catch(() => undefined);
    const evMs = ev.map((r) => r.ms);
    const cmdMs = cmds.map((r) => r.ms);
    const syntheses = synthesized(fake, ids).size;
    opts.log?.(
      `  storm: ${syntheses}/${n} syntheses in ${Math.round(allSynthesesMs)} ms; ${cmds.length} commands during the storm`,
    );
    return {
      incidents: n,
      eventAcks: {
        p50: percentile(evMs, 50),
        p99: percentile(evMs, 99),
        max: Math.max(...evMs),
        non200: ev.filter((r) => r.status !== 200).length,
      },
      commandAcks: {
        count: cmds.length,
        p50: percentile(cmdMs, 50),
        p99: percentile(cmdMs, 99),
        max: cmdMs.length ? Math.max(...cmdMs) : NaN,
        non200: cmds.filter((r) => r.status !== 200).length,
        answered: fake.ephemeralLog.length - answersBefore,
      },
      allAcksP99: percentile([...evMs, ...cmdMs], 99),
      trickleEveryMs: every,
      firstKickoffMs,
      lastKickoffMs,
      firstSynthesisMs,
      allSynthesesMs,
      syntheses,
      peakRssMb: stats.maxRssMb,
      loopDelayMaxMs: stats.loopDelayMaxMs,
      loopDelayP99Ms: stats.loopDelayP99Ms,
      concurrency: 'default (INVESTIGATION_CONCURRENCY unset: 4)',
    };
  } finally {
    agent.destroy();
    await app.stop();
    await slack.close();
  }
}
