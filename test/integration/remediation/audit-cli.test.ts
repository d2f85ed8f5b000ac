import { PassThrough } from 'node:stream';
import pino from 'pino';
import { auditCommand } from '../../../src/cli/audit';
import { connectRedis } from '../../../src/store/connection';
import { RedisStore } from '../../../src/store/redis';
import { deletePrefix, randomPrefix, REDIS_URL } from '../store/redis-fixture';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

const prefix = randomPrefix('auditcli');
afterAll(async () => {
  await deletePrefix(prefix);
});

it('says there is nothing persistent to read without REDIS_URL and exits 2', async () => {
  const out = sink();
  const err = sink();
  expect(await auditCommand(['C0INC'], out.stream, err.stream, {})).toBe(2);
  expect(err.text()).toContain('REDIS_URL is not set');
});

it('prints usage for a missing incident id', async () => {
  const err = sink();
  expect(await auditCommand(['--json'], sink().stream, err.stream, { REDIS_URL })).toBe(2);
  expect(err.text()).toContain('usage: incident-scout audit');
});

it('prints the incident trail from Redis, readable or as JSON lines', async () => {
  const logger = pino({ level: 'silent' });
  const store = new RedisStore(connectRedis(REDIS_URL, logger), { prefix, logger });
  await store.appendAudit({
    at: '2026-11-27T03:14:00.000Z',
    kind: 'decision',
    incidentId: 'C0INC',
    actor: 'U0LEAD',
    actorName: 'Dana Lee',
    detail: { proposalId: 'P-1', decision: 'approved' },
  });
  await store.appendAudit({
    at: '2026-11-27T03:14:02.000Z',
    kind: 'execution',
    incidentId: 'C0INC',
    actor: 'system',
    detail: { proposalId: 'P-1', phase: 'run', actionId: 'rollback-deploy', ok: true, exitCode: 0, durationMs: 1200 },
  });
  await store.close();

  const out = sink();
  expect(await auditCommand(['C0INC'], out.stream, sink().stream, { REDIS_URL, REDIS_PREFIX: prefix })).toBe(0);
  expect(out.text()).toContain(
    '2026-11-27T03:14:00.000Z decision U0LEAD (Dana Lee) proposalId="P-1" decision="approved"',
  );
  expect(out.text()).toContain('P-1 rollback-deploy succeeded in 1.2s');

  const json = sink();
  expect(await auditCommand(['C0INC', '--json'], json.stream, sink().stream, { REDIS_URL, REDIS_PREFIX: prefix })).toBe(
    0,
  );
  expect(
    json
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).kind),
  ).toEqual(['decision', 'execution']);
});
