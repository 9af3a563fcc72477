// Garbage collection by ownerReferences, after upstream's pkg/controller/garbagecollector, as an API client:
// - a metadata informer ("monitor") per listable, watchable and deletable resource found by discovery (re-read
//   periodically, when a CRD changes and when an owner reference names an unknown kind) feeds the dependency graph;
// - an owner carrying the `orphan` finalizer has its uid stripped from every dependent's ownerReferences, then the
//   finalizer is removed (attemptToOrphan);
// - an owner in foreground deletion (`foregroundDeletion`) has its dependents deleted and keeps the finalizer until
//   no dependent with blockOwnerDeletion remains;
// - a dependent whose owners are all gone (deleted, or a dangling uid) is deleted in the background; one with some
//   live owners just loses the references to the absent ones (attemptToDelete).
// Every write goes through the API with a uid or resourceVersion precondition; both work queues are keyed by uid.
// On QueueController (garbagecollector.go's Run): attemptToDelete is the main queue, attemptToOrphan an addQueue(),
// and the graph builder (discovery, then the monitors' first lists; GraphBuilder.IsSynced) is the cache the workers
// wait for. Discovery is read again every period (GarbageCollector.Sync) until stop().
import { isNotFound, isConflict } from '../../apimachinery/errors.js';
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformer } from '../../client/informer.js';
import { sleep } from '../../client/http.js';
import { WorkQueue } from '../../client/workqueue.js';
import { discoverResources, groupResourceKey, type ApiResource, type DiscoveredResources } from './discovery.js';
import {
  DependencyGraph, FOREGROUND_FINALIZER, GraphNode, isDeletingDependents, isOrphaning, nodeOf, ORPHAN_FINALIZER,
} from './graph.js';
import { MetadataClient } from './metadata-client.js';
import { KUBE_VERSION } from '../../apimachinery/version.js';
import { warnSyncError } from '../common/sync-errors.js';
import { errorText, QueueController, type Syncable } from '../common/queue-controller.js';

export { FOREGROUND_FINALIZER, ORPHAN_FINALIZER };

/** Upstream never collects events: there are many, and nothing owns them. */
const IGNORED_RESOURCES = new Set(['/events', 'events.k8s.io/events']);
const CRD_RESOURCE = 'apiextensions.k8s.io/customresourcedefinitions';

export interface GarbageCollectorOptions {
  userAgent?: string;
  /** Workers per queue (upstream --concurrent-gc-syncs, 20). */
  workers?: number;
  /** How often discovery is read again (upstream 30 s). */
  discoveryPeriodMs?: number;
  /** Where failures go; default console.warn. */
  onError?: (err: unknown, what: string) => void;
}

interface Monitor {
  resource: ApiResource;
  informer: SharedInformer;
}

export class GarbageCollector extends QueueController {
  private readonly graph = new DependencyGraph();
  private readonly monitors = new Map<string, Monitor>();
  private readonly attemptToDelete = this.queue;
  private readonly attemptToOrphan = new WorkQueue<string>({ name: 'garbage_collector_attempt_to_orphan' });
  private readonly absentOwners = new UidCache(10_000);
  private readonly meta: MetadataClient;
  private readonly opts: Required<Omit<GarbageCollectorOptions, 'onError'>> & Pick<GarbageCollectorOptions, 'onError'>;
  private discovered?: DiscoveredResources;
  private discoveryTimer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private resyncInFlight?: Promise<void>;
  private resyncAgain = false;
  private lastResync = 0;

  constructor(client: KubeClient, opts: GarbageCollectorOptions = {}) {
    const o = { userAgent: `kube-controller-manager/${KUBE_VERSION} generic-garbage-collector`, workers: 8, discoveryPeriodMs: 30_000, ...opts };
    const onError = (uid: string, e: unknown) => this.report(e, `object ${uid}`);
    super(client, 'garbage-collector', 'garbage_collector_attempt_to_delete', { workers: o.workers, onError });
    this.opts = o;
    this.meta = new MetadataClient(client, this.opts.userAgent);
    this.addQueue(this.attemptToOrphan, (uid) => this.attemptToOrphanItem(uid), { workers: o.workers, onError });
  }

  /** The graph builder: the workers start once it has synced. */
  protected caches(): Syncable[] {
    return [{ waitForSync: (signal) => this.runGraphBuilder(signal ?? this.stopping) }];
  }

  /** attemptToDeleteWorker's sync. */
  protected sync(uid: string): Promise<ReconcileResult> {
    return this.attemptToDeleteItem(uid);
  }

