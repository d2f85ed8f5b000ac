// The app under test for the ack and storm benchmarks, in its own process so the load generator
// and the Slack fake (in the parent) never share its event loop. Forked with an IPC channel:
// the child answers `ready` with its port, `stats` with its peak RSS and event-loop delay, and
// exits on `stop`. `ours` is the whole runtime (buildRuntime, in-process store, deterministic
// brain, the example scenario); `bare` is the Bolt app that only acks.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { z } from 'zod';
import { DEFAULT_SCENARIO, loadConfig, PACKAGE_ROOT } from '../../src/config';
import { createLogger } from '../../src/logging';
import { buildRuntime } from '../../src/main';
import { MemoryStore } from '../../src/store/memory';
import { startBareBolt } from './bare-bolt';

export type AppMode = 'ours' | 'bare';

export interface ChildSpec {
  mode: AppMode;
  slackApiUrl: string;
  botToken: string;
  signingSecret: string;
  /** LOG_LEVEL of our app: `info` is what a deployment runs with (JSON lines to stdout, discarded here). */
  logLevel?: 'info' | 'warn' | 'silent';
  /** INVESTIGATION_CONCURRENCY; the configured default when omitted. */
  concurrency?: number;
}

const specSchema = z.object({
  mode: z.enum(['ours', 'bare']),
  slackApiUrl: z.string().url(),
  botToken: z.string().min(1),
  signingSecret: z.string().min(1),
  logLevel: z.enum(['info', 'warn', 'silent']).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
});

const parentMessage = z.object({ type: z.enum(['stats', 'stop']) });

/** What the child reports about itself. */
export interface ChildStats {
  /** Peak resident set size of the app process (process.resourceUsage().maxRSS). */
  maxRssMb: number;
  rssMb: number;
  heapUsedMb: number;
  /** Event-loop delay since the last `stats` call (perf_hooks histogram), ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Garbage-collection pauses since the last `stats` call: all of them, and the major (mark-compact) ones, ms. */
  gcMs: number;
  gcMajorMs: number;
  /** CPU time (user + system) of the app process since it started, ms. */
  cpuMs: number;
}

const childMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), port: z.number().int() }),
  z.object({
    type: z.literal('stats'),
    maxRssMb: z.number(),
    rssMb: z.number(),
    heapUsedMb: z.number(),
    loopDelayP99Ms: z.number(),
    loopDelayMaxMs: z.number(),
    gcMs: z.number(),
    gcMajorMs: z.number(),
    cpuMs: z.number(),
  }),
  z.object({ type: z.literal('failed'), error: z.string() }),
]);
type ChildMessage = z.infer<typeof childMessage>;

/** A running app process as the parent sees it. */
export interface BenchApp {
  mode: AppMode;
  pid: number;
  /** The request URL: http://127.0.0.1:<port>/slack/events */
  url: string;
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

/** Forks this file as the app under test and waits until it listens. `execArgv` e.g. ['--cpu-prof']. */
export async function spawnBenchApp(spec: ChildSpec, opts: { execArgv?: string[] } = {}): Promise<BenchApp> {
  // Under ts-node/ts-jest there is no compiled file to fork: the bench runs from dist/ (npm run bench).
  if (!__filename.endsWith('.js'))
    throw new Error('run the compiled bench (npm run bench): the child is dist-tools/tools/bench/ack-server.js');
  const child = fork(__filename, ['--child', JSON.stringify(spec)], {
    cwd: PACKAGE_ROOT,
    execArgv: opts.execArgv ?? [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const next = (): Promise<ChildMessage> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: unknown) => {
        cleanup();
        const parsed = childMessage.safeParse(m);
        if (parsed.success) resolve(parsed.data);
        else reject(new Error(`unexpected message from the ${spec.mode} app: ${JSON.stringify(m)}`));
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`the ${spec.mode} app exited (${code}) before answering`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const first = await withTimeout(next(), 30_000, `the ${spec.mode} app did not start`, child);
  if (first.type !== 'ready')
    throw new Error(first.type === 'failed' ? first.error : `the ${spec.mode} app did not start`);
  const stats = async (): Promise<ChildStats> => {
    const answer = next();
    child.send({ type: 'stats' });
    const m = await withTimeout(answer, 30_000, `the ${spec.mode} app did not report its stats`, child);
    if (m.type !== 'stats') throw new Error(`the ${spec.mode} app answered ${m.type} to stats`);
    const { type: _type, ...stats } = m;
    return stats;
  };
  return {
    mode: spec.mode,
    pid: child.pid ?? 0,
    url: `http://127.0.0.1:${first.port}/slack/events`,
    stats,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      // A child that does not stop within 10 s is killed so the bench always ends.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string, child: ChildProcess): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${what} within ${ms} ms`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Child side: start the app, answer the parent, stop on request or when the parent goes away. */
async function runChild(raw: string): Promise<void> {
  const spec = specSchema.parse(JSON.parse(raw));
  const send = (m: ChildMessage): void => {
    process.send?.(m);
  };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const gc = { ms: 0, majorMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        gc.majorMs += e.duration;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  let stop: () => Promise<void>;
  let port: number;
  if (spec.mode === 'bare') {
    const bare = await startBareBolt({
      signingSecret: spec.signingSecret,
      botToken: spec.botToken,
      slackApiUrl: spec.slackApiUrl,
    });
    port = bare.port;
    stop = bare.stop;
  } else {
    const config = loadConfig(
      {
        SLACK_BOT_TOKEN: spec.botToken,
        SLACK_SIGNING_SECRET: spec.signingSecret,
        SLACK_API_URL: spec.slackApiUrl,
        EVIDENCE_DIR: DEFAULT_SCENARIO,
        LOG_LEVEL: spec.logLevel ?? 'info',
        ...(spec.concurrency !== undefined ? { INVESTIGATION_CONCURRENCY: String(spec.concurrency) } : {}),
      },
      { requireSlack: true },
    );
    const runtime = buildRuntime(config, {
      logger: createLogger({ level: config.logLevel }),
      store: new MemoryStore(),
      host: '127.0.0.1',
    });
    port = (await runtime.built.start(0)).port;
    stop = () => runtime.close();
  }
  const finish = (): void => {
    loop.disable();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('disconnect', finish);
  process.on('message', (m: unknown) => {
    const parsed = parentMessage.safeParse(m);
    if (!parsed.success) return;
    if (parsed.data.type === 'stop') return finish();
    const usage = process.resourceUsage();
    send({
      type: 'stats',
      maxRssMb: Math.round(usage.maxRSS / 1024),
      rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
      loopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
      loopDelayMaxMs: Math.round(loop.max / 1e6),
      gcMs: Math.round(gc.ms),
      gcMajorMs: Math.round(gc.majorMs),
      cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000),
    });
    loop.reset();
    gc.ms = 0;
    gc.majorMs = 0;
  });
  send({ type: 'ready', port });
}

if (require.main === module && process.argv[2] === '--child') {
  runChild(process.argv[3] ?? '{}').catch((err: unknown) => {
    process.send?.({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  });
}
