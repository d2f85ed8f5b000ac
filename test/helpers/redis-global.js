/* global require, process, module, setTimeout */
// Jest globalSetup/globalTeardown: the Redis the integration, e2e and fault tests talk to.
// REDIS_URL set: that Redis (tests use their own random key prefixes). Otherwise a throwaway
// redis-server on a free loopback port, without persistence, stopped after the run. Plain JS so it
// runs before any TypeScript transform. jest.config.js leaves the Redis suites out (one printed
// line) when neither is available, or fails under CI=true.
/* eslint-disable @typescript-eslint/no-require-imports */
const { spawn, execFileSync } = require('node:child_process');
const net = require('node:net');
/* eslint-enable @typescript-eslint/no-require-imports */

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function ping(port) {
  try {
    return (
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() === 'PONG'
    );
  } catch {
    return false;
  }
}

async function setup() {
  if (process.env.REDIS_URL || process.env.SCOUT_TEST_REDIS !== 'start') return;
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  globalThis.__scoutTestRedis = child;
  for (let i = 0; i < 100 && !ping(port); i += 1) await new Promise((r) => setTimeout(r, 50));
  if (!ping(port)) {
    child.kill('SIGKILL');
    throw new Error(`the throwaway redis-server on port ${port} did not answer PING`);
  }
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
}

async function teardown() {
  const child = globalThis.__scoutTestRedis;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

module.exports = { setup, teardown };
