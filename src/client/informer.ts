// Reflector + shared informer, client-go style: list (in pages), then watch from the list's resourceVersion,
// keeping a local cache and telling handlers about every change exactly once.
//  - Any disconnect resumes the watch from the last resourceVersion seen (events and BOOKMARKs), after a
//    jittered backoff, so a server restart costs neither a relist nor duplicate events.
//  - 410 Expired/Gone means that resourceVersion left the server's history: relist and *replace* the cache,
//    emitting only real differences.
//  - Nothing escapes: list/watch/handler failures are reported to `onError` and retried.
//  - Cached objects are deeply frozen, whatever the transport: every handler and lister of a shared informer sees
//    the same object, so a change made by one would silently reach the others (client-go only asks callers not
//    to); here it throws a TypeError at the line that tried. Copy (structuredClone) before changing.
import { ApiError } from '../apimachinery/errors.js';
import { deepFreeze } from '../apimachinery/json.js';
import { apiVersionOf, KubeList, KubeObject } from '../apimachinery/types.js';
import type { KubeClient } from './client.js';
import { onAbort } from './abort.js';
import { backoffDelay, sleep } from './http.js';
import { IndexFunc, ObjectCache, objectKey, ReplaceDiff } from './store.js';
import { ResourceDescriptor, resourceLabel } from './resources.js';
import type { WatchEvent, WatchOptions } from './watch.js';

export interface EventHandlers<T extends KubeObject> {
  /** `initialList` is true for objects delivered from the first list (or replayed to a late handler). */
  onAdd?(obj: T, initialList: boolean): void;
  /** Also called with old === new on periodic resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** The final state from the DELETED event, or the last cached state when a relist found the object gone. */
  onDelete?(obj: T): void;
}

export interface HandlerRegistration {
  remove(): void;
}

