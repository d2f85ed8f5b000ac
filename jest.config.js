/** Projects: unit (pure), integration (real Redis, real Prometheus when installed), e2e (real app over HTTP with fakes), faults. */
const { accessSync, constants } = require('node:fs');
const path = require('node:path');

const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
};

function onPath(bin) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// Integration, e2e and fault tests need Redis: REDIS_URL, or redis-server to start a throwaway one
// (test/helpers/redis-global.js). Without either they are left out with one line, except under CI=true.
const haveRedisServer = onPath('redis-server') && onPath('redis-cli');
const redisReady = Boolean(process.env.REDIS_URL) || haveRedisServer;
if (!process.env.REDIS_URL && haveRedisServer) process.env.SCOUT_TEST_REDIS = 'start';
const needRedis = ['integration', 'e2e', 'faults', 'sentinel'];
if (!haveRedisServer && process.env.CI === 'true') {
  throw new Error(
    'CI=true and the integration, e2e and fault tests need redis-server and redis-cli on PATH (install: apt-get install -y redis-server)',
  );
}
if (!haveRedisServer && !process.env.SCOUT_TEST_REDIS_NOTICE) {
  process.env.SCOUT_TEST_REDIS_NOTICE = '1';
  const which = redisReady ? 'fault tests need' : 'integration, e2e and fault tests need';
  process.stderr.write(
    `skipped: ${which} redis-server and redis-cli on PATH (install: apt-get install -y redis-server)${redisReady ? '' : ' or REDIS_URL'}\n`,
  );
}

// The fault suite starts private redis-servers of its own, so it needs the binary even with REDIS_URL.
const ready = { integration: redisReady, e2e: redisReady, faults: haveRedisServer, sentinel: haveRedisServer };
const projects = [
  { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
  { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  { ...base, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  // Sentinel failover, run on its own by `npm test` (`npm run test:sentinel`): it starts its own Redis
  // servers and sentinel, and runs long.
  { ...base, displayName: 'sentinel', testMatch: ['<rootDir>/test/sentinel/**/*.test.ts'] },
].map((p) =>
  needRedis.includes(p.displayName) && !ready[p.displayName] ? { ...p, testPathIgnorePatterns: ['.*'] } : p,
);

module.exports = {
  projects,
  // With Redis missing the Redis projects have no tests; that is the announced skip, not a failure.
  passWithNoTests: !haveRedisServer,
  globalSetup: '<rootDir>/test/helpers/redis-global-setup.js',
  globalTeardown: '<rootDir>/test/helpers/redis-global-teardown.js',
  testTimeout: 60000,
};
