// Peak memory of the bot path on a large scenario: the generated example scenario with every log
// line repeated until the logs hold a million lines, investigated through the whole app (signed
// `channel_created` -> synthesis, deterministic brain, Slack fake) in a process of its own, so that
// its peak RSS is the investigation's. `analyze` streams the logs; the bot must too.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateScenario } from '../scenario';

/** Physical log lines in the scenario the bot investigates. */
export const BOT_PATH_LINES = 1_000_000;

/** Writes the example scenario with its log lines repeated in place up to `lines` in all; returns its directory. */
export async function inflatedScenario(lines = BOT_PATH_LINES): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scout-bench-1m-'));
  generateScenario({ seed: 42, rootCause: 'payments', out: dir });
  const logsDir = path.join(dir, 'logs');
  const files = readdirSync(logsDir).map((f) => path.join(logsDir, f));
  const texts = files.map((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0),
  );
  const total = texts.reduce((n, t) => n + t.length, 0);
  const times = Math.ceil(lines / total);
  for (const [i, file] of files.entries()) {
    const out = createWriteStream(file);
    for (const line of texts[i] ?? []) {
      const chunk = `${line}\n`.repeat(times);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  }
  return dir;
}

/** Investigates the inflated scenario once; figures: lines, seconds to the synthesis, peak RSS. */
export async function benchBotPath(): Promise<Record<string, string | number>> {
  const dir = await inflatedScenario();
  // Loaded after the data is written so the generator's memory is not counted with the app's.
  const { loadConfig } = await import('../../src/config');
  const { SlackEventClient, startSlackFake } = await import('../../src/demo/slack-fake');
  const { silentLogger } = await import('../../src/logging');
  const { buildRuntime } = await import('../../src/main');
  const { MemoryStore } = await import('../../src/store/memory');
  const slack = await startSlackFake();
  const signingSecret = randomBytes(16).toString('hex');
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: slack.fake.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.url,
      EVIDENCE_DIR: dir,
      LOG_LEVEL: 'silent',
    },
    { requireSlack: true },
  );
  const runtime = buildRuntime(config, { logger: silentLogger(), store: new MemoryStore(), host: '127.0.0.1' });
  try {
    const { port } = await runtime.built.start(0);
    const client = new SlackEventClient({
      appUrl: `http://127.0.0.1:${port}/slack/events`,
      signingSecret,
      fake: slack.fake,
    });
    const t0 = performance.now();
    const { channelId } = await client.openIncidentChannel(
      `inc-bench-1m-${randomBytes(3).toString('hex')}`,
      'U0HUMAN001',
    );
    await slack.fake.waitFor(
      (f) =>
        f
          .messages(channelId)
          .some((m) => m.replies.some((r) => r.metadata?.event_type === 'incident_scout_hypotheses')),
      300_000,
      'the synthesis',
    );
    const secs = (performance.now() - t0) / 1000;
    await runtime.queue.drain(60_000);
    return {
      'bot_path.log_lines': BOT_PATH_LINES,
      'bot_path.synthesis_s': Math.round(secs * 10) / 10,
      'bot_path.peak_rss_mb': Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await runtime.close();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchBotPath().then(
    (r) => {
      for (const [k, v] of Object.entries(r)) process.stdout.write(`${k}: ${v}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
