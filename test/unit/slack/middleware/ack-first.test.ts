import { HTTPModuleFunctions, type AllMiddlewareArgs, type AnyMiddlewareArgs, type ReceiverEvent } from '@slack/bolt';
import { silentLogger } from '../../../../src/logging';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ackFirst, FOLLOW_UP, FollowUpQueue, requestBytes, trackPendingAcks } from '../../../../src/slack/middleware/ack-first';

/**
 * Calls the middleware the way Bolt does: a first pass with the ack, then the second pass `redispatch`
 * starts (through the same middleware, as app.processEvent would). Records what happened in order.
 */
async function deliver(queue: FollowUpQueue, body: Record<string, unknown>, withAck: boolean, context: Record<string, unknown> = {}): Promise<{ steps: string[]; second: ReceiverEvent[] }> {
  const steps: string[] = [];
  const second: ReceiverEvent[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const mw = ackFirst(
    queue,
    async (event) => {
      second.push(event);
      const args = { body: event.body, context: { ...event.customProperties }, next: async () => void steps.push('listener') };
      await mw(args as unknown as AnyMiddlewareArgs & AllMiddlewareArgs);
      done();
    },
    silentLogger(),
  );
  const args = {
    body, context,
    next: async () => void steps.push('first-pass listener'),
    ...(withAck ? { ack: async () => void steps.push('ack') } : {}),
  } as unknown as AnyMiddlewareArgs & AllMiddlewareArgs;
  await mw(args);
  steps.push('first pass over');
  await finished;
  return { steps, second };
}

describe('ackFirst', () => {
  it('acks a slash command and runs its listener in a second pass after the first has ended', async () => {
    const { steps, second } = await deliver(new FollowUpQueue(), { command: '/triage', text: 'status', trigger_id: 't1' }, true, { retryNum: 1, retryReason: 'http_timeout' });
    expect(steps).toEqual(['ack', 'first pass over', 'listener']);
    expect(second).toEqual([expect.objectContaining({ body: { command: '/triage', text: 'status', trigger_id: 't1' }, retryNum: 1, retryReason: 'http_timeout', customProperties: { [FOLLOW_UP]: true } })]);
  });

  it('acks a button click before its listener runs', async () => {
    const { steps } = await deliver(new FollowUpQueue(), { type: 'block_actions', actions: [{ action_id: 'approve_proposal' }] }, true);
    expect(steps).toEqual(['ack', 'first pass over', 'listener']);
  });

  it.each([
    ['a click', 'application/x-www-form-urlencoded', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'approve_proposal', value: 'P-1:ab' }], message: { blocks: [{ type: 'section' }] } }))}`],
    ['a slash command', 'application/x-www-form-urlencoded', 'command=%2Ftriage&text=status+now&trigger_id=t1'],
    ['an event', 'application/json', JSON.stringify({ type: 'event_callback', event_id: 'Ev2', event: { type: 'channel_created', channel: { name: 'inc-é' } } })],
  ])('over HTTP, gives the second pass of %s the body parsed again from the request bytes', async (_what, contentType, raw) => {
    const rawBody = Buffer.from(raw, 'utf8');
    const parsed = HTTPModuleFunctions.parseHTTPRequestBody({ rawBody, headers: { 'content-type': contentType } } as never) as Record<string, unknown>;
    const { second } = await deliver(new FollowUpQueue(), parsed, true, requestBytes({ rawBody, headers: { 'content-type': contentType } }));
    expect(second[0]?.body).toEqual(parsed);
    expect(second[0]?.body).not.toBe(parsed); // the parsed object itself did not wait
  });

  it('leaves the ack of an event to Bolt and still runs its listener', async () => {
    const { steps } = await deliver(new FollowUpQueue(), { type: 'event_callback', event_id: 'Ev1', event: { type: 'channel_created' } }, false);
    expect(steps).toEqual(['first pass over', 'listener']);
  });
});

/** Resolves after `n` turns of the event loop (each setImmediate is one check phase). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe('FollowUpQueue', () => {
  it('rejects with what a work function threw before returning its promise, and keeps running the rest', async () => {
    const q = new FollowUpQueue({ maxRunning: 1 });
    const thrown = q.run((): Promise<void> => {
      throw new Error('broken before any await');
    });
    const next = q.run(async () => 'next ran');
    await expect(thrown).rejects.toThrow('broken before any await');
    await expect(next).resolves.toBe('next ran');
  });

  it('runs follow-ups at once, in the order the requests arrived, when no ack is waiting', async () => {
    const q = new FollowUpQueue();
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map((n) => q.run(async () => void order.push(n))));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(q.length).toBe(0);
  });

  it('holds follow-ups while a burst waits for its acks and runs them once it is answered', async () => {
    const q = new FollowUpQueue({ burstAbove: 1, maxDelayMs: 60_000 });
    const ran: string[] = [];
    q.requestArrived();
    q.requestArrived();
    const a = q.run(async () => void ran.push('a'));
    const b = q.run(async () => void ran.push('b'));
    await turns(5);
    expect(ran).toEqual([]);
    q.requestAnswered(); // one left waiting: no longer a burst
    await Promise.all([a, b]);
    expect(ran).toEqual(['a', 'b']);
  });

  it('holds follow-ups for a moment after a burst of arrivals, even once all are answered', async () => {
    const q = new FollowUpQueue({ burstAbove: 2, maxDelayMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      q.requestArrived();
      q.requestAnswered();
    }
    const started = performance.now();
    await q.run(async () => undefined);
    // The burst is judged over the last 50-100 ms of arrivals.
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('does not hold follow-ups for a request or two waiting', async () => {
    const q = new FollowUpQueue({ burstAbove: 2, maxDelayMs: 60_000 });
    q.requestArrived();
    q.requestArrived();
    let ran = false;
    await q.run(async () => void (ran = true));
    expect(ran).toBe(true);
  });

  it('runs a follow-up after maxDelayMs even while requests keep waiting for acks', async () => {
    const q = new FollowUpQueue({ burstAbove: 0, maxDelayMs: 30 });
    q.requestArrived(); // never answered
    const started = performance.now();
    const done: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => q.run(async () => void done.push(i))));
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('releases the oldest follow-up at once when the queue is full, whatever waits', async () => {
    const q = new FollowUpQueue({ burstAbove: 0, maxDelayMs: 60_000, maxWaiting: 2 });
    q.requestArrived();
    const released: string[] = [];
    const a = q.run(async () => void released.push('a'));
    const b = q.run(async () => void released.push('b'));
    const c = q.run(async () => void released.push('c')); // a third waiting: over maxWaiting
    await turns(5);
    expect(released).toEqual(['a']);
    q.requestAnswered();
    await Promise.all([a, b, c]);
    expect(released).toEqual(['a', 'b', 'c']);
  });

  it('runs at most maxRunning at once, and stops counting one that runs longer than slowAfterMs', async () => {
    const q = new FollowUpQueue({ maxRunning: 2, slowAfterMs: 40 });
    let running = 0;
    let most = 0;
    const finish: Array<() => void> = [];
    const work = (): Promise<void> =>
      new Promise((resolve) => {
        running += 1;
        most = Math.max(most, running);
        finish.push(() => {
          running -= 1;
          resolve();
        });
      });
    const all = Array.from({ length: 5 }, () => q.run(work));
    await turns(10);
    expect(running).toBe(2);
    expect(q.length).toBe(3);
    finish.shift()?.();
    await turns(10);
    expect(running).toBe(2);
    // Neither running one finishes: after slowAfterMs they stop counting and the next two start.
    await new Promise((r) => setTimeout(r, 60));
    expect(running).toBe(4);
    while (finish.length > 0 || q.length > 0) {
      finish.shift()?.();
      await turns(2);
    }
    await Promise.all(all);
    expect(most).toBe(4);
  });

  it('counts an HTTP request as waiting from its arrival until its response is sent', async () => {
    const q = new FollowUpQueue({ burstAbove: 0, maxDelayMs: 60_000 });
    let answer: (() => void) | undefined;
    const receiver = { requestListener: ((_req, res) => void (answer = () => res.end('ok'))) as http.RequestListener };
    trackPendingAcks(receiver, q);
    const server = http.createServer((req, res) => receiver.requestListener(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const response = fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' });
      while (!answer) await new Promise((r) => setTimeout(r, 5));
      let ran = false;
      const followUp = q.run(async () => void (ran = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(ran).toBe(false);
      answer();
      await followUp;
      expect(ran).toBe(true);
      expect(await (await response).text()).toBe('ok');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
