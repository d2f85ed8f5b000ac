// A local GitHub REST fake with GitHub's response shapes: deployments, pull requests (list and detail),
// compare; Link pagination; x-ratelimit-* headers on every answer; 403/429 with remaining 0 once the
// budget is spent, a secondary limit (403 + retry-after), 401 for a wrong token, 404 for unknown repos.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
  creator: string;
  description?: string;
}
export interface FakePull {
  number: number;
  title: string;
  user: string;
  merged_at: string | null;
  updated_at: string;
  base: string;
  additions: number;
  deletions: number;
  changed_files: number;
  merge_commit_sha?: string;
}

export class GitHubFake {
  readonly token = 'ghp_fakeTokenForTests0123456789abcdefABCD';
  origin = 'http://127.0.0.1:0';
  readonly repos = new Map<
    string,
    {
      deployments: FakeDeployment[];
      pulls: FakePull[];
      files: Map<string, Array<{ filename: string; additions: number; deletions: number }>>;
    }
  >();
  readonly requests: Array<{ path: string; status: number }> = [];
  /** Requests left before the primary rate limit answers; Infinity = never. */
  remaining = Infinity;
  /** 403 (as GitHub does for most clients) or 429 when the budget is spent. */
  limitStatus: 403 | 429 = 403;
  secondaryLimitNext = 0;
  pageSize = 100;

  repo(name: string) {
    let r = this.repos.get(name);
    if (!r) {
      r = { deployments: [], pulls: [], files: new Map() };
      this.repos.set(name, r);
    }
    return r;
  }

  private user(login: string) {
    return {
      login,
      id: login.length * 1000,
      type: 'User',
      html_url: `https://github.com/${login}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${login.length}`,
    };
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    const resetAt = Math.floor(Date.UTC(2026, 11, 7, 4, 0) / 1000);
    const send = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      this.requests.push({ path: url.pathname, status });
      const text = JSON.stringify(body);
      const left = this.remaining === Infinity ? 4999 : Math.max(0, this.remaining);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-api-version-selected': '2022-11-28',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(left),
        'x-ratelimit-reset': String(resetAt),
        'x-ratelimit-used': String(5000 - left),
        'x-ratelimit-resource': 'core',
        ...extra,
      });
      res.end(text);
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return send(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    }
    if (this.secondaryLimitNext > 0) {
      this.secondaryLimitNext -= 1;
      return send(
        403,
        {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403',
        },
        { 'retry-after': '60' },
      );
    }
    if (this.remaining <= 0) {
      return send(this.limitStatus, {
        message: 'API rate limit exceeded for user ID 1000.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        status: String(this.limitStatus),
      });
    }
    this.remaining -= 1;
    const m = /^\/repos\/([\w.-]+\/[\w.-]+)\/(deployments|pulls|compare)(?:\/(.+))?$/.exec(url.pathname);
    const repo = m ? this.repos.get(m[1] as string) : undefined;
    if (!m || !repo)
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    const name = m[1] as string;
    const html = `https://github.com/${name}`;
    const paged = (all: unknown[]): void => {
      const page = Number(url.searchParams.get('page') ?? '1');
      const per = Math.min(Number(url.searchParams.get('per_page') ?? '30'), this.pageSize);
      const items = all.slice((page - 1) * per, page * per);
      const links: string[] = [];
      if (page * per < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        links.push(`<${next.toString()}>; rel="next"`);
      }
      send(200, items, links.length ? { link: links.join(', ') } : {});
    };
    if (m[2] === 'deployments' && !m[3]) {
      const list = [...repo.deployments].sort((a, b) => b.created_at.localeCompare(a.created_at));
      return paged(
        list.map((d) => ({
          url: `${this.origin}/repos/${name}/deployments/${d.id}`,
          id: d.id,
          node_id: `DE_${d.id}`,
          sha: d.sha,
          ref: d.ref,
          task: 'deploy',
          payload: {},
          original_environment: d.environment,
          environment: d.environment,
          description: d.description ?? null,
          creator: this.user(d.creator),
          created_at: d.created_at,
          updated_at: d.created_at,
          statuses_url: `${this.origin}/repos/${name}/deployments/${d.id}/statuses`,
          repository_url: `${this.origin}/repos/${name}`,
          transient_environment: false,
          production_environment: d.environment === 'production',
        })),
      );
    }
    const pullJson = (p: FakePull) => ({
      url: `${this.origin}/repos/${name}/pulls/${p.number}`,
      id: p.number * 7,
      number: p.number,
      state: 'closed',
      locked: false,
      title: p.title,
      user: this.user(p.user),
      body: null,
      html_url: `${html}/pull/${p.number}`,
      created_at: p.updated_at,
      updated_at: p.updated_at,
      closed_at: p.merged_at ?? p.updated_at,
      merged_at: p.merged_at,
      merge_commit_sha: p.merge_commit_sha ?? null,
      base: { ref: p.base, label: `${name.split('/')[0]}:${p.base}` },
      head: { ref: `feature-${p.number}` },
      draft: false,
    });
    if (m[2] === 'pulls' && !m[3]) {
      const list = [...repo.pulls].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      return paged(list.map(pullJson));
    }
    if (m[2] === 'pulls' && m[3] && /^\d+$/.test(m[3])) {
      const p = repo.pulls.find((x) => x.number === Number(m[3]));
      if (!p) return send(404, { message: 'Not Found', status: '404' });
      return send(200, {
        ...pullJson(p),
        merged: p.merged_at !== null,
        merged_by: p.merged_at ? this.user(p.user) : null,
        additions: p.additions,
        deletions: p.deletions,
        changed_files: p.changed_files,
        commits: 3,
      });
    }
    if (m[2] === 'compare' && m[3]) {
      const files = repo.files.get(m[3]) ?? [];
      return send(200, {
        url: `${this.origin}/repos/${name}/compare/${m[3]}`,
        html_url: `${html}/compare/${m[3]}`,
        status: 'ahead',
        ahead_by: 2,
        behind_by: 0,
        total_commits: 2,
        commits: [],
        files: files.map((f) => ({ ...f, changes: f.additions + f.deletions, status: 'modified' })),
      });
    }
    return send(404, { message: 'Not Found', status: '404' });
  }
}

export async function startGitHubFake(): Promise<{ fake: GitHubFake; url: string; close(): Promise<void> }> {
  const fake = new GitHubFake();
  const server = createServer((req, res) => fake.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { fake, url: fake.origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
