// Issue 14's round rows, replayed: a burst of Dig deeper clicks makes one round, and a source that fails
// while the window is estimated (a Prometheus answering 401) shows a failure in the thread and in status.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSlackFake, type RunningSlackFake } from '../../../src/demo/slack-fake';
import { PrometheusSource } from '../../../src/evidence/sources';
import { makeHarness, readable, type Harness } from './harness';
import { incidentDocs } from '../../../src/store/kinds';

let slack: RunningSlackFake;
let prometheus: Server;
let prometheusUrl: string;

beforeAll(async () => {
  slack = await startSlackFake();
  prometheus = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  prometheusUrl = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await slack.close();
  await new Promise((resolve) => prometheus.close(resolve));
});

let h: Harness;
afterEach(async () => {
  await h.queue.close();
});

it('makes exactly one new round from twelve concurrent Dig deeper clicks', async () => {
  h = makeHarness(slack);
  await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
  await h.queue.drain(30_000);
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => h.svc.deeper(h.channel, `U0CLICK${i}`)));
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(new Set(results.map((r) => r.investigation.id))).toEqual(new Set([`inv-${h.channel}-2`]));
  const incident = await incidentDocs.in(h.store).get(h.channel);
  expect(incident?.investigations).toEqual([`inv-${h.channel}-1`, `inv-${h.channel}-2`]);
  await h.queue.drain(30_000);
  expect(slack.fake.messages(h.channel)).toHaveLength(2); // two status cards: rounds 1 and 2
}, 60_000);

it('shows a Prometheus answering 401 as a failure in the thread and in status, not "queued"', async () => {
  h = makeHarness(slack, { source: new PrometheusSource({ url: prometheusUrl, fetch }) });
  const { investigation } = await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
  await h.queue.drain(20_000).catch(() => undefined);
  const status = await h.svc.status(h.channel);
  expect(status?.id).toBe(investigation.id);
  expect(status?.state).toBe('failed');
  const [card] = slack.fake.messages(h.channel);
  expect(card).toBeDefined();
  expect(card?.text).toMatch(/failed/);
  const note = card?.replies.find((r) => /investigation failed/.test(r.text));
  expect(note && readable(note)).toMatch(/401/);
}, 60_000);
