// The plumbing every kube-controller-manager controller has around its sync function, in one place: a rate-limited
// queue of `namespace/name` keys, workers that start once the informers the sync reads have listed, a key never
// synced by two workers at once, events recorded as the controller, and a stop that lets the syncs in hand finish.
// A controller extends QueueController, registers informer handlers that enqueue keys (OwnerMapping, in owners.ts,
// maps a dependent to its owner), and implements sync(key) and caches(). Every built-in controller and the SDK's
// users build on it. Two helpers for what several upstream controllers have besides their one queue: addQueue() for
// a second queue with its own sync (the PV binder's claims and volumes, the garbage collector's attemptToOrphan),
// and every() for a periodic pass (wait.Until: the PV binder's resync, the node lifecycle's monitorNodeHealth).
// Both start with the workers, once caches() have listed, and stop with them. A loop of another shape uses the
// `stopping` signal.
//
// Stop (drain) semantics, decided here once for every controller: stop() shuts the queue down, so no key is accepted
// any more (a failed sync's re-queue and a requeueAfter are dropped too) and delayed keys are dropped; the workers
// still take the keys already queued, finish them and exit; stop() resolves once the last worker has, then flushes
// the events recorded. That is WorkQueue.shutDownWithDrain's outcome while workers run, without its hang when they
// never started: a controller whose caches never synced has no workers and stops at once, its queued keys dropped.
// Queues added with addQueue() drain the same way, at the same time; a periodic pass is not started again, and the
// one in hand finishes before stop() resolves. Informers belong to the factory's owner and are not stopped here.
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import { runWorkers, waitForCacheSync, type ReconcileResult } from '../../client/controller.js';
import { EventRecorder } from '../../client/events.js';
import type { EventHandlers } from '../../client/informer.js';
import { objectKey } from '../../client/store.js';
import { WorkQueue, type RateLimiter } from '../../client/workqueue.js';
import type { ControllerExpectations } from './expectations.js';
import type { OwnerMapping } from './owners.js';
import { warnSyncError } from './sync-errors.js';

export interface QueueControllerOptions {
  /** Concurrent syncs (kube-controller-manager's --concurrent-*-syncs); default 5. */
  workers?: number;
  /** Failed syncs; default a console.warn in upstream's `error syncing` form. The key is re-queued either way. */
  onError?: (key: string, err: unknown) => void;
  /** The clock (epoch ms) for deadlines, back-off and ages; tests pass a fake one. Default Date.now. */
  now?: () => number;
}

