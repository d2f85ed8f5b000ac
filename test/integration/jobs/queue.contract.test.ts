// One contract, two adapters: BullmqQueue on real Redis and MemoryQueue in-process, both built
// through createQueue. Plus, for BullMQ only, recovery of a job whose worker process was killed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import pino from 'pino';
import { createQueue } from '../../../src/jobs';
import { DrainTimeout } from '../../../src/jobs/errors';
import type { JobContext, JobQueue } from '../../../src/jobs/port';
import { createKeys } from '../../../src/store/keys';
import { REDIS_URL, deletePrefix, randomPrefix, sleep } from '../store/redis-fixture';

const silent = pino({ level: 'silent' });

interface Payload {
  n: number;
}

/** A promise plus its resolver, to hold handlers at a known point without sleeping. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Resolves once `check` holds; polls because the thing observed lives in another connection or process. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function queueContract(kind: 'memory' | 'bullmq'): void {
  describe(`JobQueue contract: ${kind}`, () => {
    let prefix: string;
    const opened: JobQueue<Payload>[] = [];
    const open = (name = 'investigations'): JobQueue<Payload> => {
      const q = createQueue<Payload>({
        name,
        prefix,
        logger: silent,
        backoffMs: 50,
        lockDurationMs: 2_000,
        ...(kind === 'bullmq' ? { redisUrl: REDIS_URL } : {}),
      });
      opened.push(q);
      return q;
    };
    beforeEach(() => {
      prefix = randomPrefix('jobs');
    });
    afterEach(async () => {
      try {
        await Promise.all(opened.splice(0).map((q) => q.close()));
      } finally {
        if (kind === 'bullmq') await deletePrefix(prefix);
      }
    });

    it(`is the ${kind} adapter`, () => {
      expect(open().kind).toBe(kind);
    });

    it('runs each job once with its data', async () => {
      const q = open();
      const seen: { n: number; id: string; attempt: number }[] = [];
      for (let n = 0; n < 5; n++) expect(await q.add({ n }, { jobId: `inv:C1:${n}` })).toBe(true);
      q.process(async (data, ctx) => {
        seen.push({ n: data.n, id: ctx.id, attempt: ctx.attempt });
      }, 3);
      await q.drain();
      expect(seen.sort((a, b) => a.n - b.n)).toEqual(
        [0, 1, 2, 3, 4].map((n) => ({ n, id: `inv:C1:${n}`, attempt: 1 })),
      );
    });

    it('ignores a second add with the same jobId, while waiting and after completion', async () => {
      const q = open();
      expect(await q.add({ n: 1 }, { jobId: 'Ev001' })).toBe(true);
      expect(await q.add({ n: 2 }, { jobId: 'Ev001' })).toBe(false);
      expect(await q.add({ n: 3 }, { jobId: 'Ev002' })).toBe(true);
      const seen: number[] = [];
      q.process(async (data) => {
        seen.push(data.n);
      }, 1);
      await q.drain();
      expect(await q.add({ n: 4 }, { jobId: 'Ev001' })).toBe(false);
      await q.drain();
      expect(seen.sort()).toEqual([1, 3]);
    });

    it('accepts exactly one of 10 concurrent adds of one jobId, across two replicas', async () => {
      // In-process queues are per process, so the memory adapter's "replicas" are one queue twice.
      const first = open();
      const replicas = kind === 'memory' ? [first, first] : [first, open()];
      const accepted = await Promise.all(
        Array.from({ length: 10 }, (_, i) => replicas[i % 2]?.add({ n: i }, { jobId: 'Ev-race' })),
      );
      expect(accepted.filter((a) => a === true)).toHaveLength(1);
      const seen: number[] = [];
      replicas[0]?.process(async (d) => {
        seen.push(d.n);
      }, 1);
      await replicas[0]?.drain();
      expect(seen).toHaveLength(1);
      expect(accepted[seen[0] ?? -1]).toBe(true);
    });

    it('runs at most `concurrency` jobs at once', async () => {
      const q = open();
      let active = 0;
      let peak = 0;
      const reachedTwo = gate();
      for (let n = 0; n < 6; n++) await q.add({ n }, { jobId: `job-${n}` });
      q.process(async () => {
        active += 1;
        peak = Math.max(peak, active);
        if (active === 2) reachedTwo.open();
        // Hold every handler until two run together, so a third would be seen if the limit leaked.
        await Promise.race([reachedTwo.opened, sleep(5_000)]);
        await sleep(20);
        active -= 1;
      }, 2);
      await q.drain();
      expect(peak).toBe(2);
    });

    it('retries a failing job up to its attempts, numbering each run', async () => {
      const q = open();
      const runs: Record<string, number[]> = { flaky: [], broken: [] };
      await q.add({ n: 1 }, { jobId: 'flaky', attempts: 3 });
      await q.add({ n: 2 }, { jobId: 'broken', attempts: 2 });
      q.process(async (_data, ctx: JobContext) => {
        runs[ctx.id]?.push(ctx.attempt);
        if (ctx.id === 'broken' || ctx.attempt < 3) throw new Error(`boom on attempt ${ctx.attempt}`);
      }, 2);
      await q.drain();
      expect(runs).toEqual({ flaky: [1, 2, 3], broken: [1, 2] });
      // A job that failed for good still holds its jobId for the retention window.
      expect(await q.add({ n: 3 }, { jobId: 'broken' })).toBe(false);
    });

    it('runs a delayed job, and drain waits for it', async () => {
      const q = open();
      const seen: number[] = [];
      q.process(async (data) => {
        seen.push(data.n);
      }, 1);
      await q.add({ n: 7 }, { jobId: 'later', delayMs: 300 });
      await q.drain();
      expect(seen).toEqual([7]);
    });

    it('drain resolves at once when idle and times out while a job is still running', async () => {
      const q = open();
      await expect(q.drain(1_000)).resolves.toBeUndefined();
      const release = gate();
      const started = gate();
      q.process(async () => {
        started.open();
        await release.opened;
      }, 1);
      await q.add({ n: 1 }, { jobId: 'slow' });
      await started.opened;
      await expect(q.drain(300)).rejects.toBeInstanceOf(DrainTimeout);
      release.open();
      await expect(q.drain()).resolves.toBeUndefined();
    });

    it('signals running handlers to wind down on close', async () => {
      const q = open();
      const started = gate();
      let sawAbort = false;
      q.process(async (_data, ctx) => {
        started.open();
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        sawAbort = ctx.signal.aborted;
      }, 1);
      await q.add({ n: 1 }, { jobId: 'long' });
      await started.opened;
      await q.close();
      expect(sawAbort).toBe(true);
    });

    it('refuses integer-like job ids, which BullMQ reserves', async () => {
      await expect(open().add({ n: 1 }, { jobId: '42' })).rejects.toThrow(/non-integer/);
    });
  });
}

queueContract('memory');
queueContract('bullmq');

describe('BullmqQueue when a worker process dies mid-job', () => {
  const prefix = randomPrefix('crash');
  afterAll(async () => {
    await deletePrefix(prefix);
  });

  it('lets another worker complete the job, exactly once', async () => {
    const keys = createKeys(prefix);
    const marker = keys.scratch('crash-worker-started');
    const redis = new Redis(REDIS_URL);
    const q = createQueue<Payload>({
      name: 'crash',
      redisUrl: REDIS_URL,
      prefix,
      logger: silent,
      lockDurationMs: 2_000,
    });
    const helper = path.join(__dirname, '../../helpers/jobs-worker.js');
    const child = spawn(process.execPath, [helper, REDIS_URL, keys.bullPrefix(), 'crash', marker, '2000'], {
      stdio: 'ignore',
    });
    try {
      expect(await q.add({ n: 9 }, { jobId: 'inv:C9:1' })).toBe(true);
      await until(async () => (await redis.get(marker)) === 'inv:C9:1', 'the child worker to take the job');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      const runs: { n: number; attempt: number }[] = [];
      q.process(async (data, ctx) => {
        runs.push({ n: data.n, attempt: ctx.attempt });
      }, 1);
      await q.drain(20_000);
      // The killed run counts as attempt 1; ours is the second start of the same job.
      expect(runs).toEqual([{ n: 9, attempt: 2 }]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await q.close();
      await redis.quit();
    }
  });
});

describe('BullmqQueue while Redis is unreachable', () => {
  it('closes with a worker attached instead of waiting for Redis to come back (SIGTERM must stop serve)', async () => {
    // Port 1 refuses at once: this is the outage, and close() must not wait for it to end (jest's timeout fails it).
    const q = createQueue<Payload>({
      name: 'outage',
      redisUrl: 'redis://127.0.0.1:1',
      prefix: randomPrefix('outage'),
      logger: silent,
    });
    let ran = 0;
    q.process(async () => {
      ran += 1;
    }, 2);
    await sleep(300);
    await q.close();
    expect(ran).toBe(0);
  });
});
