import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { genScenarioMain } from '../../../../tools/scenario/cli';
import { generateScenario } from '../../../../tools/scenario';
import { textSink } from '../../../helpers/text-sink';

const EXAMPLE = join(__dirname, '../../../../examples/scenarios/checkout-latency');

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f), `${prefix}${f}/`) : [`${prefix}${f}`]));
}

const sink = textSink;

/** The checks promtool's OpenMetrics backfill relies on; returns the problems found. */
function openMetricsProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith('# EOF\n')) problems.push('does not end with # EOF');
  const seenFamilies = new Set<string>();
  const lastTs = new Map<string, number>();
  let family = '';
  for (const line of text.split('\n')) {
    if (line === '' || line === '# EOF') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      family = type[1] as string;
      if (seenFamilies.has(family)) problems.push(`family ${family} is not contiguous`);
      seenFamilies.add(family);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\}) (\S+) (\d+)$/.exec(line);
    if (!m) {
      problems.push(`malformed: ${line}`);
      continue;
    }
    const [, name, labels, value, ts] = m as unknown as [string, string, string, string, string];
    if (!name.startsWith(family)) problems.push(`${name} outside its family ${family}`);
    if (!/service="[^"]+"/.test(labels)) problems.push(`no service label: ${line}`);
    if (Number.isNaN(Number(value))) problems.push(`bad value: ${line}`);
    const key = name + labels;
    const prev = lastTs.get(key);
    if (prev !== undefined && Number(ts) <= prev) problems.push(`timestamps not increasing for ${key}`);
    lastTs.set(key, Number(ts));
  }
  return problems;
}

describe('generateScenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scout-gen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the committed example byte for byte from seed 42 (the example is not edited by hand)', () => {
    const out = join(dir, 'again');
    generateScenario({ seed: 42, rootCause: 'payments', out });
    expect(files(out)).toEqual(files(EXAMPLE));
    for (const f of files(EXAMPLE))
      expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(EXAMPLE, f), 'utf8'));
  });

  it('writes a different scenario for another seed', () => {
    const out = join(dir, 'seed-7');
    generateScenario({ seed: 7, rootCause: 'payments', out });
    expect(readFileSync(join(out, 'metrics/payments.prom'), 'utf8')).not.toBe(
      readFileSync(join(EXAMPLE, 'metrics/payments.prom'), 'utf8'),
    );
  });

  it('keeps the example small', () => {
    const total = files(EXAMPLE).reduce((s, f) => s + statSync(join(EXAMPLE, f)).size, 0);
    expect(total).toBeLessThan(3_000_000);
  });

  it('writes OpenMetrics that promtool can backfill: families contiguous, times increasing, # EOF', () => {
    const proms = files(EXAMPLE).filter((f) => f.endsWith('.prom'));
    expect(proms.length).toBeGreaterThanOrEqual(6);
    for (const f of proms) expect(openMetricsProblems(readFileSync(join(EXAMPLE, f), 'utf8'))).toEqual([]);
  });

  it('writes each service log in its own real format', () => {
    const log = (s: string): string => readFileSync(join(EXAMPLE, 'logs', `${s}.log`), 'utf8');
    expect(log('web').split('\n')[0]).toMatch(
      /^\d+\.\d+\.\d+\.\d+ - - \[\d\d\/Nov\/2026:\d\d:\d\d:\d\d \+0000\] "(GET|POST) \S+ HTTP\/1\.1" \d{3} /,
    );
    expect(() => JSON.parse(log('api-gateway').split('\n')[0] as string)).not.toThrow();
    expect(log('checkout').split('\n')[0]).toMatch(/^ts=\S+ level=info msg="/);
    expect(log('payments')).toMatch(/\n\tat org\.postgresql\.core\.v3\.QueryExecutorImpl/);
    expect(log('payments')).toMatch(/\nCaused by: org\.postgresql\.util\.PSQLException: .*timeout/);
    expect(log('inventory')).toMatch(/\nTraceback \(most recent call last\):\n {2}File "/);
    expect(log('postgres').split('\n')[0]).toMatch(/^2026-11-27 \d\d:\d\d:\d\d\.\d{3} UTC \[\d+\] LOG: {2}/);
    expect(log('redis').split('\n')[0]).toMatch(/^1:M 27 Nov 2026 \d\d:\d\d:\d\d\.\d{3} \* /);
  });

  it('opens the channel after the onset, and records the culprit and the unrelated deploy as changes', () => {
    const inc = parse(readFileSync(join(EXAMPLE, 'incident.yaml'), 'utf8')) as { started_at: string; channel: string };
    const changes = readFileSync(join(EXAMPLE, 'changes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; time: string; service: string });
    const culprit = changes.find((c) => c.service === 'payments');
    expect(inc.channel).toBe('inc-checkout-latency');
    expect(Date.parse(inc.started_at)).toBeGreaterThan(Date.parse(culprit?.time ?? ''));
    expect(changes.map((c) => c.service)).toEqual(expect.arrayContaining(['payments', 'notifications']));
    const topo = parse(readFileSync(join(EXAMPLE, 'topology.yaml'), 'utf8')) as { services: Array<{ name: string }> };
    expect(topo.services.length).toBeGreaterThanOrEqual(6);
  });
});

describe('gen-scenario CLI', () => {
  it('rejects an unknown root cause with exit code 2', () => {
    const err = sink();
    expect(genScenarioMain(['--root-cause', 'dns'], sink(), err)).toBe(2);
    expect(err.text).toContain('--root-cause must be one of payments, inventory, checkout');
  });

  it('refuses a scenario other than the bundled example without --out, so the example is never replaced', () => {
    const err = sink();
    const before = readFileSync(join(EXAMPLE, 'incident.yaml'), 'utf8');
    expect(genScenarioMain(['--seed', '7'], sink(), err)).toBe(2);
    expect(err.text).toContain('--out DIR is required with --seed');
    expect(readFileSync(join(EXAMPLE, 'incident.yaml'), 'utf8')).toBe(before);
  });

  it('writes to --out and says what it wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scout-gen-cli-'));
    try {
      const out = sink();
      expect(genScenarioMain(['--seed', '3', '--root-cause', 'inventory', '--out', dir], out, sink())).toBe(0);
      expect(out.text).toContain('root cause inventory (chg-1044)');
      expect(readFileSync(join(dir, 'logs/inventory.log'), 'utf8')).toContain('Traceback');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes an external-dependency fault: no culprit deploy, the root service’s errors name a host outside the topology', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scout-gen-ext-'));
    try {
      const truth = generateScenario({ seed: 5, rootCause: 'checkout', out: dir, fault: 'cert-expiry' });
      expect(truth.culpritChange).toBeNull();
      const topo = parse(readFileSync(join(dir, 'topology.yaml'), 'utf8')) as { services: Array<{ name: string }> };
      expect(topo.services.map((x) => x.name)).not.toContain(truth.culprit);
      expect(readFileSync(join(dir, 'changes.jsonl'), 'utf8')).not.toContain('"chg-1044"');
      const log = readFileSync(join(dir, 'logs', 'checkout.log'), 'utf8');
      expect(log).toContain(`https://${truth.culprit}/`);
      expect(log).toContain('x509: certificate has expired');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown fault with exit code 2', () => {
    const err = sink();
    expect(genScenarioMain(['--fault', 'meteor'], sink(), err)).toBe(2);
    expect(err.text).toContain('--fault must be one of deploy, external-outage, cert-expiry');
  });
});