  override async stop(): Promise<void> {
    clearInterval(this.discoveryTimer);
    clearTimeout(this.resyncTimer);
    await super.stop();
    await Promise.all([...this.monitors.values()].map((m) => m.informer.stop()));
  }

  /** Resolves once discovery ran and every monitor has listed (tests, and callers that want a warm graph). */
  async waitForSync(): Promise<void> {
    while (!this.stopping.aborted && !(this.discovered && this.allSynced())) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * GraphBuilder.Run until IsSynced: discovery (retried until it answers) starts the monitors, which then list;
   * from then on discovery is read again every period. False when stopped first.
   */
  private async runGraphBuilder(signal: AbortSignal): Promise<boolean> {
    for (let attempt = 0; !signal.aborted && !this.discovered; attempt++) {
      await this.resync().catch((e) => this.report(e, 'discovery'));
      if (!this.discovered) await sleep(Math.min(5000, 200 * 2 ** attempt), signal).catch(() => {});
    }
    if (signal.aborted) return false;
    this.discoveryTimer = setInterval(() => this.requestResync(0), this.opts.discoveryPeriodMs);
    this.discoveryTimer.unref();
    await Promise.all([...this.monitors.values()].map((m) => m.informer.waitForSync(signal)));
    return !signal.aborted;
  }

  // ---- discovery and monitors ----------------------------------------------------------------------------

  /** Reads discovery again soon; several requests close together make one pass. */
  private requestResync(delayMs: number): void {
    if (this.stopping.aborted || this.resyncTimer) return;
    // Unknown kinds and CRD churn may ask often; do not read discovery more than once a second for them.
    const wait = Math.max(delayMs, this.lastResync + 1000 - Date.now(), 0);
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      this.resync().catch((e) => this.report(e, 'discovery'));
    }, wait);
    this.resyncTimer.unref();
  }

  private resync(): Promise<void> {
    if (this.resyncInFlight) {
      this.resyncAgain = true;
      return this.resyncInFlight;
    }
    this.resyncInFlight = (async () => {
      try {
        do {
          this.resyncAgain = false;
          this.lastResync = Date.now();
          this.syncMonitors(await discoverResources(this.client));
        } while (this.resyncAgain && !this.stopping.aborted);
      } finally {
        this.resyncInFlight = undefined;
      }
    })();
    return this.resyncInFlight;
  }

  private syncMonitors(found: DiscoveredResources): void {
    if (this.stopping.aborted) return;
    this.discovered = found;
    const wanted = new Map<string, ApiResource>();
    for (const r of found.supporting('list', 'watch', 'delete')) {
      const key = groupResourceKey(r);
      if (!IGNORED_RESOURCES.has(key)) wanted.set(key, r);
    }
    for (const [key, resource] of wanted) {
      if (this.monitors.has(key)) continue;
      const informer = this.meta.informer(resource, { onError: (e, during) => this.report(e, `${during} ${key}`) });
      informer.addEventHandler({
        onAdd: (obj) => this.observe(resource, obj),
        onUpdate: (_old, obj) => this.observe(resource, obj),
        onDelete: (obj) => this.observeDeleted(obj.metadata.uid ?? '', resource),
      });
      this.monitors.set(key, { resource, informer });
      informer.run();
    }
    // A resource no longer served (its CRD is gone) takes its objects with it. A group whose discovery failed
    // this time keeps its monitors, as upstream does.
    const failedGroups = new Set(found.failed.map((gv) => (gv.includes('/') ? gv.slice(0, gv.indexOf('/')) : '')));
    for (const [key, m] of this.monitors) {
      if (wanted.has(key) || failedGroups.has(m.resource.group)) continue;
      this.monitors.delete(key);
      void m.informer.stop();
      for (const n of this.graph.nodesOf((r) => groupResourceKey(r) === key)) this.observeDeleted(n.uid, m.resource);
    }
  }

  private allSynced(): boolean {
    for (const m of this.monitors.values()) if (!m.informer.hasSynced()) return false;
    return true;
  }

  // ---- graph changes (upstream processGraphChanges) ---------------------------------------------------------

  private observe(resource: ApiResource, obj: KubeObject): void {
    const node = nodeOf(resource, obj);
    if (!node.uid || this.stopping.aborted) return;
    const old = this.graph.upsert(node);
    if (groupResourceKey(resource) === CRD_RESOURCE) this.requestResync(200);
    for (const ref of node.owners) {
      if (this.discovered && !this.discovered.forKind(ref.apiVersion, ref.kind)) this.requestResync(0);
      // An owner not observed (yet) is checked once for all its dependents, like upstream's virtual nodes.
      if (!this.graph.get(ref.uid)) this.attemptToDelete.add(ref.uid);
    }
    // A dependent that stopped blocking (or pointing at) an owner in foreground deletion may let it finish.
    for (const ref of old?.owners ?? []) {
      const now = node.owners.find((r) => r.uid === ref.uid);
      if (now && !!now.blockOwnerDeletion === !!ref.blockOwnerDeletion) continue;
      const owner = this.graph.get(ref.uid);
      if (owner && isDeletingDependents(owner)) this.attemptToDelete.add(owner.uid);
    }
    if (isDeletingDependents(node)) {
      if (!old || !isDeletingDependents(old)) for (const dep of this.graph.dependentsOf(node.uid)) this.attemptToDelete.add(dep.uid);
      this.attemptToDelete.add(node.uid);
    }
    if (isOrphaning(node)) this.attemptToOrphan.add(node.uid);
  }

  private observeDeleted(uid: string, resource: ApiResource): void {
    if (!uid || this.stopping.aborted) return;
    const old = this.graph.remove(uid);
    this.absentOwners.add(uid);
    if (groupResourceKey(resource) === CRD_RESOURCE) this.requestResync(200);
    for (const dep of this.graph.dependentsOf(uid)) this.attemptToDelete.add(dep.uid);
    for (const ref of old?.owners ?? []) {
      const owner = this.graph.get(ref.uid);
      if (owner && isDeletingDependents(owner)) this.attemptToDelete.add(owner.uid);
    }
  }

  // ---- attemptToDelete ---------------------------------------------------------------------------------------

  /** attemptToDeleteItem */
  private async attemptToDeleteItem(uid: string): Promise<ReconcileResult> {
    const node = this.graph.get(uid);
    if (!node) return this.checkUnobservedOwner(uid);
    if (node.beingDeleted && !isDeletingDependents(node)) return; // someone else is deleting it
    const live = await this.liveObject(node);
    if (!live) {
      this.observeDeleted(uid, node.resource);
      return;
    }
    const item = nodeOf(node.resource, live);
    if (isDeletingDependents(item)) return this.processDeletingDependents(item);
    if (item.beingDeleted || item.owners.length === 0) return;

    const { solid, dangling, waiting } = await this.classifyReferences(item);
    if (solid.length > 0) {
      // Some owner still holds it: only drop references to owners that are gone or being deleted in foreground.
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      if (drop.size) await this.patchOwnerReferences(item, (refs) => refs.filter((r) => !drop.has(r.uid)));
      return;
    }
    if (waiting.length > 0 && this.graph.dependentsOf(uid).length > 0) {
      // Its owner waits for it, and it has dependents of its own: delete it in foreground too. A dependent that
      // is itself waiting on this item would deadlock, so it stops blocking first.
      for (const dep of this.graph.dependentsOf(uid)) {
        if (!isDeletingDependents(dep)) continue;
        await this.patchOwnerReferences(dep, (refs) => refs.map((r) => (r.uid === uid && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)));
      }
      await this.deleteObject(item, 'Foreground');
      return;
    }
    const policy = item.finalizers.includes(ORPHAN_FINALIZER) ? 'Orphan' : item.finalizers.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
    await this.deleteObject(item, policy);
  }

  /** An owner uid that no informer has shown: if it does not exist, its dependents are looked at. */
  private async checkUnobservedOwner(uid: string): Promise<ReconcileResult> {
    const deps = this.graph.dependentsOf(uid);
    if (deps.length === 0) return;
    const ref = deps[0].owners.find((r) => r.uid === uid);
    if (!ref) return;
    if (await this.lookupOwner(deps[0], ref)) return;
    for (const dep of deps) this.attemptToDelete.add(dep.uid);
  }

  /** Sorts the owner references into owners that exist, are gone, or are waiting for their dependents. */
  private async classifyReferences(item: GraphNode): Promise<{ solid: OwnerReference[]; dangling: OwnerReference[]; waiting: OwnerReference[] }> {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of item.owners) {
      const owner = await this.lookupOwner(item, ref);
      if (!owner) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** The owner as the server has it now, or undefined when it is absent (no such object, or another uid). */
  private async lookupOwner(dependent: GraphNode, ref: OwnerReference): Promise<KubeObject | undefined> {
    if (this.absentOwners.has(ref.uid)) return undefined;
    const resource = this.discovered?.forKind(ref.apiVersion, ref.kind);
    if (!resource) {
      this.requestResync(0);
      throw new Error(`unable to get REST mapping for ${ref.apiVersion}/${ref.kind}`);
    }
    // A cluster-scoped dependent cannot have a namespaced owner: upstream treats such an owner as absent.
    if (resource.namespaced && !dependent.namespace) return undefined;
    try {
      const owner = await this.meta.get(resource, ref.name, resource.namespaced ? dependent.namespace : undefined);
      if (owner.metadata.uid === ref.uid) return owner;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.absentOwners.add(ref.uid);
    return undefined;
  }

  /** Foreground deletion finishes once no dependent blocks it; until then the blocking ones are deleted. */
  private async processDeletingDependents(owner: GraphNode): Promise<ReconcileResult> {
    if (!this.allSynced()) return { requeueAfter: 200 }; // a dependent may not be in the graph yet
    const blocking = this.graph.dependentsOf(owner.uid).filter((d) => d.owners.some((r) => r.uid === owner.uid && r.blockOwnerDeletion));
    if (blocking.length === 0) {
      await this.removeFinalizer(owner, FOREGROUND_FINALIZER);
      return;
    }
    for (const dep of blocking) if (!dep.beingDeleted || isDeletingDependents(dep)) this.attemptToDelete.add(dep.uid);
    // Their deletions requeue this owner; the slow look is a safety net for a missed event.
    return { requeueAfter: 10_000 };
  }

  // ---- attemptToOrphan ---------------------------------------------------------------------------------------

  /** attemptToOrphanWorker's sync (orphanDependents, then the finalizer goes). */
  private async attemptToOrphanItem(uid: string): Promise<ReconcileResult> {
    const owner = this.graph.get(uid);
    if (!owner || !isOrphaning(owner)) return;
    if (!this.allSynced()) return { requeueAfter: 200 }; // orphaning must see every dependent
    await forEachLimit(this.graph.dependentsOf(uid), 10, (dep) => this.patchOwnerReferences(dep, (refs) => refs.filter((r) => r.uid !== uid)));
    await this.removeFinalizer(owner, ORPHAN_FINALIZER);
  }

  // ---- writes --------------------------------------------------------------------------------------------------

  private async liveObject(node: GraphNode): Promise<KubeObject | undefined> {
    try {
      const obj = await this.meta.get(node.resource, node.name, node.namespace || undefined);
      return obj.metadata.uid === node.uid ? obj : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async deleteObject(node: GraphNode, propagationPolicy: 'Orphan' | 'Background' | 'Foreground'): Promise<void> {
    try {
      await this.client.delete(node.resource, node.name, { namespace: node.namespace || undefined, propagationPolicy, preconditions: { uid: node.uid } });
    } catch (e) {
      // Gone already, or replaced by another object of the same name (the uid precondition failed).
      if (!(isNotFound(e) || isConflict(e))) throw e;
    }
  }

  private patchOwnerReferences(node: GraphNode, edit: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
    return this.patchMetadataList(node, (m) => m.ownerReferences ?? [], edit, 'ownerReferences');
  }

  private removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    return this.patchMetadataList(node, (m) => m.finalizers ?? [], (fs) => fs.filter((f) => f !== finalizer), 'finalizers');
  }

  /**
   * Rewrites one list in the object's metadata with a merge patch carrying the uid and resourceVersion it was
   * computed from, so a concurrent change is never overwritten: on a conflict it re-reads and tries again.
   */
  private async patchMetadataList<T>(node: GraphNode, read: (m: KubeObject['metadata']) => T[], edit: (list: T[]) => T[], field: 'ownerReferences' | 'finalizers'): Promise<void> {
    let current: KubeObject['metadata'] = { uid: node.uid, resourceVersion: node.resourceVersion, ownerReferences: node.owners, finalizers: node.finalizers };
    for (let attempt = 0; ; attempt++) {
      const before = read(current);
      const after = edit(before);
      if (JSON.stringify(after) === JSON.stringify(before)) return;
      const patch = { metadata: { uid: node.uid, resourceVersion: current.resourceVersion, [field]: after.length ? after : null } };
      try {
        await this.client.patch(node.resource, node.name, patch, 'merge', { namespace: node.namespace || undefined });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= 4) throw e;
      }
      const live = await this.liveObject(node);
      if (!live) return;
      current = live.metadata;
    }
  }

  private report(err: unknown, what: string): void {
    if (this.stopping.aborted) return;
    if (this.opts.onError) this.opts.onError(err, what);
    else warnSyncError(err, `garbage collector: ${what}: ${errorText(err)}`);
  }
}

/** Uids known to be absent; bounded, forgetting the oldest first (upstream's absentOwnerCache is an LRU). */
class UidCache {
  private readonly uids = new Set<string>();
  constructor(private readonly max: number) {}
  has(uid: string): boolean {
    return this.uids.has(uid);
  }
  add(uid: string): void {
    this.uids.add(uid);
    if (this.uids.size > this.max) this.uids.delete(this.uids.values().next().value!);
  }
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