/** The two calls a reflector needs; KubeClient provides them, tests may fake them. */
export interface ListerWatcher<T extends KubeObject> {
  list(opts: { limit?: number; continue?: string; resourceVersion?: string }): Promise<KubeList<T>>;
  watch(opts: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

export interface InformerOptions<T extends KubeObject = KubeObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** List page size; 0 lists in one request. Default 500. */
  pageSize?: number;
  /** Replays every cached object to onUpdate(obj, obj) this often; 0 (default) never. */
  resyncPeriodMs?: number;
  /** Server-side watch timeout; default random in [5, 10) minutes as client-go, so watches do not expire together. */
  watchTimeoutSeconds?: number;
  /** No bytes for this long aborts the watch; default watch timeout + 30 s. */
  inactivityTimeoutMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  indexers?: Record<string, IndexFunc<T>>;
  /** Where failures go; default console.warn. Called with 'list' | 'watch' | 'handler'. */
  onError?: (err: unknown, during: 'list' | 'watch' | 'handler') => void;
  /** A label for messages; defaults to the resource. */
  name?: string;
  /** Called each time a watch ends and the informer opens another (metrics: informer_watch_restarts_total). */
  onWatchRestart?: (informer: string, cause: 'closed' | 'error' | 'expired') => void;
}

/** 410: the requested resourceVersion is older than the server's retained history. */
export function isExpired(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
}

export function clientListerWatcher<T extends KubeObject>(client: KubeClient, res: ResourceDescriptor, opts: InformerOptions<T>): ListerWatcher<T> {
  const scope = { namespace: opts.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
  return {
    // List items come without kind/apiVersion; fill them in so handlers see the same shape as watch events.
    list: async (o) => {
      const list = await client.list<T>(res, { ...scope, ...o });
      for (const item of list.items) {
        item.apiVersion ??= apiVersionOf(res.group, res.version);
        if (res.kind) item.kind ??= res.kind;
      }
      return list;
    },
    watch: (o) => client.watch<T>(res, { ...scope, ...o }),
  };
}

export class SharedInformer<T extends KubeObject = KubeObject> {
  readonly store: ObjectCache<T>;
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly opts: InformerOptions<T>;
  private readonly name: string;
  private lastResourceVersion = '';
  private synced = false;
  private syncWaiters: ((ok: boolean) => void)[] = [];
  private stopped = false;
  private running?: Promise<void>;
  private abort = new AbortController();
  private resyncTimer?: NodeJS.Timeout;
  /** Events the current watch has delivered. */
  private watchProgress = 0;

  constructor(private readonly lw: ListerWatcher<T>, opts: InformerOptions<T> & { resource?: ResourceDescriptor } = {}) {
    this.opts = opts;
    this.name = opts.name ?? (opts.resource ? resourceLabel(opts.resource) : 'informer');
    this.store = new ObjectCache<T>(opts.indexers);
  }

  static forResource<T extends KubeObject = KubeObject>(client: KubeClient, res: ResourceDescriptor, opts: InformerOptions<T> = {}): SharedInformer<T> {
    return new SharedInformer<T>(clientListerWatcher(client, res, opts), { ...opts, resource: res });
  }

  /** Handlers added after the initial sync get the cached objects as adds first. */
  addEventHandler(h: EventHandlers<T>): HandlerRegistration {
    this.handlers.add(h);
    if (this.synced) for (const obj of this.store.list()) this.call(() => h.onAdd?.(obj, true));
    return { remove: () => this.handlers.delete(h) };
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.store.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once the first list is in the cache, false if the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      // One signal often waits on many informers (a controller's caches, the GC's monitors): onAbort keeps one real
      // listener per signal, where an addEventListener each would pass Node's 10-listener warning.
      const unsubscribe = signal ? onAbort(signal, () => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        resolve(false);
      }) : () => {};
      const done = (ok: boolean) => {
        unsubscribe();
        resolve(ok);
      };
      this.syncWaiters.push(done);
    });
  }

  /** The resourceVersion the next watch would resume from. */
  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  /** Starts the list/watch loop in the background; idempotent. */
  run(): void {
    if (this.running || this.stopped) return;
    this.running = this.loop();
    const period = this.opts.resyncPeriodMs ?? 0;
    if (period > 0) {
      this.resyncTimer = setInterval(() => this.resync(), period);
      this.resyncTimer.unref?.();
    }
  }

  /** Stops the loop and closes the watch connection; resolves once the loop has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.abort.abort();
    for (const w of this.syncWaiters.splice(0)) w(false);
    await this.running;
  }

  private async loop(): Promise<void> {
    const initialMs = this.opts.backoff?.initialMs ?? 800;
    const maxMs = this.opts.backoff?.maxMs ?? 30_000;
    let needList = true;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (needList) {
          this.watchProgress = 0;
          await this.listAndReplace();
          needList = false;
        }
        const started = Date.now();
        const events = await this.watchOnce();
        if (!this.stopped) this.notifyRestart('closed');
        // A clean close (server timeout) re-watches at once, unless the server keeps closing empty watches early.
        failures = events === 0 && Date.now() - started < 1000 ? failures + 1 : 0;
      } catch (e) {
        if (this.stopped) break;
        // A watch that made progress before breaking starts the backoff afresh.
        if (this.watchProgress > 0) failures = 0;
        if (!needList) this.notifyRestart(isExpired(e) ? 'expired' : 'error');
        if (isExpired(e)) {
          needList = true;
        } else {
          this.report(e, needList ? 'list' : 'watch');
        }
        failures++;
      }
      if (failures > 0 && !this.stopped) {
        try {
          // A first 410 relists at once; repeated trouble backs off.
          const delay = failures === 1 && needList && this.synced ? 0 : backoffDelay(failures - 1, initialMs, maxMs);
          await sleep(delay, this.abort.signal);
        } catch {
          break; // stopped
        }
      }
    }
  }

  private async listAndReplace(): Promise<void> {
    const list = await this.listAllPages();
    for (const item of list.items) deepFreeze(item);
    const diff = this.store.replace(list.items);
    this.lastResourceVersion = list.metadata.resourceVersion ?? '';
    const initial = !this.synced;
    this.synced = true;
    this.emitDiff(diff, initial);
    for (const w of this.syncWaiters.splice(0)) w(true);
  }

  private async listAllPages(): Promise<KubeList<T>> {
    const limit = this.opts.pageSize ?? 500;
    if (limit <= 0) return this.lw.list({});
    let first: KubeList<T> | undefined;
    let cont: string | undefined;
    try {
      do {
        const page = await this.lw.list({ limit, continue: cont });
        if (!first) first = page;
        else first.items.push(...page.items);
        cont = page.metadata.continue;
        if (this.stopped) throw new Error('stopped');
      } while (cont);
    } catch (e) {
      // The continue token's snapshot was compacted away mid-pagination: fall back to one full list.
      if (isExpired(e) && cont) return this.lw.list({});
      throw e;
    }
    return first!;
  }

  private emitDiff(diff: ReplaceDiff<T>, initial: boolean): void {
    for (const obj of diff.added) this.each((h) => h.onAdd?.(obj, initial));
    for (const { old, new: obj } of diff.updated) this.each((h) => h.onUpdate?.(old, obj));
    for (const obj of diff.deleted) this.each((h) => h.onDelete?.(obj));
  }

  /** Follows one watch stream until it ends; returns how many events it carried. */
  private async watchOnce(): Promise<number> {
    const timeoutSeconds = this.opts.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
    this.watchProgress = 0;
    for await (const ev of this.lw.watch({
      resourceVersion: this.lastResourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds,
      inactivityTimeoutMs: this.opts.inactivityTimeoutMs,
      signal: this.abort.signal,
    })) {
      if (this.stopped) break;
      this.watchProgress++;
      this.apply(ev);
      const rv = ev.object?.metadata?.resourceVersion;
      if (rv) this.lastResourceVersion = rv;
    }
    return this.watchProgress;
  }

  private apply(ev: WatchEvent<T>): void {
    const obj = deepFreeze(ev.object);
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const old = this.store.get(objectKey(obj));
        // Already seen (e.g. replayed after a reconnect): not a change.
        if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
        this.store.upsert(obj);
        if (old) this.each((h) => h.onUpdate?.(old, obj));
        else this.each((h) => h.onAdd?.(obj, false));
        return;
      }
      case 'DELETED': {
        const old = this.store.remove(objectKey(obj));
        if (old) this.each((h) => h.onDelete?.(obj));
        return;
      }
      default:
        return; // BOOKMARK only moves the resourceVersion
    }
  }

  private resync(): void {
    for (const obj of this.store.list()) this.each((h) => h.onUpdate?.(obj, obj));
  }

  private each(fn: (h: EventHandlers<T>) => unknown): void {
    for (const h of this.handlers) this.call(() => fn(h));
  }

  private call(fn: () => unknown): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((e) => this.report(e, 'handler'));
    } catch (e) {
      this.report(e, 'handler');
    }
  }

  private notifyRestart(cause: 'closed' | 'error' | 'expired'): void {
    try {
      this.opts.onWatchRestart?.(this.name, cause);
    } catch {
      // metrics hooks must not break the loop
    }
  }

  private report(err: unknown, during: 'list' | 'watch' | 'handler'): void {
    try {
      if (this.opts.onError) this.opts.onError(err, during);
      else console.warn(`informer ${this.name}: ${during} failed: ${err instanceof Error ? err.message : String(err)}`);
    } catch {
      // a throwing error hook must not kill the loop
    }
  }
}

/** One informer per (resource, namespace, selectors), shared by every controller that asks for it. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private started = false;

  constructor(private readonly client: KubeClient, private readonly defaults: InformerOptions = {}) {}

  informerFor<T extends KubeObject = KubeObject>(res: ResourceDescriptor, opts: Pick<InformerOptions<T>, 'namespace' | 'labelSelector' | 'fieldSelector'> = {}): SharedInformer<T> {
    const scope = { namespace: opts.namespace ?? this.defaults.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
    const key = [res.group, res.version, res.resource, scope.namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key);
    if (!inf) {
      inf = SharedInformer.forResource(this.client, res, { ...this.defaults, ...scope } as InformerOptions);
      this.informers.set(key, inf);
      if (this.started) inf.run();
    }
    return inf as unknown as SharedInformer<T>;
  }

  /** Runs every informer created so far and any created later. */
  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.run();
  }

  /** Whether every informer created so far has its first list in the cache. */
  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
