// A gateway in front of a real server that requires `Authorization: Bearer <token>` (401 with a
// WWW-Authenticate header otherwise), as the proxies teams put before Prometheus do (Prometheus's own
// web config knows only basic auth). Forwards method, path, query and body; records what it refused.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BearerProxy {
  url: string;
  refused: number;
  close(): Promise<void>;
}

/** Starts the gateway on 127.0.0.1 (random port) before `upstream`. */
export async function startBearerProxy(upstream: string, token: string): Promise<BearerProxy> {
  const target = new URL(upstream);
  const state = { refused: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      state.refused++;
      res.writeHead(401, {
        'content-type': 'text/plain; charset=utf-8',
        'www-authenticate': 'Bearer realm="prometheus"',
      });
      res.end('Unauthorized\n');
      return;
    }
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization;
    const up = request(
      { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Bad Gateway\n');
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
