// The controller builder, controller-runtime style: one primary kind (`for`), kinds it owns (mapped back through
// the controller ownerReference), other kinds mapped by a function (`watches`), predicates to filter events,
// and a reconcile function run by N workers over a rate-limited work queue (never two at once for one key).
import type { KubeObject } from '../apimachinery/types.js';
import type { KubeClient } from '../client/client.js';
import { controllerRef, enqueueOwner, ReconcileResult, runWorkers } from '../client/controller.js';
import type { EventRecorder } from '../client/events.js';
import type { EventHandlers, HandlerRegistration, SharedInformer, SharedInformerFactory } from '../client/informer.js';
import type { ResourceDescriptor } from '../client/resources.js';
import { resourceLabel } from '../client/resources.js';
import { objectKey, splitObjectKey } from '../client/store.js';
import { defaultControllerRateLimiter, RateLimiter, WorkQueue } from '../client/workqueue.js';
import type { ManagerMetrics, ReconcileOutcome } from './metrics.js';
import { passes, Predicate } from './predicates.js';

/** What to reconcile: the primary object's namespace ('' for cluster-scoped kinds) and name. */
export interface Request {
  namespace: string;
  name: string;
}

export type { ReconcileResult };

export interface ReconcileContext<T extends KubeObject = KubeObject> {
  controller: string;
  client: KubeClient;
  /** Events recorded as this controller. */
  recorder: EventRecorder;
  /** Aborted when the controller stops or its manager stops leading. */
  signal: AbortSignal;
  /** The primary object as the shared cache holds it now (read-only; copy before changing), if it exists. */
  cached(): T | undefined;
  /** The shared cache of any kind this controller watches (read-only objects). */
  cache<U extends KubeObject = KubeObject>(resource: ResourceDescriptor): SharedInformer<U>;
  /** How many times this request has failed in a row. */
  retries: number;
}

export type Reconciler<T extends KubeObject = KubeObject> = (req: Request, ctx: ReconcileContext<T>) => Promise<ReconcileResult>;

/** Something a Manager runs: started when the manager (or its leadership) starts, until `signal` aborts. */
export interface Runnable {
  readonly name?: string;
  /** Run only while leading (default true for controllers). */
  readonly needLeaderElection?: boolean;
  start(signal: AbortSignal): Promise<void>;
}

/** What a controller needs from its manager; Manager implements it. */
export interface ControllerHost {
  readonly client: KubeClient;
  readonly informers: SharedInformerFactory;
  readonly metrics: ManagerMetrics;
  recorderFor(component: string): EventRecorder;
  /** False while leader election is on and we do not lead. */
  isLeader(): boolean;
  add(r: Runnable): unknown;
  logError(message: string, err?: unknown): void;
}

export interface ForOptions<T extends KubeObject = KubeObject> {
  predicates?: Predicate<T>[];
  namespace?: string;
  labelSelector?: string;
}
export type OwnsOptions<T extends KubeObject = KubeObject> = ForOptions<T>;
export type WatchesOptions<T extends KubeObject = KubeObject> = ForOptions<T>;

/** Maps a watched object to the primary objects to reconcile. */
export type MapFunc<T extends KubeObject = KubeObject> = (obj: T) => Request[] | Request | undefined | null;

interface Source {
  resource: ResourceDescriptor;
  informer: SharedInformer<KubeObject>;
  handlers(queue: WorkQueue<string>): EventHandlers<KubeObject>;
}

export function requestKey(req: Request): string {
  return req.namespace ? `${req.namespace}/${req.name}` : req.name;
}

export function requestFor(obj: KubeObject): Request {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}

/** Handlers applying predicates before `enqueue` is called with the event's object(s). */
function filtered<T extends KubeObject>(predicates: Predicate<T>[] | undefined, inner: EventHandlers<T>): EventHandlers<T> {
  return {
    onAdd: (obj, initial) => { if (passes(predicates, 'create', obj)) inner.onAdd?.(obj, initial); },
    onUpdate: (o, n) => { if (passes(predicates, 'update', n, o)) inner.onUpdate?.(o, n); },
    onDelete: (obj) => { if (passes(predicates, 'delete', obj)) inner.onDelete?.(obj); },
  };
}

