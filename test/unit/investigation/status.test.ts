import type { Investigation, ScoutStatus } from '../../../src/domain/types';
import { StatusBoard } from '../../../src/investigation/status';
import type { InvestigationNotifier } from '../../../src/investigation/port';
import { silentLogger } from '../../../src/logging';
import { MemoryStore } from '../../../src/store/memory';
import { investigationDocs } from '../../../src/store/kinds';

const status = (name: string): ScoutStatus => ({
  name,
  state: 'queued',
  toolCalls: 0,
  maxToolCalls: 8,
  inputTokens: 0,
  outputTokens: 0,
  maxOutputTokens: 4000,
});

async function setup() {
  const store = new MemoryStore();
  const inv = {
    id: 'inv-1',
    incidentId: 'C1',
    channelId: 'C1',
    round: 1,
    state: 'running',
    trigger: 'x',
    brain: 'deterministic',
    threadTs: '1.0',
    window: { from: '', onset: '', to: '' },
    scouts: [status('logs')],
    createdAt: '',
    updatedAt: '',
  } as Investigation;
  await investigationDocs.in(store).put(inv.id, inv);
  const cards: Investigation[] = [];
  const notifier = { updateCard: async (i: Investigation) => void cards.push(i) } as unknown as InvestigationNotifier;
  const board = new StatusBoard(inv.id, new Map([['logs', status('logs')]]), {
    store,
    notifier,
    clock: { now: () => new Date() },
    logger: silentLogger(),
    intervalMs: 60_000,
  });
  return { store, board, cards };
}

describe('StatusBoard', () => {
  it('coalesces a burst of changes into few card edits and always writes the last state', async () => {
    const { board, cards, store } = await setup();
    for (let i = 1; i <= 20; i++) board.set('logs', { state: 'running', toolCalls: i });
    await new Promise((r) => setTimeout(r, 20));
    expect(cards.length).toBeLessThanOrEqual(1);
    await board.flush((inv) => ({ ...inv, state: 'synthesized' }));
    expect(cards.length).toBeLessThanOrEqual(2);
    const last = cards[cards.length - 1]!;
    expect(last.scouts[0]).toMatchObject({ toolCalls: 20 });
    expect(last.state).toBe('synthesized');
    expect((await investigationDocs.in(store).get('inv-1'))?.scouts[0]?.toolCalls).toBe(20);
  });
});
