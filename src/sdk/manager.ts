// The Manager owns what controllers share — one client, one informer cache per kind, metrics, event recorders,
// health endpoints and leader election — and runs controllers (and any other Runnable) for as long as it lives.
// Caches start at once on every replica (a standby is warm); leader-only runnables start when this replica leads
// and stop when it stops leading.
import type { Server } from 'node:http';
import { KubeClient } from '../client/client.js';
import { EventRecorder } from '../client/events.js';
import { SharedInformerFactory } from '../client/informer.js';
import type { ControllerHost, Runnable } from './controller.js';
import { LeaderCallbacks, LeaderElectionOptions, LeaderElector } from './leader-election.js';
import { closeServer, Endpoint, ManagerMetrics, serveEndpoints } from './metrics.js';
import { hostname } from 'node:os';

export interface ManagerLogger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}

export interface ManagerOptions {
  /** A ready client; otherwise one is made from `kubeconfig` (path) or $KUBECONFIG / ~/.kube/config. */
  client?: KubeClient;
  kubeconfig?: string;
  /** kubeconfig context to use instead of current-context. */
  context?: string;
  /** Restrict every cache to one namespace (default: all namespaces). */
  namespace?: string;
  leaderElection?: (LeaderElectionOptions & LeaderCallbacks) | false;
  /** Serve /metrics on this port (0 picks one; see metricsPort). Off by default. */
  metrics?: Endpoint | false;
  /** Serve /healthz and /readyz on this port (may equal the metrics port). Off by default. */
  health?: Endpoint | false;
  /** Replays every cached object to the controllers this often (0: never, the default). */
  resyncPeriodMs?: number;
  userAgent?: string;
  logger?: ManagerLogger;
}

const consoleLogger: ManagerLogger = {
  info: (m) => console.log(m),
  error: (m, e) => console.warn(e === undefined ? m : `${m}: ${e instanceof Error ? e.message : String(e)}`),
};

/** A leadership term: the runnables started when it began, stopped together when it ends. */
interface Term {
  abort: AbortController;
  done: Promise<void>;
}

