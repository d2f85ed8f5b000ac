// The Slack app manifest is valid against Slack's published schema and grants what the app uses.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
// Slack's published schema, vendored (MIT, see the LICENSE beside it).
const schemaPath = path.join(ROOT, 'test', 'fixtures', 'slack-manifest-schema', 'manifest.schema.1.0.0.json');
const manifest = parse(fs.readFileSync(path.join(ROOT, 'manifests', 'slack-app.yaml'), 'utf8')) as {
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url: string };
    interactivity: { request_url: string };
    socket_mode_enabled: boolean;
  };
  features: { slash_commands: Array<{ command: string; url: string }> };
};

/** Which bot scope each event needs (any one of the list), from Slack's event reference. */
const EVENT_SCOPES: Record<string, string[]> = {
  channel_created: ['channels:read'],
  channel_rename: ['channels:read'],
  member_joined_channel: ['channels:read', 'groups:read'],
  app_mention: ['app_mentions:read'],
  subteam_members_changed: ['usergroups:read'],
  subteam_updated: ['usergroups:read'],
};

/** Scopes the Web API methods in src/slack/poster.ts need. */
const METHOD_SCOPES: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.join': 'channels:join',
  'conversations.info': 'channels:read',
  'reactions.add': 'reactions:write',
  'files.uploadV2': 'files:write',
  'users.info': 'users:read',
  'usergroups.users.list': 'usergroups:read',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
};

describe('manifests/slack-app.yaml', () => {
  it('validates against the Slack manifest schema', () => {
    const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    // The schema carries a non-standard `regex` keyword; enforce it instead of ignoring it.
    ajv.addKeyword({
      keyword: 'regex',
      type: 'string',
      schemaType: 'string',
      validate: (re: string, data: string) => new RegExp(re).test(data),
    });
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('grants the scope every subscribed event needs', () => {
    const granted = new Set(manifest.oauth_config.scopes.bot);
    for (const event of manifest.settings.event_subscriptions.bot_events) {
      const needed = EVENT_SCOPES[event];
      expect(needed).toBeDefined();
      expect(needed?.some((s) => granted.has(s))).toBe(true);
    }
  });

  it('grants the scope of every Web API method the poster calls, and nothing more', () => {
    const granted = new Set(manifest.oauth_config.scopes.bot);
    const src = fs.readFileSync(path.join(ROOT, 'src', 'slack', 'poster.ts'), 'utf8');
    const used = [...src.matchAll(/this\.call\('([a-zA-Z0-9.]+)'/g)].map((m) => m[1] as string);
    expect(used.length).toBeGreaterThan(5);
    for (const method of used) {
      expect(METHOD_SCOPES[method]).toBeDefined();
      expect(granted.has(METHOD_SCOPES[method] as string)).toBe(true);
    }
    // History is read only by the poster's crash recovery (it looks for its own lost post).
    expect([...granted].filter((s) => s.endsWith(':history')).sort()).toEqual(['channels:history', 'groups:history']);
    expect(granted.size).toBe(13);
  });

  it('grants channels:manage for the channels alerts open and invite people to (public channels by default)', () => {
    const granted = new Set(manifest.oauth_config.scopes.bot);
    const src = fs.readFileSync(path.join(ROOT, 'src', 'slack', 'alert-channels.ts'), 'utf8');
    const used = [...src.matchAll(/client\.(conversations\.[a-z]+)\(/g)].map((m) => m[1] as string);
    expect(used.sort()).toEqual(['conversations.create', 'conversations.invite']);
    expect(granted.has('channels:manage')).toBe(true);
    // groups:write is needed only with ALERT_CHANNEL_PRIVATE=true; the default manifest does not ask for it.
    expect(granted.has('groups:write')).toBe(false);
  });

  it('sends events, the command and clicks to the one endpoint the app serves', () => {
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    for (const u of urls) expect(new URL(u).pathname).toBe('/slack/events');
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/triage']);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});
