// The StatefulSet controller as kube-controller-manager runs it (pkg/controller/statefulset/stateful_set.go): shared
// informers for sets, pods, revisions and claims; pod and revision events mapped to the controlling set (orphans to
// every set whose selector matches, so one may adopt them); a rate-limited queue of `namespace/name` keys; and a
// sync that claims pods and revisions, then runs the transport-free algorithm (syncStatefulSet).
import type { Selector } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import { controllerRef } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { objectKey, splitObjectKey } from '../../client/store.js';
import type { ControllerRevision } from '../history/controller-history.js';
import { ClientHistory, ClientPodObjectManager, ClientStatusUpdater, recorderAdapter } from './adapters.js';
import { syncStatefulSet } from './control.js';
import { canAdoptFresh, ControllerRefManager, strategicPatcher, type ControllerRefManagerOptions } from '../common/controller-ref-manager.js';
import type { FeatureGates, PersistentVolumeClaim, Pod, StatefulSet, SyncDeps } from './types.js';
import { StatefulSetCaches } from './caches.js';
import { getControllerUid, isMemberOf, isPodReady, podMatchesSelector, SET_API_VERSION, SET_KIND } from './utils.js';
import { OwnerMapping, selectorOrUndefined } from '../common/owners.js';
import { errorText, QueueController } from '../common/queue-controller.js';
import { warnSyncError } from '../common/sync-errors.js';

export const STATEFULSET_CONTROLLER_NAME = 'statefulset-controller';

export interface StatefulSetControllerOptions {
  /** Concurrent syncs of different sets (kube-controller-manager's --concurrent-statefulset-syncs); default 5. */
  workers?: number;
  features?: FeatureGates;
  /** Failed syncs and handler errors; default console.warn. */
  onError?: (key: string, err: unknown) => void;
  /** Clock for minReadySeconds (tests). */
  now?: () => Date;
}

const sortedEntries = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));

