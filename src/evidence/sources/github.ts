// GitHub as a source of changes: deployments and merged pull requests of the repositories mapped to
// services (incident-scout.yaml `github.repos`), each with author, title, link and diff size. A rate
// limit (403/429 with x-ratelimit-remaining 0, or a secondary limit) or a refused repository is a named
// problem for that repository; the other repositories' changes are still returned. Plain REST over fetch: @octokit/rest is
// ESM-only since v20 and this CommonJS build and its tests cannot load it.
import { z } from 'zod';
import type {
  Change,
  EvidenceSource,
  IncidentMeta,
  LogEvent,
  MetricSeries,
  ParseProblem,
  SourceCapabilities,
  TimeQuery,
  Topology,
} from '../types';
import { ProblemLog } from './problems';
import type { SourceDefinition } from './registry';

export interface GitHubSourceOptions {
  /** REST API base: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
  token?: string;
  /** service name → `owner/name`. */
  repos: Readonly<Record<string, string>>;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Pages of 100 read per list at most (newest first; reading stops at the window's start anyway). */
  maxPages?: number;
}

const User = z.object({ login: z.string() }).nullable().optional();
const DeploymentItem = z.object({
  id: z.number(),
  sha: z.string(),
  ref: z.string().optional(),
  environment: z.string().optional(),
  description: z.string().nullable().optional(),
  created_at: z.string(),
  creator: User,
});
const PullItem = z.object({
  number: z.number(),
  title: z.string(),
  html_url: z.string(),
  merged_at: z.string().nullable().optional(),
  updated_at: z.string(),
  user: User,
  merge_commit_sha: z.string().nullable().optional(),
  base: z.object({ ref: z.string() }).optional(),
});
const PullDetail = z.object({
  additions: z.number(),
  deletions: z.number(),
  changed_files: z.number(),
  merged_by: User,
});
const Compare = z.object({
  html_url: z.string().optional(),
  total_commits: z.number().optional(),
  files: z.array(z.object({ additions: z.number(), deletions: z.number() })).optional(),
});
/** How far before the window a deployment may be the base of a diff. */
const BASE_LOOKBACK_MS = 14 * 24 * 3_600_000;
const ErrorBody = z.object({ message: z.string().optional() }).passthrough();

/** GitHub said no: rate limited, or the repository is not readable with this token. */
class GitHubRefused extends Error {
  constructor(readonly problem: string) {
    super(problem);
  }
}

export interface DiffSize {
  additions: number;
  deletions: number;
  files: number;
}

/** Evidence source for changes from GitHub; see the file comment. */
export class GitHubSource implements EvidenceSource {
  readonly name = 'github';
  private readonly problemLog = new ProblemLog();
  private readonly fetchFn: typeof fetch;
  private readonly htmlBase: string;

  constructor(private readonly opts: GitHubSourceOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    const api = new URL(opts.apiUrl);
    this.htmlBase = api.hostname === 'api.github.com' ? 'https://github.com' : `${api.protocol}//${api.host}`;
  }

  private async get(
    path: string,
    params: Record<string, string> = {},
  ): Promise<{ json: unknown; next: string | null }> {
    const url = new URL(this.opts.apiUrl.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return this.getUrl(url.toString());
  }

  private async getUrl(url: string): Promise<{ json: unknown; next: string | null }> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'incident-scout',
    };
    if (this.opts.token) headers['authorization'] = `Bearer ${this.opts.token}`;
    const res = await this.fetchFn(url, { headers, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      // not JSON: handled by the status and schema checks
    }
    if (res.status === 403 || res.status === 429) {
      const remaining = res.headers.get('x-ratelimit-remaining');
      const reset = Number(res.headers.get('x-ratelimit-reset'));
      const retryAfter = res.headers.get('retry-after');
      if (remaining === '0') {
        const when =
          Number.isFinite(reset) && reset > 0
            ? `, resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC`
            : '';
        throw new GitHubRefused(`rate limit reached (HTTP ${res.status}, x-ratelimit-remaining 0${when})`);
      }
      if (retryAfter || res.status === 429)
        throw new GitHubRefused(
          `secondary rate limit (HTTP ${res.status}${retryAfter ? `, retry after ${retryAfter} s` : ''})`,
        );
    }
    if (res.status === 401) throw new GitHubRefused('the token was refused (HTTP 401): check GITHUB_TOKEN');
    if (!res.ok) {
      const msg = ErrorBody.safeParse(json);
      throw new GitHubRefused(
        `HTTP ${res.status}: ${(msg.success ? msg.data.message : undefined) ?? text.slice(0, 120)}`,
      );
    }
    const link = res.headers.get('link') ?? '';
    const next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null;
    return { json, next };
  }

  /** Items of a list, newest first, until `stop` says an item is older than wanted or pages run out. */
  private async list<T extends z.ZodType>(
    schema: T,
    path: string,
    params: Record<string, string>,
    stop: (item: z.infer<T>) => boolean,
  ): Promise<Array<z.infer<T>>> {
    const out: Array<z.infer<T>> = [];
    let page = await this.get(path, { ...params, per_page: '100' });
    for (let n = 1; ; n++) {
      const items = z.array(schema).safeParse(page.json);
      if (!items.success) throw new GitHubRefused(`unexpected response from ${path}`);
      for (const item of items.data) {
        if (stop(item)) return out;
        out.push(item);
      }
      if (!page.next || n >= (this.opts.maxPages ?? 5)) return out;
      page = await this.getUrl(page.next);
    }
  }

