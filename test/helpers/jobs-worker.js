/* global require, process */
// A BullMQ worker in its own process for the "worker dies mid-job" test. Plain JS (no ts-node here):
// it takes a job, records in Redis that it started, then hangs until the test SIGKILLs it.
// argv: redisUrl bullPrefix queueName markerKey lockDurationMs
/* eslint-disable @typescript-eslint/no-require-imports */
const { Worker } = require('bullmq');
const Redis = require('ioredis').default;
/* eslint-enable @typescript-eslint/no-require-imports */

const [redisUrl, bullPrefix, queueName, markerKey, lockDurationMs] = process.argv.slice(2);
const marker = new Redis(redisUrl);

const worker = new Worker(
  queueName,
  async (job) => {
    await marker.set(markerKey, String(job.id), 'EX', 60);
    // Never settles: the job stays active until this process dies and its lock lapses.
    await new Promise(() => {});
  },
  {
    connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
    prefix: bullPrefix,
    concurrency: 1,
    lockDuration: Number(lockDurationMs),
    stalledInterval: Number(lockDurationMs),
  },
);
worker.on('error', (err) => process.stderr.write(`jobs-worker: ${err.message}\n`));
