// The demo's end of an incident, end to end in-process: `/triage resolve` posts the timeline and uploads
// the postmortem draft into the investigation thread, and a second incident of the same kind opened in the
// same run says "Seen before", naming the first channel. Asserts what a person reads in the channels and
// the file the bot uploaded.
import { PassThrough } from 'node:stream';
import { DEMO_CHANNEL, DEMO_RESOLVE_SUMMARY, DEMO_SECOND_CHANNEL, runDemo } from '../../src/demo/run';
import type { SlackFake } from '../../src/demo/slack-fake';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('demo: resolve, timeline, postmortem and memory of past incidents', () => {
  let first = '';
  let second = '';
  let files: Array<{
    filename: string;
    title?: string | undefined;
    channel?: string | undefined;
    threadTs?: string | undefined;
    content: string;
  }> = [];
  let code = -1;
  let errText = '';

  beforeAll(async () => {
    const out = sink();
    const err = sink();
    let fake: SlackFake | undefined;
    code = await runDemo(out.stream, err.stream, { env: { LOG_LEVEL: 'warn' }, inspect: (f) => (fake = f) });
    errText = err.text();
    const parts = out.text().split(`\n#${DEMO_SECOND_CHANNEL}\n`);
    first = parts[0] ?? '';
    second = parts[1] ?? '';
    files = (fake?.files() ?? []).map((f) => ({
      filename: f.filename,
      title: f.title,
      channel: f.channel,
      threadTs: f.threadTs,
      content: f.content?.toString('utf8') ?? '',
    }));
  }, 120_000);

  it('runs cleanly and prints both channels', () => {
    expect(errText).toBe('');
    expect(code).toBe(0);
    expect(first.startsWith(`#${DEMO_CHANNEL}\n`)).toBe(true);
    expect(second).not.toBe('');
  });

  it('posts the timeline in the investigation thread: alert or start, opening, round, findings, synthesis, proposal, decisions, action, resolution', () => {
    const at = first.indexOf(`Timeline of #${DEMO_CHANNEL}`);
    expect(at).toBeGreaterThan(0);
    const timeline = first.slice(at, first.indexOf('The postmortem draft follows as a file.', at));
    // A reply in the thread (indented), not a new top-level message.
    expect(first.slice(first.lastIndexOf('\n', at), at)).toContain('│');
    const order = [
      'Incident began',
      `#${DEMO_CHANNEL} recognised as an incident`,
      "Round 1 started by the channel's creation",
      'Scout logs reported',
      'Synthesis: payments',
      'The lead proposed rollback-deploy service=payments',
      'approve refused',
      'approved by Dana Lee',
      'succeeded in',
      `Resolved by Dana Lee: ${DEMO_RESOLVE_SUMMARY}`,
    ];
    let from = 0;
    for (const line of order) {
      const i = timeline.indexOf(line, from);
      expect({ line, found: i >= 0 }).toEqual({ line, found: true });
      from = i;
    }
    // Posted once, and the person who resolved it is answered.
    expect(first.split(`Timeline of #${DEMO_CHANNEL}`).length).toBe(2);
    expect(first).toContain(
      "Resolved. The timeline and the postmortem draft are in the latest investigation's thread.",
    );
  });

  it('uploads the postmortem draft as Markdown with summary, impact, timeline, hypothesis with evidence, what was done and open questions', () => {
    const drafts = files.filter((f) => f.filename.startsWith('postmortem-'));
    expect(drafts).toHaveLength(1);
    const draft = drafts[0] as (typeof files)[number];
    expect(draft.filename).toMatch(new RegExp(`^postmortem-${DEMO_CHANNEL}-\\d{4}-\\d{2}-\\d{2}\\.md$`));
    expect(draft.title).toBe(`Postmortem draft: #${DEMO_CHANNEL}`);
    expect(draft.threadTs).toBeDefined();
    const md = draft.content;
    for (const heading of [
      '# Postmortem draft: #inc-checkout-latency',
      '## Summary',
      '## Impact',
      '## Timeline',
      '## Root-cause hypothesis',
      '## What was done',
      '## Open questions',
    ]) {
      expect(md).toContain(`${heading}\n`);
    }
    expect(md).toContain(DEMO_RESOLVE_SUMMARY);
    expect(md).toMatch(/- Services involved: payments/);
    expect(md).toMatch(/\*\*payments\*\* — .*deploy payments v4\.2\.0/);
    expect(md).toMatch(/Evidence for:\n- `E\d+` /);
    expect(md).toMatch(/https:\/\/slack\.com\/archives\/C[A-Z0-9]+\/p\d{16}/);
    expect(md).toMatch(
      /`rollback-deploy` service=payments namespace=production \(P-[0-9a-f]+, medium risk\): \*\*succeeded\*\*, approved by Dana Lee/,
    );
    expect(md).toMatch(/\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \| rollback-deploy \(P-[0-9a-f]+\) succeeded in/);
    expect(md).toContain('How did change `chg-1044` reach production');
  });

  it('says "Seen before" in the second incident, naming the first channel, its cause and its fix', () => {
    const at = second.indexOf('*Seen before*');
    expect(at).toBeGreaterThan(0);
    const seen = second.slice(at, at + 1200);
    expect(seen).toMatch(
      new RegExp(`• \\*#${DEMO_CHANNEL}\\* \\(<#C[A-Z0-9]+>\\), resolved \\d{4}-\\d\\d-\\d\\d, 100% alike`),
    );
    expect(seen).toContain('Cause: payments (');
    expect(seen).toContain('Fixed by `rollback-deploy service=payments namespace=production`');
    expect(seen).toContain(`Resolved as: _${DEMO_RESOLVE_SUMMARY}_`);
    // The first incident had nothing before it.
    expect(first).not.toContain('*Seen before*');
  });
});
