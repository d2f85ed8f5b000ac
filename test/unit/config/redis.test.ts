// Redis settings: a URL, or a Sentinel set and the name of the primary; each problem once.
import { loadConfig } from '../../../src/config';
import { ConfigError } from '../../../src/domain/errors';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('Redis configuration', () => {
  it('connects through Sentinel with REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    const c = loadConfig({
      REDIS_SENTINELS: 'sentinel-0:26379, sentinel-1:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_SENTINEL_PASSWORD: 'sp',
      REDIS_PASSWORD: 'rp',
    });
    expect(c.redis.target).toEqual({
      sentinels: [
        { host: 'sentinel-0', port: 26379 },
        { host: 'sentinel-1', port: 26380 },
      ],
      name: 'mymaster',
      sentinelPassword: 'sp',
      password: 'rp',
    });
    expect(c.redis.url).toBeUndefined();
  });

  it('uses REDIS_URL as the target when given', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis.target).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({}).redis.target).toBeUndefined();
  });

  it('names the missing half of a Sentinel setting', () => {
    expect(problems({ REDIS_SENTINELS: 's:26379' })).toEqual([
      'env REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the master name the sentinels monitor, e.g. mymaster)',
    ]);
    expect(problems({ REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
      'env REDIS_SENTINELS: required with REDIS_SENTINEL_NAME (a comma-separated list of sentinel host:port)',
    ]);
  });

  it('refuses a sentinel list that is not host:port, once', () => {
    expect(problems({ REDIS_SENTINELS: 'sentinel-0', REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
      'env REDIS_SENTINELS: expected a comma-separated list of host:port (sentinel1:26379,sentinel2:26379)',
    ]);
  });

  it('refuses REDIS_URL together with REDIS_SENTINELS', () => {
    expect(problems({ REDIS_URL: 'redis://r:6379', REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'env REDIS_URL: set either REDIS_URL or REDIS_SENTINELS, not both (Sentinel names the primary itself)',
    ]);
  });
});

describe('the demo catalog’s approvers', () => {
  it('are flagged as placeholders in the shipped catalog', () => {
    expect(loadConfig({}).placeholderApprovers).toEqual(expect.arrayContaining(['U0DEMOLEAD', 'S0ONCALL']));
  });
});
