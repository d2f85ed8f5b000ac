// A bounded closed-loop load generator: `total` requests, at most `concurrency` in flight.
import * as http from 'node:http';

export interface LoadRequest {
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  latenciesMs: number[];
  statuses: Record<string, number>;
  wallMs: number;
}

/** Sends `total` POSTs to `url`, `concurrency` at a time over keep-alive sockets; returns each latency. */
export async function runLoad(opts: { url: string; total: number; concurrency: number; make: (i: number) => LoadRequest }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const target = new URL(opts.url);
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < opts.total) {
      const i = next++;
      const req = opts.make(i);
      const t0 = performance.now();
      const status = await post(agent, target, req);
      latenciesMs.push(performance.now() - t0);
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  agent.destroy();
  return { latenciesMs, statuses, wallMs: performance.now() - started };
}

function post(agent: http.Agent, url: URL, req: LoadRequest): Promise<number> {
  return new Promise((resolve) => {
    const r = http.request(
      { agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { ...req.headers, 'Content-Length': Buffer.byteLength(req.body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    r.on('error', () => resolve(0));
    r.end(req.body);
  });
}

/** The q-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
