// The template miner on a toy set. Grouping accuracy on Loghub-2k and other labelled log sets is
// measured by `npm run eval` (tools/eval), not here: `npm test` reads nothing beside the repo.

import { TemplateMiner } from '../../../src/evidence/analyzers/templates';

describe('template miner', () => {
  it('groups a toy set generically: numbers, ids and addresses do not split a template', () => {
    const miner = new TemplateMiner();
    const a = miner.add('Connection from 10.0.0.1:5432 closed after 120 ms');
    const b = miner.add('Connection from 10.0.0.7:61000 closed after 3 ms');
    const c = miner.add('Request 8f14e45f-ceea-467a-9f0b-1c2d3e4f5a6b failed: user=alice path=/api/pay');
    expect(b.id).toBe(a.id);
    expect(b.template).toBe('Connection from <*> closed after <*> ms');
    expect(c.id).not.toBe(a.id);
    expect(c.template).toBe('Request <*> failed: user=<*> path=<*>');
  });
});
