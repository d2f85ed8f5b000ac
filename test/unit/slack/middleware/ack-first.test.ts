import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { ackFirst, FollowUpQueue } from '../../../../src/slack/middleware/ack-first';

/** Calls the middleware the way Bolt does, recording what happened in order. */
async function deliver(queue: FollowUpQueue, body: Record<string, unknown>, withAck: boolean): Promise<string[]> {
  const steps: string[] = [];
  const args = {
    body,
    next: async () => {
      steps.push('listener');
    },
    ...(withAck ? { ack: async () => void steps.push('ack') } : {}),
  } as unknown as AnyMiddlewareArgs & AllMiddlewareArgs;
  await ackFirst(queue)(args);
  return steps;
}

describe('ackFirst', () => {
  it('acks a slash command before the listener runs', async () => {
    const steps = await deliver(new FollowUpQueue(), { command: '/triage', text: 'status', trigger_id: 't1' }, true);
    expect(steps).toEqual(['ack', 'listener']);
  });

  it('acks a button click before the listener runs', async () => {
    const steps = await deliver(new FollowUpQueue(), { type: 'block_actions', actions: [{ action_id: 'approve_proposal' }] }, true);
    expect(steps).toEqual(['ack', 'listener']);
  });

  it('leaves the ack of an event to Bolt and still runs its listener', async () => {
    const steps = await deliver(new FollowUpQueue(), { type: 'event_callback', event_id: 'Ev1', event: { type: 'channel_created' } }, false);
    expect(steps).toEqual(['listener']);
  });
});

describe('FollowUpQueue', () => {
  it('runs follow-ups in the order the requests arrived', async () => {
    const q = new FollowUpQueue();
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map((n) => q.turn().then(() => void order.push(n))));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(q.length).toBe(0);
  });

  it('does not starve follow-ups while requests keep arriving on a saturated loop', async () => {
    // saturatedAbove -1: the loop always counts as saturated, so only the paced path can release them.
    const q = new FollowUpQueue({ minGapMs: 1, saturatedAbove: -1 });
    const arrivals = setInterval(() => q.arrived(), 0);
    try {
      const done: number[] = [];
      await Promise.all(Array.from({ length: 10 }, (_, i) => (q.arrived(), q.turn().then(() => void done.push(i)))));
      expect(done).toHaveLength(10);
    } finally {
      clearInterval(arrivals);
    }
  });

  it('releases the oldest follow-up at once when the queue is full, whatever the pacing', async () => {
    const q = new FollowUpQueue({ minGapMs: 100, saturatedAbove: -1, maxWaiting: 2 });
    q.arrived();
    await q.turn(); // the first is released by the pump; now the pacing gap applies
    q.arrived();
    const released: string[] = [];
    const a = q.turn().then(() => void released.push('a'));
    const b = q.turn().then(() => void released.push('b'));
    const c = q.turn().then(() => void released.push('c')); // a third waiting: over maxWaiting
    // Only microtasks run here: the pump (setImmediate, then a 100 ms pacing timer) cannot have released anything.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(released).toEqual(['a']);
    await Promise.all([a, b, c]);
    expect(released).toEqual(['a', 'b', 'c']);
  });
});