export class StatefulSetController extends QueueController {
  private readonly sets: SharedInformer<StatefulSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly revisions: SharedInformer<ControllerRevision>;
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly owners: OwnerMapping<StatefulSet>;
  private readonly deps: SyncDeps;
  /** This controller's memory between syncs, handed to the algorithm through deps (nothing is shared between controllers). */
  private readonly syncCaches = new StatefulSetCaches();

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: StatefulSetControllerOptions = {}) {
    super(client, STATEFULSET_CONTROLLER_NAME, 'statefulset', {
      workers: opts.workers,
      onError: opts.onError ?? ((key, err) => warnSyncError(err, `${STATEFULSET_CONTROLLER_NAME}: error syncing StatefulSet ${key}, requeuing: ${errorText(err)}`)),
    });
    this.sets = factory.informerFor<StatefulSet>(builtin.statefulSets);
    this.pods = factory.informerFor<Pod>(builtin.pods);
    this.revisions = factory.informerFor<ControllerRevision>(builtin.controllerRevisions);
    this.claims = factory.informerFor<PersistentVolumeClaim>(builtin.persistentVolumeClaims);
    this.owners = new OwnerMapping(this.sets.store, SET_KIND, (set) => selectorOrUndefined(set.spec.selector));
    this.deps = {
      objects: new ClientPodObjectManager(client, this.claims),
      history: new ClientHistory(client, this.revisions),
      statusUpdater: new ClientStatusUpdater(client),
      recorder: recorderAdapter(this.recorder),
      features: opts.features,
      now: opts.now,
      caches: this.syncCaches,
    };

    const enqueueSet = (s: StatefulSet) => this.enqueue(s);
    const deleteSet = (s: StatefulSet) => {
      this.syncCaches.forgetSet(objectKey(s));
      enqueueSet(s);
    };
    this.sets.addEventHandler({ onAdd: enqueueSet, onUpdate: (_old, cur) => enqueueSet(cur), onDelete: deleteSet });
    // the cache's pods never change once handed out: what every sync reads of them is worked out as they arrive
    this.pods.addEventHandler({
      onAdd: (p) => {
        this.syncCaches.rememberPodFacts(p);
        this.addPod(p);
      },
      onUpdate: (o, c) => {
        if (o !== c) this.syncCaches.rememberPodFacts(c);
        this.updatePod(o, c);
      },
      onDelete: (p) => this.deletePod(p),
    });
    // revisions are only written by us; a change still deserves a look at its set (e.g. someone deleted one)
    this.revisions.addEventHandler({ onAdd: (r) => this.enqueueController(r), onDelete: (r) => this.enqueueController(r) });
  }

  protected caches() {
    return [this.sets, this.pods, this.revisions, this.claims];
  }

  // ---- event handlers ----

  private addPod(pod: Pod): void {
    // a pod that is already going away (seen on a restart) is not a creation
    if (pod.metadata.deletionTimestamp) return this.deletePod(pod);
    const { controller, adopters } = this.owners.added(pod);
    if (controller) this.enqueue(controller);
    // an orphan: every set that could adopt it gets a look
    this.enqueueAdopters(pod, adopters);
  }

  private updatePod(oldPod: Pod, curPod: Pod): void {
    if (oldPod.metadata.resourceVersion === curPod.metadata.resourceVersion) return; // periodic resync
    const { former, controller: set, adopters } = this.owners.updated(oldPod, curPod);
    if (former) this.enqueue(former);
    if (set) {
      this.enqueue(set);
      // becoming Ready starts the minReadySeconds clock: look again once it has run out
      const minReadySeconds = set.spec.minReadySeconds ?? 0;
      if (!isPodReady(oldPod, this.syncCaches) && isPodReady(curPod, this.syncCaches) && minReadySeconds > 0) this.enqueueAfter(set, minReadySeconds * 1000 + 1000);
    }
    this.enqueueAdopters(curPod, adopters);
  }

  /** deletePod, and revision events: the controlling set gets a look (nobody cares about a deleted orphan). */
  private enqueueController(obj: KubeObject): void {
    const set = this.owners.controllerOf(obj);
    if (set) this.enqueue(set);
  }

  private deletePod(pod: Pod): void {
    this.enqueueController(pod);
  }

  /** GetPodStatefulSets' sets for an orphan; more than one is the user's error, reported. */
  private enqueueAdopters(pod: Pod, sets: StatefulSet[]): void {
    if (sets.length > 1) {
      this.onError(objectKey(pod), new Error(`user error: more than one StatefulSet is selecting pods with labels: ${goMapString(pod.metadata.labels)}`));
    }
    for (const set of sets) this.enqueue(set);
  }

  // ---- sync ----

  /** One reconcile of the set at `key`; resolves with a requeue request when minReadySeconds needs another look. */
  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitObjectKey(key);
    const cached = this.sets.store.getByName(namespace, name);
    if (!cached) return; // deleted: its dependents are the garbage collector's business
    // the cache's object: the sync only reads the set, and writes status through a copy
    const set: StatefulSet = cached;
    let selector: Selector;
    try {
      selector = this.syncCaches.selectorFor(key, set);
    } catch (e) {
      // not transient: retrying cannot help until the set changes
      this.onError(key, new Error(`error converting StatefulSet ${key} selector: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    const canAdopt = canAdoptFresh(this.client, builtin.statefulSets, set);

    await this.adoptOrphanRevisions(set, selector, canAdopt);
    const pods = await this.getPodsForStatefulSet(set, selector, canAdopt);
    const revisions = await this.deps.history.listControllerRevisions(set);
    const result = await syncStatefulSet(set, pods, revisions, this.deps);
    // with minReadySeconds, look again while not every replica is available yet so availableReplicas catches up
    if (result.requeueAfter !== undefined) return { requeueAfter: result.requeueAfter * 1000 };
  }

  /** Adopts revisions that match the selector and have no controller (revisions are never released). */
  private async adoptOrphanRevisions(set: StatefulSet, selector: Selector, canAdopt: () => Promise<void>): Promise<void> {
    const revisions = await this.deps.history.listControllerRevisions(set);
    const orphans = revisions.filter((r) => !controllerRef(r));
    if (orphans.length === 0) return;
    const manager = this.refManager<ControllerRevision>(set, selector, canAdopt, builtin.controllerRevisions);
    for (const orphan of orphans) await manager.adopt(orphan);
  }

  /**
   * The pods this set owns: every pod of its namespace goes through ClaimPods, which adopts matching orphans named
   * `<set>-<ordinal>` and releases owned pods that no longer match.
   */
  private async getPodsForStatefulSet(set: StatefulSet, selector: Selector, canAdopt: () => Promise<void>): Promise<Pod[]> {
    const all = this.pods.store.byNamespace(set.metadata.namespace ?? '');
    const manager = this.refManager<Pod>(set, selector, canAdopt, builtin.pods, {
      controllerUidOf: (pod) => getControllerUid(pod, this.syncCaches),
      selectorMatches: (pod) => podMatchesSelector(pod, selector, this.syncCaches),
    });
    const { claimed, error } = await manager.claim(all, (pod) => isMemberOf(set, pod, this.syncCaches));
    if (error) throw error;
    // the cache's objects are shared, but the algorithm only reads them and updateStatefulPod copies before it
    // writes (upstream's DeepCopy in processReplica); copying every pod on every sync was a fifth of the CPU of a
    // 1000-pod set (bench/statefulset.ts)
    return claimed;
  }

  private refManager<T extends KubeObject>(
    set: StatefulSet,
    selector: Selector,
    canAdopt: () => Promise<void>,
    res: typeof builtin.pods | typeof builtin.controllerRevisions,
    lookups: Pick<ControllerRefManagerOptions<T>, 'controllerUidOf' | 'selectorMatches'> = {},
  ) {
    return new ControllerRefManager<T>({
      ...lookups,
      owner: set,
      ownerApiVersion: SET_API_VERSION,
      ownerKind: SET_KIND,
      selector,
      canAdopt,
      patch: strategicPatcher<T>(this.client, res),
    });
  }
}

/** Go's %+v of a map[string]string: `map[a:b c:d]`, keys sorted. */
function goMapString(m: Record<string, string> | undefined): string {
  return `map[${sortedEntries(m).map(([k, v]) => `${k}:${v}`).join(' ')}]`;
}
