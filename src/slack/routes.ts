// Operational HTTP routes served next to /slack/events: health (with store reachability) and metrics.
import type { CustomRoute } from '@slack/bolt';
import type { ServerResponse } from 'node:http';
import { scrubSecrets, type Logger } from '../logging';
import type { Store } from '../store/port';
import type { AppMetrics } from '../metrics';

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** GET /healthz (200/503 JSON) and GET /metrics (Prometheus text) for this app instance. */
export function operationalRoutes(deps: {
  store: Store;
  metrics: AppMetrics;
  logger: Logger;
  startedAt: number;
}): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        void (async () => {
          let store: { kind: string; ok: boolean; error?: string };
          try {
            await deps.store.ping();
            store = { kind: deps.store.kind, ok: true };
          } catch (err) {
            store = {
              kind: deps.store.kind,
              ok: false,
              error: scrubSecrets(err instanceof Error ? err.message : String(err)),
            };
            deps.logger.warn({ store: store.kind, error: store.error }, 'health check: store unreachable');
          }
          const body = { ok: store.ok, store, uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) };
          send(res, store.ok ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify(body));
        })();
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        deps.metrics.render().then(
          ({ contentType, body }) => send(res, 200, contentType, body),
          (err: unknown) => {
            deps.logger.error({ err }, 'metrics rendering failed');
            send(res, 500, 'text/plain; charset=utf-8', 'metrics unavailable\n');
          },
        );
      },
    },
  ];
}