/** Something whose cache can be waited for (a SharedInformer). */
export interface Syncable {
  waitForSync(signal?: AbortSignal): Promise<boolean>;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export abstract class QueueController {
  readonly queue: WorkQueue<string>;
  protected readonly recorder: EventRecorder;
  protected readonly onError: (key: string, err: unknown) => void;
  /** The clock (epoch ms) the controller reads. */
  readonly now: () => number;
  private readonly workers: number;
  private readonly stopSignal = new AbortController();
  private running?: Promise<void>;
  private readonly extraQueues: { queue: WorkQueue<string>; sync: (key: string) => Promise<ReconcileResult>; workers: number; onError: (key: string, err: unknown) => void }[] = [];
  private readonly periodicPasses: { periodMs: number; pass: () => Promise<void> | void; onError: (err: unknown) => void }[] = [];

  /**
   * `name` is the controller's name in logs and, unless `eventSource` says otherwise, its event source (e.g.
   * `job-controller`); `queueName` names its work queue. Events that cannot be written are dropped unless
   * `onEventError` wants them.
   */
  constructor(readonly client: KubeClient, readonly name: string, queueName: string, opts: QueueControllerOptions & { rateLimiter?: RateLimiter<string>; eventSource?: string; onEventError?: (err: unknown) => void } = {}) {
    this.queue = new WorkQueue<string>({ name: queueName, rateLimiter: opts.rateLimiter });
    this.workers = opts.workers ?? 5;
    this.recorder = new EventRecorder(client, { component: opts.eventSource ?? name, onError: opts.onEventError });
    this.onError = opts.onError ?? ((key, err) => warnSyncError(err, `${name}: error syncing ${key}, requeuing: ${errorText(err)}`));
    this.now = opts.now ?? Date.now;
  }

  /** One reconcile of `key`; throwing re-queues it rate limited, `requeueAfter` (ms) looks again later. */
  protected abstract sync(key: string): Promise<ReconcileResult>;

  /** The informers sync reads: workers start once all of them have listed. */
  protected abstract caches(): Syncable[];

  /** Aborted by stop(): for a controller's own extra loops (e.g. a second queue). */
  protected get stopping(): AbortSignal {
    return this.stopSignal.signal;
  }

  /**
   * A second queue with its own sync, for a controller that upstream gives two (call it in the constructor): its
   * `workers` (default 1) run beside the main queue's, and stop() shuts it down and drains it as the main one.
   */
  protected addQueue(queue: WorkQueue<string>, sync: (key: string) => Promise<ReconcileResult>, opts: QueueControllerOptions = {}): void {
    this.extraQueues.push({ queue, sync, workers: opts.workers ?? 1, onError: opts.onError ?? this.onError });
  }

  /**
   * wait.Until(pass, periodMs) once the caches have listed (call it in the constructor): `pass` runs every `periodMs`,
   * the next one `periodMs` after the last returned, until stop(). A failing pass is reported (default a warning
   * `<name>: <error>`) and the next one runs on time.
   */
  protected every(periodMs: number, pass: () => Promise<void> | void, onError?: (err: unknown) => void): void {
    this.periodicPasses.push({ periodMs, pass, onError: onError ?? ((err) => warnSyncError(err, `${this.name}: ${errorText(err)}`)) });
  }

  /** Waits for the caches, then runs the workers (and the periodic passes) until stop(). */
  run(): Promise<void> {
    this.running ??= (async () => {
      if (!(await waitForCacheSync(this.stopSignal.signal, ...this.caches()))) return;
      await Promise.all([
        runWorkers(this.queue, this.workers, (key) => this.sync(key), { onError: this.onError }),
        ...this.extraQueues.map((q) => runWorkers(q.queue, q.workers, q.sync, { onError: q.onError })),
        ...this.periodicPasses.map((p) => until(this.stopSignal.signal, p.periodMs, p.pass, p.onError)),
      ]);
    })();
    return this.running;
  }

  /**
   * The SDK Manager's Runnable (`mgr.add(controller)`): runs until `signal` aborts, then stops as stop() does. The
   * manager starts the informers and runs it only while leading.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(this.stop()), { once: true }));
    await this.run();
    await stopped;
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    this.queue.shutDown();
    for (const q of this.extraQueues) q.queue.shutDown();
    await this.running;
    await this.recorder.flush();
  }

  enqueue(obj: KubeObject): void {
    this.queue.add(objectKey(obj));
  }

  enqueueAfter(obj: KubeObject, ms: number): void {
    this.queue.addAfter(objectKey(obj), ms);
  }

  /**
   * Queues the owners a dependent's add or update concerns (OwnerMapping.added / updated): its former controller,
   * its controller, and every owner that could adopt it.
   */
  protected enqueueOwners(owners: { former?: KubeObject; controller?: KubeObject; adopters: KubeObject[] }): void {
    if (owners.former) this.enqueue(owners.former);
    if (owners.controller) this.enqueue(owners.controller);
    for (const owner of owners.adopters) this.enqueue(owner);
  }

  /**
   * addPod of the controllers that count the pods they create (replica_set.go, daemon_controller.go): a pod seen
   * while already going away (a restart's list) is a deletion, not a creation; otherwise its controller's expected
   * creation is observed and the owners it concerns are queued.
   */
  protected observePodAdded<O extends KubeObject>(pod: KubeObject, owners: OwnerMapping<O>, expectations: ControllerExpectations, deleted: (pod: KubeObject) => void): void {
    if (pod.metadata.deletionTimestamp) return deleted(pod);
    const concerned = owners.added(pod);
    if (concerned.controller) expectations.creationObserved(objectKey(concerned.controller));
    this.enqueueOwners(concerned);
  }

  /**
   * The rest of those controllers' updatePod: queue the owners the change concerns; a pod that just became ready
   * starts its controller's minReadySeconds clock, so that controller looks again when it has run out.
   */
  protected observePodUpdated<O extends KubeObject & { spec?: { minReadySeconds?: number } }>(
    oldPod: KubeObject, curPod: KubeObject, owners: OwnerMapping<O>, ready: (pod: KubeObject) => boolean,
  ): void {
    const concerned = owners.updated(oldPod, curPod);
    this.enqueueOwners(concerned);
    const owner = concerned.controller;
    const minReady = owner?.spec?.minReadySeconds ?? 0;
    if (owner && !ready(oldPod) && ready(curPod) && minReady > 0) this.enqueueAfter(owner, minReady * 1000 + 1000);
  }

  /**
   * Handlers for the controller's own kind when its deletions need work (expectations to drop): added and updated
   * objects are queued; `deleted` runs for a deleted object, and for the old one when an update shows a new object
   * under the old name (another uid).
   */
  protected ownKindHandlers<T extends KubeObject>(deleted: (obj: T) => void): EventHandlers<T> {
    return {
      onAdd: (obj) => this.enqueue(obj),
      onUpdate: (old, cur) => {
        if (old.metadata.uid !== cur.metadata.uid) deleted(old);
        this.enqueue(cur);
      },
      onDelete: deleted,
    };
  }

  /** Informer handlers for a controller keyed by the objects it watches: each added or updated (or deleted) one is queued. */
  protected enqueueHandlers<T extends KubeObject>(opts: { onDelete?: boolean } = {}): EventHandlers<T> {
    const add = (obj: T) => this.enqueue(obj);
    return { onAdd: add, onUpdate: (_old, obj) => add(obj), ...(opts.onDelete ? { onDelete: add } : {}) };
  }
}

/** Runs `pass` every `periodMs` (from the end of the last one) until `signal` aborts; the timer keeps no process alive. */
async function until(signal: AbortSignal, periodMs: number, pass: () => Promise<void> | void, onError: (err: unknown) => void): Promise<void> {
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', done);
        resolve();
      }, periodMs);
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
    });
    if (signal.aborted) return;
    try {
      await pass();
    } catch (e) {
      try {
        onError(e);
      } catch {
        // a failing error hook must not end the loop
      }
    }
  }
}
