// The GitHub source against a local fake with GitHub's shapes: deployments and merged pull requests
// with author, title, link and diff size; rate limits and refusals as named problems, never a crash.
import { GitHubSource } from '../../../../src/evidence/sources/github';
import { startGitHubFake } from '../../../support/github-fake';

const ONSET = Date.UTC(2026, 11, 7, 2, 50);
const at = (m: number): string => new Date(ONSET + m * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const window = { from: ONSET - 120 * 60_000, to: ONSET + 20 * 60_000 };

let gh: Awaited<ReturnType<typeof startGitHubFake>>;

beforeEach(async () => {
  gh = await startGitHubFake();
  const payments = gh.fake.repo('acme/payments');
  payments.deployments.push(
    {
      id: 901,
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      ref: 'v4.2.0',
      environment: 'production',
      created_at: at(-3),
      creator: 'dana',
      description: 'release 4.2.0',
    },
    {
      id: 880,
      sha: '0f0e0d0c0b0a09080706050403020100ffeeddcc',
      ref: 'v4.1.9',
      environment: 'production',
      created_at: at(-3000),
      creator: 'lee',
    },
  );
  payments.files.set('0f0e0d0c0b0a09080706050403020100ffeeddcc...a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', [
    { filename: 'src/pool.go', additions: 40, deletions: 12 },
    { filename: 'config/prod.yaml', additions: 2, deletions: 2 },
  ]);
  payments.pulls.push(
    {
      number: 311,
      title: 'Lower the DB pool to 4',
      user: 'sam',
      merged_at: at(-20),
      updated_at: at(-20),
      base: 'main',
      additions: 3,
      deletions: 3,
      changed_files: 1,
      merge_commit_sha: 'ccc111222333',
    },
    {
      number: 312,
      title: 'Closed without merge',
      user: 'kim',
      merged_at: null,
      updated_at: at(-10),
      base: 'main',
      additions: 1,
      deletions: 0,
      changed_files: 1,
    },
    {
      number: 200,
      title: 'Old change',
      user: 'kim',
      merged_at: at(-5000),
      updated_at: at(-5000),
      base: 'main',
      additions: 9,
      deletions: 9,
      changed_files: 2,
    },
  );
  gh.fake.repo('acme/checkout');
});

afterEach(async () => {
  await gh.close();
});

const source = (
  repos: Record<string, string> = { payments: 'acme/payments', checkout: 'acme/checkout' },
  token = gh.fake.token,
) => new GitHubSource({ apiUrl: gh.url, token, repos });

describe('GitHub source', () => {
  it('lists the deployment and the merged pull request in the window with author, link and diff size', async () => {
    const changes = await source().changes(window);
    expect(changes).toEqual([
      expect.objectContaining({
        id: 'gh:acme/payments#311',
        service: 'payments',
        kind: 'code',
        author: 'sam',
        url: 'https://github.com/acme/payments/pull/311',
        summary: 'acme/payments#311 merged into main: Lower the DB pool to 4 (+3/-3 in 1 file)',
        diff: { additions: 3, deletions: 3, files: 1 },
      }),
      expect.objectContaining({
        id: 'gh:acme/payments/deployment/901',
        service: 'payments',
        kind: 'deploy',
        author: 'dana',
        version: 'a1b2c3d',
        url: 'https://github.com/acme/payments/compare/0f0e0d0c0b0a09080706050403020100ffeeddcc...a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        summary: 'acme/payments deployed v4.2.0 (a1b2c3d) to production: release 4.2.0, +42/-14 in 2 files',
        diff: { additions: 42, deletions: 14, files: 2 },
      }),
    ]);
    expect(changes[1]?.time).toBe(ONSET - 3 * 60_000);
  });

  it('follows Link pagination', async () => {
    gh.fake.pageSize = 1;
    const changes = await source().changes(window);
    expect(changes.map((c) => c.id)).toEqual(['gh:acme/payments#311', 'gh:acme/payments/deployment/901']);
    expect(gh.fake.requests.filter((r) => r.path === '/repos/acme/payments/pulls').length).toBeGreaterThan(1);
  });

  it.each([403, 429] as const)(
    'names a spent rate limit (HTTP %i, x-ratelimit-remaining 0) instead of failing',
    async (status) => {
      gh.fake.limitStatus = status;
      const checkoutOnly = source({ checkout: 'acme/checkout' });
      gh.fake.remaining = 0;
      await expect(checkoutOnly.changes(window)).resolves.toEqual([]);
      expect(checkoutOnly.problems()).toEqual([
        expect.objectContaining({
          origin: 'github acme/checkout',
          problem: `rate limit reached (HTTP ${status}, x-ratelimit-remaining 0, resets at 04:00 UTC)`,
        }),
      ]);
    },
  );

  it('names a secondary rate limit, a wrong token and an unknown repository', async () => {
    gh.fake.secondaryLimitNext = 1;
    const s = source({ payments: 'acme/payments' });
    await expect(s.changes(window)).resolves.toEqual([]);
    expect(s.problems()[0]?.problem).toBe('secondary rate limit (HTTP 403, retry after 60 s)');

    const wrong = source({ payments: 'acme/payments' }, 'ghp_wrong');
    await expect(wrong.changes(window)).resolves.toEqual([]);
    expect(wrong.problems()[0]?.problem).toContain('HTTP 401');

    const missing = source({ ledger: 'acme/ledger' });
    await expect(missing.changes(window)).resolves.toEqual([]);
    expect(missing.problems()[0]?.problem).toBe('HTTP 404: Not Found');
  });

  it('asks only for the services in scope', async () => {
    await source().changes({ ...window, services: ['checkout'] });
    expect(gh.fake.requests.some((r) => r.path.startsWith('/repos/acme/payments'))).toBe(false);
  });
});
