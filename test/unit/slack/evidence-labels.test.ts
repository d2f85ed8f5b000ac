import { EvidenceLabels, relabel } from '../../../src/slack/evidence-labels';
import { evidenceCounterDocs } from '../../../src/store/kinds';
import { MemoryStore } from '../../../src/store/memory';

describe('EvidenceLabels', () => {
  it('numbers evidence E1, E2 ... in the order the thread shows it, the same for every later message', async () => {
    const store = new MemoryStore();
    await evidenceCounterDocs.in(store).put('inv-1', { n: 25 });
    const labels = new EvidenceLabels(store);
    const first = await labels.assign('inv-1', ['E9', 'E10', 'E11']);
    expect(['E9', 'E10', 'E11'].map(first)).toEqual(['E1', 'E2', 'E3']);
    const second = await labels.assign('inv-1', ['E21', 'E9', 'E4']);
    expect(['E21', 'E9', 'E4'].map(second)).toEqual(['E4', 'E1', 'E5']);
    // Another investigation numbers its own thread.
    await evidenceCounterDocs.in(store).put('inv-2', { n: 3 });
    expect((await labels.assign('inv-2', ['E3']))('E3')).toBe('E1');
  });

  it('leaves an id no tool issued as it is, so it matches the note that says so', async () => {
    const store = new MemoryStore();
    await evidenceCounterDocs.in(store).put('inv-1', { n: 5 });
    const label = await new EvidenceLabels(store).assign('inv-1', ['E999', 'E5', 'X1']);
    expect(label('E999')).toBe('E999');
    expect(label('E5')).toBe('E1');
    expect(relabel('cites E999, not E5', label)).toBe('cites E999, not E1');
  });
});
