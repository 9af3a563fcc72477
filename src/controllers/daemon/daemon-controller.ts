// The DaemonSet controller (pkg/controller/daemon/daemon_controller.go; rolling updates and history in update.ts):
// one daemon pod on every node that should run it — node name, node selector and required affinity match, its
// NoSchedule/NoExecute taints tolerated (with the tolerations every daemon pod gets) — created with a node affinity
// pinning it to that node, so the scheduler places it; failed pods are deleted and recreated with a per-node back-off;
// pods on nodes that no longer fit go; status counts desired, current, misscheduled, ready, updated and available.
import { isNotFound } from '../../apimachinery/errors.js';
import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import { type ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { objectKey, splitObjectKey } from '../../client/store.js';
import type { Node } from '../../api/core.js';
import type { ControllerRevision } from '../history/controller-history.js';
import { claimDependents, newControllerRef } from '../common/controller-ref-manager.js';
import { aggregate, isNamespaceTerminating } from '../common/errors.js';
import { errorText, QueueController, type QueueControllerOptions } from '../common/queue-controller.js';
import { OwnerMapping, selectorOrUndefined } from '../common/owners.js';
import { ControllerExpectations } from '../common/expectations.js';
import { PodControl, slowStartBatch } from '../replicaset/pod-control.js';
import { isPodAvailable, isPodReady } from '../replicaset/pod-ranking.js';
import type { Pod } from '../statefulset/types.js';
import { cleanupHistory, constructHistory, type DaemonSetsControl, rollingUpdate } from './update.js';
import {
  allowsSurge, Backoff, byCreationTimestampAndPhase, createPodTemplate, DAEMONSET_UNIQUE_LABEL, type DaemonSet, DS_API_VERSION, DS_KIND,
  getTargetNodeName, getTemplateGeneration, isPodUpdated, nodeShouldRunDaemonPod, replaceDaemonSetPodNodeNameNodeAffinity,
} from './util.js';
import type { DaemonSetStatus } from '../../api/generated/apps-v1.js';

/** The status counters a sync computes (updateDaemonSetStatus). */
type DaemonSetCounters = Required<Pick<DaemonSetStatus, 'desiredNumberScheduled' | 'currentNumberScheduled' | 'numberMisscheduled' | 'numberReady' | 'updatedNumberScheduled' | 'numberAvailable' | 'numberUnavailable'>>;

export const DAEMONSET_CONTROLLER = 'daemonset-controller';
/** BurstReplicas: most pods created or deleted per sync. */
export const DAEMONSET_BURST_REPLICAS = 250;
/** StatusUpdateRetries. */
const STATUS_UPDATE_RETRIES = 1;

export interface DaemonSetsControllerOptions extends QueueControllerOptions {
  /** The failed-pod back-off (kube-controller-manager: 1 s doubling to 15 min). */
  failedPodsBackoffMs?: { initial: number; max: number };
}

const terminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export class DaemonSetsController extends QueueController implements DaemonSetsControl {
  readonly expectations: ControllerExpectations;
  readonly failedPodsBackoff: Backoff;
  private readonly sets: SharedInformer<DaemonSet>;
  /** Pods and revisions to their DaemonSet (GetPodDaemonSets / GetHistoryDaemonSets for orphans). */
  private readonly owners: OwnerMapping<DaemonSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly nodes: SharedInformer<Node>;
  private readonly histories: SharedInformer<ControllerRevision>;
  private readonly podControl: PodControl;
  private gcTimer?: NodeJS.Timeout;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: DaemonSetsControllerOptions = {}) {
    super(client, DAEMONSET_CONTROLLER, 'daemonset', opts);
    this.expectations = new ControllerExpectations(this.now);
    const b = opts.failedPodsBackoffMs ?? { initial: 1000, max: 15 * 60_000 };
    this.failedPodsBackoff = new Backoff(b.initial, b.max, this.now);
    this.podControl = new PodControl(client, this.recorder, { kind: DS_KIND, apiVersion: DS_API_VERSION });
    this.sets = factory.informerFor<DaemonSet>(builtin.daemonSets);
    this.owners = new OwnerMapping(this.sets.store, DS_KIND, (ds) => selectorOrUndefined(ds.spec.selector));
    this.histories = factory.informerFor<ControllerRevision>(builtin.controllerRevisions);
    this.pods = factory.informerFor<Pod>(builtin.pods);
    this.nodes = factory.informerFor<Node>(builtin.nodes);
    this.sets.addEventHandler(this.ownKindHandlers((ds) => this.deleteDaemonset(ds)));
    this.histories.addEventHandler({ onAdd: (h) => this.addHistory(h), onUpdate: (o, c) => this.updateHistory(o, c), onDelete: (h) => this.deleteOwned(h) });
    this.pods.addEventHandler({ onAdd: (p) => this.addPod(p), onUpdate: (o, c) => this.updatePod(o, c), onDelete: (p) => this.deletePod(p) });
    this.nodes.addEventHandler({ onAdd: (n) => this.addNode(n), onUpdate: (o, c) => this.updateNode(o, c) });
  }

  protected caches() {
    return [this.pods, this.nodes, this.histories, this.sets];
  }

  override run(): Promise<void> {
    this.gcTimer ??= setInterval(() => this.failedPodsBackoff.gc(), 60_000);
    this.gcTimer.unref?.();
    return super.run();
  }

  override async stop(): Promise<void> {
    clearInterval(this.gcTimer);
    await super.stop();
  }

  node(name: string): Node | undefined {
    return this.nodes.store.getByName(undefined, name);
  }

  cachedPod(namespace: string, name: string): Pod | undefined {
    return this.pods.store.getByName(namespace, name);
  }

  cachedRevisions(namespace: string): ControllerRevision[] {
    return this.histories.store.byNamespace(namespace);
  }

  // ---- event handlers ----

  private deleteDaemonset(ds: DaemonSet): void {
    // a DaemonSet recreated under the name starts clean
    this.expectations.deleteExpectations(objectKey(ds));
    this.enqueue(ds);
  }

  private addHistory(h: ControllerRevision): void {
    if (h.metadata.deletionTimestamp) {
      this.deleteOwned(h);
      return;
    }
    // owned revisions need no sync; an orphan may be adopted
    for (const ds of this.owners.added(h).adopters) this.enqueue(ds);
  }

  private updateHistory(old: ControllerRevision, cur: ControllerRevision): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    this.enqueueOwners(this.owners.updated(old, cur));
  }

  /** deleteHistory, and deletePod's enqueue part. */
  private deleteOwned(obj: KubeObject): DaemonSet | undefined {
    const ds = this.owners.controllerOf(obj);
    if (ds) this.enqueue(ds);
    return ds;
  }

  private addPod(pod: Pod): void {
    this.observePodAdded(pod, this.owners, this.expectations, (p) => this.deletePod(p as Pod));
  }

  private updatePod(oldPod: Pod, curPod: Pod): void {
    if (curPod.metadata.resourceVersion === oldPod.metadata.resourceVersion) return;
    // graceful deletion: replace the pod now, not when the kubelet is done with it
    if (curPod.metadata.deletionTimestamp) return this.deletePod(curPod);
    this.observePodUpdated(oldPod, curPod, this.owners, (p) => isPodReady(p as Pod));
  }

  private deletePod(pod: Pod): void {
    const ds = this.deleteOwned(pod);
    if (ds) this.expectations.deletionObserved(objectKey(ds), objectKey(pod));
  }

  private addNode(node: Node): void {
    for (const ds of this.sets.store.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) this.enqueue(ds);
  }

  private updateNode(oldNode: Node, curNode: Node): void {
    // only labels and taints decide (shouldIgnoreNodeUpdate); heartbeats change neither
    if (sameJson(oldNode.metadata.labels, curNode.metadata.labels) && sameJson(oldNode.spec?.taints, curNode.spec?.taints)) return;
    for (const ds of this.sets.store.list()) {
      const before = nodeShouldRunDaemonPod(oldNode, ds);
      const after = nodeShouldRunDaemonPod(curNode, ds);
      if (before.shouldRun !== after.shouldRun || before.shouldContinueRunning !== after.shouldContinueRunning) this.enqueue(ds);
    }
  }

  // ---- sync ----

  /** getDaemonPods: the pods the DaemonSet owns after adopting matching orphans and releasing others. */
  async getDaemonPods(ds: DaemonSet): Promise<Pod[]> {
    return claimDependents(this.client, {
      owner: ds, ownerResource: builtin.daemonSets, ownerApiVersion: DS_API_VERSION, ownerKind: DS_KIND,
      selector: labelSelectorAsSelector(ds.spec.selector), dependents: builtin.pods,
    }, this.pods.store.byNamespace(ds.metadata.namespace ?? ''));
  }

  /** getNodesToDaemonPods: the claimed pods by the node they target (finished and deleted ones skipped unless asked). */
  async getNodesToDaemonPods(ds: DaemonSet, includeDeletedTerminal: boolean): Promise<Map<string, Pod[]>> {
    const out = new Map<string, Pod[]>();
    for (const pod of await this.getDaemonPods(ds)) {
      // kept for a finalizer or already on its way out: nothing left to do with it
      if (!includeDeletedTerminal && terminal(pod) && pod.metadata.deletionTimestamp) continue;
      const node = getTargetNodeName(pod);
      if (node === undefined) continue;
      let list = out.get(node);
      if (!list) out.set(node, (list = []));
      list.push(pod);
    }
    return out;
  }

  protected async sync(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitObjectKey(key);
    const ds = this.sets.store.getByName(namespace, name);
    if (!ds) {
      this.expectations.deleteExpectations(key);
      return;
    }
    const nodes = this.nodes.store.list();
    const selector = ds.spec.selector;
    if (selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
      this.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // being deleted: its revisions may already be gone or orphaned, so no status can be trusted
    if (ds.metadata.deletionTimestamp) return;
    const { cur, old } = await constructHistory(this, ds);
    const hash = cur.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] ?? '';
    if (!this.expectations.satisfied(key)) {
      // the pods of the last sync are not all seen yet: status only, without claiming this generation
      return this.updateDaemonSetStatus(ds, nodes, hash, false);
    }
    let err: unknown;
    try {
      await this.updateDaemonSet(ds, nodes, hash, key, old);
    } catch (e) {
      err = e;
    }
    let statusErr: unknown;
    let result: ReconcileResult | undefined;
    try {
      result = await this.updateDaemonSetStatus(ds, nodes, hash, true);
    } catch (e) {
      statusErr = e;
    }
    if (err !== undefined) throw err;
    if (statusErr !== undefined) throw statusErr;
    return result;
  }

  private async updateDaemonSet(ds: DaemonSet, nodes: Node[], hash: string, key: string, old: ControllerRevision[]): Promise<void> {
    await this.manage(ds, nodes, hash);
    if (this.expectations.satisfied(key) && ds.spec.updateStrategy?.type === 'RollingUpdate') await rollingUpdate(this, ds, nodes, hash);
    try {
      await cleanupHistory(this, ds, old);
    } catch (e) {
      throw new Error(`failed to clean up revisions of DaemonSet: ${errorText(e)}`);
    }
  }

  /** manage: creates the missing daemon pods and deletes those that should not run. */
  private async manage(ds: DaemonSet, nodes: Node[], hash: string): Promise<void> {
    let nodeToDaemonPods: Map<string, Pod[]>;
    try {
      nodeToDaemonPods = await this.getNodesToDaemonPods(ds, false);
    } catch (e) {
      throw new Error(`couldn't get node to daemon pod mapping for daemon set ${JSON.stringify(ds.metadata.name)}: ${errorText(e)}`);
    }
    const nodesNeedingDaemonPods: string[] = [];
    const podsToDelete: string[] = [];
    for (const node of nodes) {
      const r = this.podsShouldBeOnNode(node, nodeToDaemonPods, ds, hash);
      nodesNeedingDaemonPods.push(...r.nodesNeedingDaemonPods);
      podsToDelete.push(...r.podsToDelete);
    }
    // unscheduled pods aimed at nodes that no longer exist: nothing else would ever delete them
    const running = new Set(nodes.map((n) => n.metadata.name));
    for (const [nodeName, pods] of nodeToDaemonPods) {
      if (running.has(nodeName)) continue;
      for (const p of pods) if (!p.spec?.nodeName) podsToDelete.push(p.metadata.name ?? '');
    }
    await this.syncNodes(ds, podsToDelete, nodesNeedingDaemonPods, hash);
  }

  /** podsShouldBeOnNode: what to create and delete on one node. */
  private podsShouldBeOnNode(node: Node, nodeToDaemonPods: Map<string, Pod[]>, ds: DaemonSet, hash: string): { nodesNeedingDaemonPods: string[]; podsToDelete: string[] } {
    const nodeName = node.metadata.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const daemonPods = nodeToDaemonPods.get(nodeName);
    const need: string[] = [];
    const del: string[] = [];
    if (shouldRun && !daemonPods) {
      need.push(nodeName);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of daemonPods ?? []) {
        if (pod.metadata.deletionTimestamp) continue;
        if (pod.status?.phase === 'Failed') {
          // the kubelet may keep rejecting the pod: back off instead of hot-looping
          const backoffKey = `${ds.metadata.uid}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;
          const now = this.failedPodsBackoff.now();
          if (this.failedPodsBackoff.isInBackOffSinceUpdate(backoffKey, now)) {
            this.enqueueAfter(ds, this.failedPodsBackoff.get(backoffKey));
            continue;
          }
          this.failedPodsBackoff.next(backoffKey, now);
          this.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`);
          del.push(pod.metadata.name ?? '');
        } else if (pod.status?.phase === 'Succeeded') {
          this.event(ds, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to delete it`);
          del.push(pod.metadata.name ?? '');
        } else {
          running.push(pod);
        }
      }
      running.sort(byCreationTimestampAndPhase);
      if (!allowsSurge(ds)) {
        // more than one: all but the oldest go
        for (const p of running.slice(1)) del.push(p.metadata.name ?? '');
      } else if (running.length <= 1) {
        // surging needs at least one live pod on the node
        if (running.length === 0 && shouldRun) need.push(nodeName);
      } else {
        // two may stay only while the oldest new one is not ready and the oldest old one is; else the new one stays
        let oldestNew: Pod | undefined;
        let oldestOld: Pod | undefined;
        for (const pod of running) {
          if (pod.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] === hash) {
            if (!oldestNew) {
              oldestNew = pod;
              continue;
            }
          } else if (!oldestOld) {
            oldestOld = pod;
            continue;
          }
          del.push(pod.metadata.name ?? '');
        }
        if (oldestNew && oldestOld) {
          if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, this.now())) del.push(oldestOld.metadata.name ?? '');
        }
      }
    } else if (daemonPods) {
      // the pod must not run here any more
      for (const pod of daemonPods) if (!pod.metadata.deletionTimestamp) del.push(pod.metadata.name ?? '');
    }
    return { nodesNeedingDaemonPods: need, podsToDelete: del };
  }

  /** syncNodes: deletes the given pods and creates daemon pods on the given nodes, at most a burst of each. */
  async syncNodes(ds: DaemonSet, podsToDelete: string[], nodesNeedingDaemonPods: string[], hash: string): Promise<void> {
    const key = objectKey(ds);
    const createDiff = Math.min(nodesNeedingDaemonPods.length, DAEMONSET_BURST_REPLICAS);
    const deleting = podsToDelete.slice(0, DAEMONSET_BURST_REPLICAS);
    const podKey = (name: string) => `${ds.metadata.namespace}/${name}`;
    // expectations first: the informer may report a pod before create() returns
    this.expectations.setExpectations(key, createDiff, deleting.map(podKey));
    const errors: unknown[] = [];
    const template = createPodTemplate(ds.spec.template, getTemplateGeneration(ds), hash);
    const ref = newControllerRef(ds, DS_API_VERSION, DS_KIND);
    let next = 0;
    const { successes, error } = await slowStartBatch(createDiff, 1, async () => {
      const nodeName = nodesNeedingDaemonPods[next++];
      const podTemplate = structuredClone(template);
      // pinned by node affinity, so the scheduler binds it there (and accounts for its resources)
      const spec = (podTemplate.spec ??= { containers: [] });
      spec.affinity = replaceDaemonSetPodNodeNameNodeAffinity(spec.affinity as Record<string, unknown> | undefined, nodeName);
      try {
        await this.podControl.createPod(podTemplate, ds, ref);
      } catch (e) {
        if (isNamespaceTerminating(e)) return;
        throw e;
      }
    });
    if (error !== undefined) errors.push(error);
    // failed and skipped creations will never be observed
    for (let i = successes; i < createDiff; i++) this.expectations.creationObserved(key);
    await Promise.all(deleting.map(async (name) => {
      try {
        await this.podControl.deletePod(ds.metadata.namespace ?? '', name, ds);
      } catch (e) {
        this.expectations.deletionObserved(key, podKey(name));
        if (!isNotFound(e)) errors.push(e);
      }
    }));
    const agg = aggregate(errors);
    if (agg) throw agg;
  }

  private event(ds: DaemonSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(ds, type, reason, message, { kind: DS_KIND, apiVersion: DS_API_VERSION });
  }

  /** updateDaemonSetStatus: the counters, written only when they changed; looks again after minReadySeconds. */
  private async updateDaemonSetStatus(ds: DaemonSet, nodes: Node[], hash: string, updateObservedGen: boolean): Promise<ReconcileResult> {
    let nodeToDaemonPods: Map<string, Pod[]>;
    try {
      nodeToDaemonPods = await this.getNodesToDaemonPods(ds, false);
    } catch (e) {
      throw new Error(`couldn't get node to daemon pod mapping for daemon set ${JSON.stringify(ds.metadata.name)}: ${errorText(e)}`);
    }
    let desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, availableCount = 0;
    const now = this.now();
    const generation = getTemplateGeneration(ds);
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const pods = nodeToDaemonPods.get(node.metadata.name ?? '') ?? [];
      const scheduled = pods.length > 0;
      if (!shouldRun) {
        if (scheduled) misscheduled++;
        continue;
      }
      desired++;
      if (!scheduled) continue;
      current++;
      // the oldest pod speaks for the node
      const pod = [...pods].sort(byCreationTimestampAndPhase)[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, now)) availableCount++;
      }
      if (isPodUpdated(pod, hash, generation)) updated++;
    }
    const next: DaemonSetCounters = {
      desiredNumberScheduled: desired, currentNumberScheduled: current, numberMisscheduled: misscheduled, numberReady: ready,
      updatedNumberScheduled: updated, numberAvailable: availableCount, numberUnavailable: desired - availableCount,
    };
    await this.storeDaemonSetStatus(ds, next, updateObservedGen);
    const minReady = ds.spec.minReadySeconds ?? 0;
    // a last line of defence against clock skew
    if (minReady > 0 && ready !== availableCount) return { requeueAfter: minReady * 1000 };
  }

  private async storeDaemonSetStatus(ds: DaemonSet, next: DaemonSetCounters, updateObservedGen: boolean): Promise<void> {
    const st: Partial<DaemonSetStatus> = ds.status ?? {};
    const unchanged = (Object.keys(next) as (keyof DaemonSetCounters)[]).every((k) => (st[k] ?? 0) === next[k]);
    if (unchanged && (st.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0)) return;
    let toUpdate: DaemonSet = ds;
    for (let i = 0; ; i++) {
      const status: DaemonSetStatus = { ...toUpdate.status, ...next };
      if (updateObservedGen) status.observedGeneration = ds.metadata.generation;
      // omitempty counters: Go never writes these as zero
      for (const k of ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const) if (!status[k]) delete status[k];
      try {
        await this.client.updateStatus(builtin.daemonSets, { ...toUpdate, status });
        return;
      } catch (e) {
        if (i >= STATUS_UPDATE_RETRIES) throw new Error(`error storing status for daemon set ${ds.metadata.namespace}/${ds.metadata.name}: ${errorText(e)}`);
        toUpdate = await this.client.get<DaemonSet>(builtin.daemonSets, ds.metadata.name ?? '', { namespace: ds.metadata.namespace });
      }
    }
  }
}
