// The demo path end to end below the listeners: the shipped catalog, the real Poster over the Slack
// fake, the real executor running the demo kubectl stand-in through the change identity's PATH.
import { webApi } from '@slack/bolt';
import pino from 'pino';
import { loadConfig } from '../../../src/config';
import { ApprovalDenied } from '../../../src/domain/errors';
import { startSlackFake, type RunningSlackFake } from '../../../src/demo/slack-fake';
import { createExecutor } from '../../../src/remediation/executors';
import { approvalsKey } from '../../../src/remediation/proposals';
import { createRemediation, type RemediationService } from '../../../src/remediation/service';
import { Poster } from '../../../src/slack/poster';
import { createProposalNotifier } from '../../../src/slack/proposal-notifier';
import { MemoryStore } from '../../../src/store/memory';
import { incidentDocs, investigationDocs } from '../../../src/store/kinds';

let slack: RunningSlackFake;
let store: MemoryStore;
let svc: RemediationService;
let channel: string;
let threadTs: string;

beforeAll(async () => {
  slack = await startSlackFake();
  slack.fake.addUser({ id: 'U0DEMOLEAD', name: 'dana', realName: 'Dana Lee' });
  slack.fake.addUser({ id: 'U0PAT', name: 'pat', realName: 'Pat Doe' });
  slack.fake.addUser({ id: 'U0OLU', name: 'olu', realName: 'Olu Ade' });
  slack.fake.addUsergroup({ id: 'S0ONCALL', handle: 'oncall', users: ['U0OLU'] });
  channel = slack.fake.addChannel({ name: 'inc-checkout-latency', botIsMember: true });
});

afterAll(async () => {
  await slack.close();
});

beforeEach(async () => {
  const logger = pino({ level: 'silent' });
  const config = loadConfig({ SCOUT_EXEC_PATH: 'examples/demo/bin' });
  store = new MemoryStore();
  const client = new webApi.WebClient(slack.fake.botToken, {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  const poster = new Poster({ client, store, logger });
  threadTs = await poster.post({ channel, text: 'Investigation I-1: status' });
  await incidentDocs.in(store).put(channel, {
    id: channel,
    channelId: channel,
    channelName: 'inc-checkout-latency',
    startedAt: '',
    investigations: ['I-1'],
    createdAt: '',
  });
  await investigationDocs.in(store).put('I-1', {
    id: 'I-1',
    incidentId: channel,
    channelId: channel,
    threadTs,
    round: 1,
    state: 'synthesized',
    trigger: 'slash',
    brain: 'deterministic',
    scouts: [],
    window: { from: '', onset: '', to: '' },
    createdAt: '',
    updatedAt: '',
  });
  svc = createRemediation({
    config,
    approvalsKey: approvalsKey('test-signing-secret'),
    store,
    notifier: createProposalNotifier(poster),
    directory: poster,
    executor: createExecutor({ env: config.executor.env }),
    logger,
  });
});

it('shows a proposal in the thread, refuses a non-approver, and runs the demo kubectl for a named approver', async () => {
  const p = await svc.proposeByPerson({
    incidentId: channel,
    channelId: channel,
    actor: { userId: 'U0PAT' },
    actionId: 'rollback-deploy',
    args: { service: 'checkout' },
  });
  const card = () => slack.fake.message(channel, p.messageTs as string);
  expect(card()?.threadTs).toBe(threadTs);
  expect(JSON.stringify(card()?.blocks)).toContain('kubectl rollout undo deployment/checkout -n production');
  expect(card()?.metadata).toMatchObject({
    event_type: 'incident_scout_proposal',
    event_payload: { proposal_id: p.id, status: 'pending' },
  });

  await expect(
    svc.approve({ actor: { userId: 'U0PAT' }, value: `${p.id}:${p.hash}`, channelId: channel }),
  ).rejects.toThrow(ApprovalDenied);

  const done = await svc.approve({ actor: { userId: 'U0DEMOLEAD' }, value: `${p.id}:${p.hash}`, channelId: channel });
  expect(done.status).toBe('succeeded');
  expect(card()?.text).toContain('Succeeded');
  expect(card()?.text).toContain('@Dana Lee');
  expect(JSON.stringify(card()?.blocks)).not.toContain('approve_proposal');
  expect(card()?.metadata).toMatchObject({ event_payload: { status: 'succeeded' } });
  const replies = slack.fake.replies(channel, threadTs).map((m) => JSON.stringify(m.blocks));
  expect(replies.some((b) => b.includes('deployment.apps/checkout rolled back'))).toBe(true);

  await svc.exportAudit({ incidentId: channel, channelId: channel, actor: { userId: 'U0DEMOLEAD' } });
  const file = slack.fake.files().at(-1);
  expect(file).toBeDefined();
  expect(JSON.stringify(file)).toContain(`audit-${channel}-`);
});

it('lets a usergroup member approve a two-person high-risk change only with a second approver', async () => {
  const p = await svc.proposeByPerson({
    incidentId: channel,
    channelId: channel,
    actor: { userId: 'U0PAT' },
    actionId: 'revert-config',
    args: { service: 'checkout', revision: '41' },
  });
  const first = await svc.approve({ actor: { userId: 'U0OLU' }, value: `${p.id}:${p.hash}`, channelId: channel });
  expect(first.status).toBe('pending');
  expect(slack.fake.message(channel, p.messageTs as string)?.text).toContain('1 of 2 approvals: Olu Ade');
  const second = await svc.approve({ actor: { userId: 'U0DEMOLEAD' }, value: `${p.id}:${p.hash}`, channelId: channel });
  expect(second.status).toBe('succeeded');
  expect(second.result?.output).toContain('configmap/checkout-config reverted to revision 41');
});
