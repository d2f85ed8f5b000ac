import { PassThrough } from 'node:stream';
import pino from 'pino';
import { auditCommand } from '../../../src/cli/audit';
import { connectRedis } from '../../../src/store/connection';
import { incidentDocs } from '../../../src/store/kinds';
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

it('finds the trail by channel name, and says so when Redis has no such incident instead of printing an empty trail', async () => {
  const logger = pino({ level: 'silent' });
  const store = new RedisStore(connectRedis(REDIS_URL, logger), { prefix, logger });
  await incidentDocs.in(store).put('C0NAMED', {
    id: 'C0NAMED',
    channelId: 'C0NAMED',
    channelName: 'inc-named',
    startedAt: '2026-11-27T03:00:00.000Z',
    investigations: [],
    createdAt: '2026-11-27T03:00:00.000Z',
  });
  await store.appendAudit({
    at: '2026-11-27T03:15:00.000Z',
    kind: 'resolution',
    incidentId: 'C0NAMED',
    actor: 'U0LEAD',
    detail: { summary: 'rolled back' },
  });
  await store.close();
  const env = { REDIS_URL, REDIS_PREFIX: prefix };

  const out = sink();
  expect(await auditCommand(['#inc-named'], out.stream, sink().stream, env)).toBe(0);
  expect(out.text()).toContain('2026-11-27T03:15:00.000Z resolution U0LEAD');

  const typo = sink();
  const err = sink();
  expect(await auditCommand(['C0TYPO'], typo.stream, err.stream, env)).toBe(1);
  expect(typo.text()).toBe('');
  expect(err.text()).toBe(
    `incident-scout audit: no incident for channel "C0TYPO" in this Redis (prefix ${prefix}); give the channel id (C0123ABCD) or name (#inc-...) of a channel the bot investigated.\n`,
  );
});
