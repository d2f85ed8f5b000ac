import { reconnectDelay } from '../../../src/store/connection';

describe('reconnectDelay', () => {
  it('backs off exponentially from about 100 ms', () => {
    for (let i = 0; i < 20; i++) {
      expect(reconnectDelay(1)).toBeGreaterThanOrEqual(100);
      expect(reconnectDelay(1)).toBeLessThan(200);
      expect(reconnectDelay(3)).toBeGreaterThanOrEqual(400);
      expect(reconnectDelay(3)).toBeLessThan(500);
    }
  });

  it('caps the wait near 5 s and never gives up, however long Redis stays down', () => {
    for (const times of [7, 50, 10_000]) {
      const delay = reconnectDelay(times);
      expect(delay).toBeGreaterThanOrEqual(5_000);
      expect(delay).toBeLessThan(5_100);
    }
  });
});