export class ControllerBuilder<T extends KubeObject = KubeObject> {
  private primary?: { resource: ResourceDescriptor; opts: ForOptions<T> };
  private readonly owned: { resource: ResourceDescriptor; opts: OwnsOptions }[] = [];
  private readonly mapped: { resource: ResourceDescriptor; map: MapFunc<KubeObject>; opts: WatchesOptions }[] = [];
  private concurrency = 1;
  private reconciler?: Reconciler<T>;
  private rateLimiter?: () => RateLimiter<string>;
  private leaderOnly = true;

  constructor(private readonly name: string, private readonly host: ControllerHost) {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) throw new Error(`controller name "${name}" must be a lower-case DNS-1123 subdomain`);
  }

  /** The primary kind: its own changes queue its key. */
  for<U extends KubeObject = T>(resource: ResourceDescriptor, opts: ForOptions<U> = {}): ControllerBuilder<U> {
    if (this.primary) throw new Error(`controller ${this.name}: for() may be called only once`);
    const self = this as unknown as ControllerBuilder<U>;
    self.primary = { resource, opts };
    return self;
  }

  /** A kind whose objects carry a controller ownerReference to the primary kind: their changes queue the owner. */
  owns<U extends KubeObject = KubeObject>(resource: ResourceDescriptor, opts: OwnsOptions<U> = {}): this {
    this.owned.push({ resource, opts: opts as OwnsOptions });
    return this;
  }

  /** Any kind, mapped to primary requests by `map`. */
  watches<U extends KubeObject = KubeObject>(resource: ResourceDescriptor, map: MapFunc<U>, opts: WatchesOptions<U> = {}): this {
    this.mapped.push({ resource, map: map as MapFunc<KubeObject>, opts: opts as WatchesOptions });
    return this;
  }

  /** Workers reconciling different keys in parallel (default 1). */
  withConcurrency(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new Error('concurrency must be a positive integer');
    this.concurrency = n;
    return this;
  }

  withRateLimiter(factory: () => RateLimiter<string>): this {
    this.rateLimiter = factory;
    return this;
  }

  /** Run even when this manager does not lead (default: only while leading). */
  withoutLeaderElection(): this {
    this.leaderOnly = false;
    return this;
  }

  reconcile(fn: Reconciler<T>): this {
    this.reconciler = fn;
    return this;
  }

  /** Creates the controller and adds it to the manager. Its informers start with the manager's caches. */
  build(): Controller<T> {
    if (!this.primary) throw new Error(`controller ${this.name}: for() is required`);
    if (!this.reconciler) throw new Error(`controller ${this.name}: reconcile() is required`);
    const primary = this.primary;
    const forKind = primary.resource.kind;
    if (this.owned.length && !forKind) throw new Error(`controller ${this.name}: owns() needs the for() resource's kind`);
    const informerFor = (res: ResourceDescriptor, o: ForOptions<any>) =>
      this.host.informers.informerFor<KubeObject>(res, { namespace: o.namespace, labelSelector: o.labelSelector });

    const sources: Source[] = [{
      resource: primary.resource,
      informer: informerFor(primary.resource, primary.opts),
      handlers: (queue) => {
        const add = (o: KubeObject) => queue.add(objectKey(o));
        return filtered(primary.opts.predicates as Predicate[] | undefined, { onAdd: add, onUpdate: (_o, n) => add(n), onDelete: add });
      },
    }];
    for (const { resource, opts } of this.owned) {
      sources.push({
        resource,
        informer: informerFor(resource, opts),
        handlers: (queue) => filtered(opts.predicates, enqueueOwner(queue, forKind!, primary.resource.group)),
      });
    }
    for (const { resource, map, opts } of this.mapped) {
      sources.push({
        resource,
        informer: informerFor(resource, opts),
        handlers: (queue) => {
          const add = (o: KubeObject) => {
            const out = map(o);
            for (const r of out ? (Array.isArray(out) ? out : [out]) : []) queue.add(requestKey(r));
          };
          return filtered(opts.predicates, { onAdd: add, onUpdate: (o, n) => { add(n); if (controllerRef(o)?.uid !== controllerRef(n)?.uid) add(o); }, onDelete: add });
        },
      });
    }
    const c = new Controller<T>({
      name: this.name, host: this.host, sources, concurrency: this.concurrency, reconciler: this.reconciler,
      rateLimiter: this.rateLimiter ?? defaultControllerRateLimiter, primary: sources[0].informer as unknown as SharedInformer<T>,
      needLeaderElection: this.leaderOnly,
    });
    this.host.add(c);
    return c;
  }
}

