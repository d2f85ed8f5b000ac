import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CompositeSource,
  EvidenceNotFound,
  FilesSource,
  LokiSource,
  openFilesSource,
} from '../../../../src/evidence/sources';
import { ConfigError } from '../../../../src/domain/errors';
import { buildSource as build } from '../../../support/source-config';
import type { LogEvent } from '../../../../src/evidence/types';
import { startFakeLoki, type FakeLoki } from '../../../support/loki-fake';

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('composite source', () => {
  let dir: string;
  let loki: FakeLoki;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'scout-comp-'));
    await mkdir(path.join(dir, 'logs'));
    await writeFile(path.join(dir, 'incident.yaml'), `started_at: ${new Date(T0 + 60_000).toISOString()}\n`);
    await writeFile(
      path.join(dir, 'logs', 'api.log'),
      `${new Date(T0 + 1000).toISOString()} INFO from files\n${new Date(T0 + 3000).toISOString()} INFO files again\n`,
    );
    await writeFile(
      path.join(dir, 'changes.jsonl'),
      JSON.stringify({ id: 'c1', time: new Date(T0).toISOString(), service: 'api', kind: 'deploy', summary: 'v2' }) +
        '\n',
    );
    await writeFile(path.join(dir, 'topology.yaml'), 'services:\n  - name: api\n    calls: [db]\n');
    loki = await startFakeLoki([
      {
        labels: { service: 'db' },
        entries: [
          [ns(T0 + 2000), 'LOG: from loki'],
          [ns(T0 + 4000), 'LOG: loki again'],
        ],
      },
    ]);
  });
  afterAll(async () => {
    await loki.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('merges logs of all sources by time and takes clock and topology from the first that has them', async () => {
    const files = openFilesSource(dir);
    const src = new CompositeSource([files, new LokiSource({ url: loki.url, fetch })]);
    const events = await collect(src.logs({ from: T0, to: T0 + 10_000 }));
    expect(events.map((e) => `${e.service}:${e.ts - T0}`)).toEqual(['api:1000', 'db:2000', 'api:3000', 'db:4000']);
    expect(await src.clock()).toBe(T0 + 60_000);
    expect((await src.topology())?.services.map((s) => s.name)).toEqual(['api']);
    expect((await src.changes({ from: T0, to: T0 + 1 })).map((c) => c.id)).toEqual(['c1']);
  });

  it('lets a dedicated backend serve its signal instead of the files', async () => {
    await writeFile(path.join(dir, 'logs', 'db.log'), `${new Date(T0 + 2000).toISOString()} INFO db from files\n`);
    try {
      const events = await collect(build({ dir, lokiUrl: loki.url }).logs({ from: T0, to: T0 + 10_000 }));
      expect(events.map((e) => e.text)).toEqual(['LOG: from loki', 'LOG: loki again']);
    } finally {
      await rm(path.join(dir, 'logs', 'db.log'));
    }
  });

  it('unions capabilities', async () => {
    const src = build({ dir, lokiUrl: loki.url });
    expect(src).toBeInstanceOf(CompositeSource);
    const caps = await src.capabilities();
    expect(caps.services).toEqual(['api', 'db']);
    expect(caps.signals).toEqual(expect.arrayContaining(['logs', 'changes', 'topology']));
  });

  it('builds a single source when only one backend is configured', () => {
    expect(build({ dir })).toBeInstanceOf(FilesSource);
    expect(build({ lokiUrl: loki.url })).toBeInstanceOf(LokiSource);
  });

  it('refuses no backend at all, and a missing evidence directory by name', () => {
    expect(() => build({})).toThrow(ConfigError);
    expect(() => build({})).toThrow(
      /no evidence source configured \(set EVIDENCE_DIR, PROMETHEUS_URL, LOKI_URL, TEMPO_URL, JAEGER_URL, KUBERNETES_NAMESPACES or github.repos\)/,
    );
    expect(() => build({ dir: path.join(dir, 'gone') })).toThrow(EvidenceNotFound);
  });
});