  private async repoChanges(service: string, repo: string, q: TimeQuery): Promise<Change[]> {
    const out: Change[] = [];
    // Read a little before the window too: the previous deployment to the same environment is the base of each one's diff.
    const listed = await this.list(
      DeploymentItem,
      `/repos/${repo}/deployments`,
      {},
      (d) => Date.parse(d.created_at) < q.from - BASE_LOOKBACK_MS,
    );
    for (const d of listed) {
      const time = Date.parse(d.created_at);
      if (time > q.to || time < q.from) continue;
      const prev = listed.find((o) => o.environment === d.environment && Date.parse(o.created_at) < time);
      const size = prev ? await this.compare(repo, prev.sha, d.sha) : null;
      out.push({
        id: `gh:${repo}/deployment/${d.id}`,
        time,
        service,
        kind: 'deploy',
        summary: `${repo} deployed ${d.ref ?? d.sha.slice(0, 7)} (${d.sha.slice(0, 7)}) to ${d.environment ?? 'an environment'}${d.description ? `: ${d.description}` : ''}${size ? `, ${sizeText(size.size)}` : ''}`,
        ...(d.creator?.login ? { author: d.creator.login } : {}),
        version: d.sha.slice(0, 7),
        url: size?.url ?? `${this.htmlBase}/${repo}/commit/${d.sha}`,
        ...(size ? { diff: size.size } : {}),
      });
    }
    const pulls = await this.list(
      PullItem,
      `/repos/${repo}/pulls`,
      { state: 'closed', sort: 'updated', direction: 'desc' },
      (p) => Date.parse(p.updated_at) < q.from,
    );
    for (const p of pulls) {
      const merged = p.merged_at ? Date.parse(p.merged_at) : NaN;
      if (!(merged >= q.from && merged <= q.to)) continue;
      const detail = PullDetail.safeParse((await this.get(`/repos/${repo}/pulls/${p.number}`)).json);
      const size = detail.success
        ? { additions: detail.data.additions, deletions: detail.data.deletions, files: detail.data.changed_files }
        : null;
      out.push({
        id: `gh:${repo}#${p.number}`,
        time: merged,
        service,
        kind: 'code',
        summary: `${repo}#${p.number} merged into ${p.base?.ref ?? 'the default branch'}: ${p.title}${size ? ` (${sizeText(size)})` : ''}`,
        ...(p.user?.login ? { author: p.user.login } : {}),
        ...(p.merge_commit_sha ? { version: p.merge_commit_sha.slice(0, 7) } : {}),
        url: p.html_url,
        ...(size ? { diff: size } : {}),
      });
    }
    return out;
  }

  private async compare(repo: string, base: string, head: string): Promise<{ size: DiffSize; url?: string } | null> {
    if (base === head) return null;
    const c = Compare.safeParse((await this.get(`/repos/${repo}/compare/${base}...${head}`)).json);
    if (!c.success || !c.data.files) return null;
    const files = c.data.files;
    const size = {
      additions: files.reduce((s, f) => s + f.additions, 0),
      deletions: files.reduce((s, f) => s + f.deletions, 0),
      files: files.length,
    };
    return c.data.html_url ? { size, url: c.data.html_url } : { size };
  }

  async capabilities(): Promise<SourceCapabilities> {
    return { signals: ['changes'], services: Object.keys(this.opts.repos).sort(), labels: [] };
  }

  async clock(): Promise<number | null> {
    return null;
  }

  async incident(): Promise<IncidentMeta | null> {
    return null;
  }

  async *logs(_q: TimeQuery): AsyncGenerator<LogEvent> {
    // GitHub holds no logs.
  }

  async metrics(_q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]> {
    return [];
  }

  async changes(q: TimeQuery): Promise<Change[]> {
    const wanted = q.services ? new Set(q.services) : null;
    const repos = Object.entries(this.opts.repos).filter(([service]) => !wanted || wanted.has(service));
    const all = await Promise.all(
      repos.map(async ([service, repo]) => {
        try {
          return await this.repoChanges(service, repo, q);
        } catch (err) {
          if (!(err instanceof GitHubRefused)) {
            this.problemLog.set(`github ${repo}`, `unreachable: ${(err as Error).message}`, 1);
            return [];
          }
          this.problemLog.set(`github ${repo}`, err.problem, 1);
          return [];
        }
      }),
    );
    return all.flat().sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
  }

  async topology(): Promise<Topology | null> {
    return null;
  }

  problems(): ParseProblem[] {
    return this.problemLog.list();
  }
}

function sizeText(s: DiffSize): string {
  return `+${s.additions}/-${s.deletions} in ${s.files} file${s.files === 1 ? '' : 's'}`;
}

/** GitHub (`github.repos` in incident-scout.yaml): deployments and merged pull requests as changes. */
export const githubDefinition: SourceDefinition = {
  kind: 'github',
  title: 'GitHub',
  signals: ['changes'],
  settings: ['github.repos', 'GITHUB_TOKEN', 'GITHUB_API_URL'],
  configure({ github, evidence }, { fetch }) {
    if (!github || Object.keys(github.repos).length === 0) return null;
    return {
      description: `GitHub (${Object.values(github.repos).join(', ')})`,
      open: () => new GitHubSource({ ...github, repos: { ...github.repos }, fetch, timeoutMs: evidence.timeoutMs }),
    };
  },
};