interface ControllerParts<T extends KubeObject> {
  name: string;
  host: ControllerHost;
  sources: Source[];
  concurrency: number;
  reconciler: Reconciler<T>;
  rateLimiter: () => RateLimiter<string>;
  primary: SharedInformer<T>;
  needLeaderElection: boolean;
}

export class Controller<T extends KubeObject = KubeObject> implements Runnable {
  readonly name: string;
  readonly needLeaderElection: boolean;
  private queue?: WorkQueue<string>;

  constructor(private readonly parts: ControllerParts<T>) {
    this.name = parts.name;
    this.needLeaderElection = parts.needLeaderElection;
    parts.host.metrics.initController(parts.name, parts.concurrency);
  }

  /** Queues a reconcile by hand (e.g. from a timer or an external trigger). */
  enqueue(req: Request): void {
    this.queue?.add(requestKey(req));
  }

  /** Runs until `signal` aborts, then stops taking events and lets in-flight and queued work finish. */
  async start(signal: AbortSignal): Promise<void> {
    const { host, name, sources, concurrency } = this.parts;
    const queue = new WorkQueue<string>({ name, rateLimiter: this.parts.rateLimiter(), metrics: host.metrics.queueHooks(name) });
    this.queue = queue;
    const recorder = host.recorderFor(name);
    // Sources attach now: a late handler receives every cached object as an add, so nothing is missed.
    const registrations: HandlerRegistration[] = [];
    for (const s of sources) registrations.push(s.informer.addEventHandler(s.handlers(queue)));
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const synced = await Promise.all(sources.map((s) => s.informer.waitForSync(signal)));
    let workers: Promise<void> = Promise.resolve();
    if (synced.every(Boolean) && !signal.aborted) {
      workers = runWorkers(queue, concurrency, (key) => this.reconcileKey(key, signal, recorder, queue), {
        onError: (key, err) => host.logError(`controller ${name}: reconcile ${key} failed`, err),
      });
    }
    await stopped;
    for (const r of registrations) r.remove();
    await queue.shutDownWithDrain();
    await workers;
  }

  private async reconcileKey(key: string, signal: AbortSignal, recorder: EventRecorder, queue: WorkQueue<string>): Promise<ReconcileResult> {
    const { host, name, primary, reconciler } = this.parts;
    // Lost leadership (or never had it): drop the work; the new leader's full resync covers it.
    if (this.needLeaderElection && !host.isLeader()) return undefined;
    const { namespace = '', name: objName } = splitObjectKey(key);
    const m = host.metrics;
    const end = m.reconcileTime.startTimer({ controller: name });
    m.activeWorkers.inc({ controller: name });
    let outcome: ReconcileOutcome = 'error';
    try {
      const result = await reconciler({ namespace, name: objName }, {
        controller: name, client: host.client, recorder, signal,
        cached: () => primary.store.get(key),
        cache: <U extends KubeObject>(res: ResourceDescriptor) => {
          const s = this.parts.sources.find((x) => x.resource === res || resourceLabel(x.resource) === resourceLabel(res));
          if (!s) throw new Error(`controller ${name} does not watch ${resourceLabel(res)}`);
          return s.informer as unknown as SharedInformer<U>;
        },
        retries: queue.numRequeues(key),
      });
      outcome = result && result.requeueAfter !== undefined && result.requeueAfter > 0 ? 'requeue_after'
        : result && (result.requeue || result.requeueAfter === 0) ? 'requeue' : 'success';
      return result;
    } catch (e) {
      m.reconcileErrors.inc({ controller: name });
      throw e;
    } finally {
      m.reconcileTotal.inc({ controller: name, result: outcome });
      m.activeWorkers.dec({ controller: name });
      end();
    }
  }
}
