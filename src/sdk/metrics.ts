// Prometheus metrics with controller-runtime's and client-go's names, on a registry per manager (so two managers
// in one process — as in tests — do not collide), plus the small HTTP server for /metrics, /healthz and /readyz.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueMetrics } from '../client/workqueue.js';

export type ReconcileOutcome = 'success' | 'error' | 'requeue' | 'requeue_after';

const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60];
// client-go's workqueue buckets: 10^-8 … 10^1 seconds.
const QUEUE_BUCKETS = Array.from({ length: 10 }, (_, i) => 10 ** (i - 8));

export class ManagerMetrics {
  readonly registry = new Registry();
  readonly reconcileTotal = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', labelNames: ['controller', 'result'], registers: [this.registry] });
  readonly reconcileErrors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', labelNames: ['controller'], registers: [this.registry] });
  readonly reconcileTime = new Histogram({ name: 'controller_runtime_reconcile_time_seconds', help: 'Length of time per reconciliation per controller', labelNames: ['controller'], buckets: RECONCILE_BUCKETS, registers: [this.registry] });
  readonly activeWorkers = new Gauge({ name: 'controller_runtime_active_workers', help: 'Number of currently used workers per controller', labelNames: ['controller'], registers: [this.registry] });
  readonly maxConcurrent = new Gauge({ name: 'controller_runtime_max_concurrent_reconciles', help: 'Maximum number of concurrent reconciles per controller', labelNames: ['controller'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly queueLatency = new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in workqueue before being requested', labelNames: ['name'], buckets: QUEUE_BUCKETS, registers: [this.registry] });
  readonly workDuration = new Histogram({ name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from workqueue takes', labelNames: ['name'], buckets: QUEUE_BUCKETS, registers: [this.registry] });
  readonly queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly watchRestarts = new Counter({ name: 'informer_watch_restarts_total', help: 'Watches an informer re-opened after the previous one ended', labelNames: ['resource', 'cause'], registers: [this.registry] });
  readonly leaderStatus = new Gauge({ name: 'leader_election_master_status', help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master', labelNames: ['name'], registers: [this.registry] });

  /** Work-queue hooks that feed the workqueue_* series for one queue. */
  queueHooks<K>(name: string): QueueMetrics<K> {
    // Counters start at zero so a scrape shows the series before the first event.
    this.queueAdds.inc({ name }, 0);
    this.queueRetries.inc({ name }, 0);
    this.queueDepth.set({ name }, 0);
    return {
      depth: (n) => this.queueDepth.set({ name }, n),
      added: () => this.queueAdds.inc({ name }),
      queued: (_item, ms) => this.queueLatency.observe({ name }, ms / 1000),
      worked: (_item, ms) => this.workDuration.observe({ name }, ms / 1000),
      retried: () => this.queueRetries.inc({ name }),
    };
  }

  /** Zeroed series for a controller, as controller-runtime initialises them. */
  initController(controller: string, concurrency: number): void {
    for (const result of ['success', 'error', 'requeue', 'requeue_after'] as const) this.reconcileTotal.inc({ controller, result }, 0);
    this.reconcileErrors.inc({ controller }, 0);
    this.activeWorkers.set({ controller }, 0);
    this.maxConcurrent.set({ controller }, concurrency);
  }
}

export interface Endpoint {
  port: number;
  host?: string;
}

export type Probe = () => boolean | Promise<boolean>;

/** One listener serving any of /metrics, /healthz, /readyz. Resolves with the bound port. */
export async function serveEndpoints(at: Endpoint, routes: { metrics?: Registry; healthz?: Probe; readyz?: Probe }): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handle(req, res, routes).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host ?? '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function handle(req: IncomingMessage, res: ServerResponse, routes: { metrics?: Registry; healthz?: Probe; readyz?: Probe }): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/metrics' && routes.metrics) {
    res.setHeader('content-type', routes.metrics.contentType);
    res.end(await routes.metrics.metrics());
    return;
  }
  const probe = path === '/healthz' || path === '/livez' ? routes.healthz : path === '/readyz' ? routes.readyz : undefined;
  if (probe) {
    const ok = await probe();
    res.statusCode = ok ? 200 : 500;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(ok ? 'ok' : `${path.slice(1)} check failed`);
    return;
  }
  res.statusCode = 404;
  res.end('404 page not found\n');
}

export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