export class Manager implements ControllerHost {
  readonly client: KubeClient;
  readonly informers: SharedInformerFactory;
  readonly metrics = new ManagerMetrics();
  /** Bound ports once started (undefined when that endpoint is off). */
  metricsPort?: number;
  healthPort?: number;
  private readonly ownsClient: boolean;
  private readonly runnables: Runnable[] = [];
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly elector?: LeaderElector;
  private readonly logger: ManagerLogger;
  private readonly servers: Server[] = [];
  private started = false;
  private stopped = false;
  private always?: Term;
  private term?: Term;
  /** Serialises leadership terms: a new term starts only after the previous one has wound down. */
  private termChain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ManagerOptions = {}) {
    this.logger = opts.logger ?? consoleLogger;
    this.ownsClient = !opts.client;
    this.client = opts.client ?? KubeClient.fromKubeconfig({ path: opts.kubeconfig, context: opts.context }, { userAgent: opts.userAgent ?? 'berth-sdk-manager' });
    this.informers = new SharedInformerFactory(this.client, {
      namespace: opts.namespace,
      resyncPeriodMs: opts.resyncPeriodMs,
      onWatchRestart: (resource, cause) => this.metrics.watchRestarts.inc({ resource, cause }),
      onError: (err, during) => this.logError(`informer ${during} failed`, err),
    });
    if (opts.leaderElection) {
      const le = opts.leaderElection;
      this.elector = new LeaderElector(this.client, le, {
        onStartedLeading: () => {
          this.metrics.leaderStatus.set({ name: le.name }, 1);
          this.logger.info(`leader election: ${this.elector!.identity} acquired lease ${le.namespace}/${le.name}`);
          this.beginTerm();
          le.onStartedLeading?.();
        },
        onStoppedLeading: () => {
          this.metrics.leaderStatus.set({ name: le.name }, 0);
          if (!this.stopped) this.logger.error(`leader election: ${this.elector!.identity} lost lease ${le.namespace}/${le.name}`);
          this.endTerm();
          le.onStoppedLeading?.();
        },
        onNewLeader: (id) => le.onNewLeader?.(id),
      });
      this.metrics.leaderStatus.set({ name: le.name }, 0);
    }
  }

  /** This replica's leader-election identity (undefined without leader election). */
  get identity(): string | undefined {
    return this.elector?.identity;
  }

  /** Registers a controller or other runnable; runnables added after start begin at once (when eligible). */
  add(r: Runnable): this {
    if (this.runnables.includes(r)) return this;
    this.runnables.push(r);
    if (!this.started || this.stopped) return this;
    const leaderOnly = r.needLeaderElection !== false;
    const t = leaderOnly ? this.term : this.always;
    if (t) t.done = Promise.all([t.done, this.runOne(r, t.abort.signal)]).then(() => undefined);
    return this;
  }

  /** Without leader election always true once started; with it, whether this replica leads right now. */
  isLeader(): boolean {
    if (!this.started || this.stopped) return false;
    return this.elector ? this.elector.isLeader() : true;
  }

  /** Ready: caches synced, and either leading or a standby that can reach the Lease. */
  isReady(): boolean {
    if (!this.started || this.stopped || !this.informers.hasSynced()) return false;
    return this.elector ? this.elector.isLeader() || this.elector.ready : true;
  }

  recorderFor(component: string): EventRecorder {
    let r = this.recorders.get(component);
    if (!r) {
      r = new EventRecorder(this.client, { component, host: hostname(), onError: (e) => this.logError(`event recorder ${component}`, e) });
      this.recorders.set(component, r);
    }
    return r;
  }

  logError(message: string, err?: unknown): void {
    this.logger.error(message, err);
  }

  /**
   * Starts caches, endpoints and runnables, resolving once the caches have synced. With leader election the
   * controllers begin when this replica acquires the Lease (which may be later, or never for a standby).
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('manager already started');
    this.started = true;
    await this.startEndpoints();
    this.informers.start();
    const abort = new AbortController();
    this.always = { abort, done: Promise.all(this.runnables.filter((r) => r.needLeaderElection === false).map((r) => this.runOne(r, abort.signal))).then(() => undefined) };
    const synced = await this.informers.waitForCacheSync();
    if (!synced || this.stopped) return;
    if (this.elector) this.elector.run();
    else this.beginTerm();
  }

  /** Graceful stop: stop leading work and drain the queues, then release the Lease, then close everything. */
  async stop(): Promise<void> {
    if (this.stopped || !this.started) {
      this.stopped = true;
      return;
    }
    this.stopped = true;
    this.endTerm();
    this.always?.abort.abort();
    await Promise.all([this.termChain, this.always?.done]);
    await this.elector?.stop();
    await this.informers.stop();
    await Promise.all([...this.recorders.values()].map((r) => r.flush()));
    await Promise.all(this.servers.splice(0).map(closeServer));
    if (this.ownsClient) await this.client.close();
  }

  /** Stops gracefully on SIGINT/SIGTERM, then exits the process. */
  handleSignals(): this {
    const onSignal = (sig: string) => {
      this.logger.info(`${sig}: shutting down`);
      this.stop().then(() => process.exit(0), (e) => {
        this.logError('shutdown failed', e);
        process.exit(1);
      });
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    return this;
  }

  private beginTerm(): void {
    if (this.stopped) return;
    const abort = new AbortController();
    const term: Term = { abort, done: Promise.resolve() };
    this.term = term;
    this.termChain = this.termChain.then(() => {
      if (abort.signal.aborted) return;
      term.done = Promise.all(this.runnables.filter((r) => r.needLeaderElection !== false).map((r) => this.runOne(r, abort.signal))).then(() => undefined);
      return term.done;
    }).then(() => term.done);
  }

  private endTerm(): void {
    this.term?.abort.abort();
    this.term = undefined;
  }

  private async runOne(r: Runnable, signal: AbortSignal): Promise<void> {
    try {
      await r.start(signal);
    } catch (e) {
      this.logError(`runnable ${r.name ?? '(unnamed)'} failed`, e);
    }
  }

  private async startEndpoints(): Promise<void> {
    const { metrics, health } = this.opts;
    const readyz = () => this.isReady();
    const healthz = () => !this.stopped;
    if (metrics && health && metrics.port === health.port && metrics.port !== 0) {
      const s = await serveEndpoints(metrics, { metrics: this.metrics.registry, healthz, readyz });
      this.servers.push(s.server);
      this.metricsPort = this.healthPort = s.port;
      return;
    }
    if (metrics) {
      const s = await serveEndpoints(metrics, { metrics: this.metrics.registry });
      this.servers.push(s.server);
      this.metricsPort = s.port;
    }
    if (health) {
      const s = await serveEndpoints(health, { healthz, readyz });
      this.servers.push(s.server);
      this.healthPort = s.port;
    }
  }
}
