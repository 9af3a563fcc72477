// The ReplicaSet controller as kube-controller-manager runs it (pkg/controller/replicaset/replica_set.go): shared
// informers for ReplicaSets and pods; pod events mapped to the owning ReplicaSet (orphans to every ReplicaSet
// whose selector matches, so one may adopt them); expectations so a sync never repeats creates or deletes the
// cache has not caught up with; and a sync that claims pods, creates or deletes the difference, and writes status.
import { labelSelectorAsSelector, Selector } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../client/client.js';
import { controllerRef } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin, type ResourceDescriptor } from '../../client/resources.js';
import { CONTROLLER_UID_INDEX, indexByControllerUid, objectKey, splitObjectKey } from '../../client/store.js';
import { claimDependents, newControllerRef } from '../common/controller-ref-manager.js';
import { ControllerExpectations } from '../common/expectations.js';
import { isNamespaceTerminating } from '../common/errors.js';
import { PodControl, slowStartBatch } from './pod-control.js';
import { getPodsToDelete, isPodActive, isPodReady } from './pod-ranking.js';
import { calculateStatus, updateReplicaSetStatus } from './status.js';
import { RS_API_VERSION, specReplicas, type Pod, type ReplicaSet } from './types.js';
import { isNotFound } from '../../apimachinery/errors.js';
import { OwnerMapping, sameLabels } from '../common/owners.js';
import { errorText, QueueController } from '../common/queue-controller.js';
import { warnSyncError } from '../common/sync-errors.js';

export const REPLICASET_CONTROLLER_NAME = 'replicaset-controller';

/**
 * The kind a ReplicaSetController manages (upstream's NewBaseController takes its GroupVersionKind): ReplicaSet, or
 * ReplicationController, whose plain selector map reads as a LabelSelector's matchLabels.
 */
export interface ReplicaSetLikeKind {
  resource: ResourceDescriptor;
  kind: string;
  apiVersion: string;
  /** Event source and log prefix. */
  controllerName: string;
  queueName: string;
  selector(rs: ReplicaSet): Selector;
}

export const REPLICA_SET_KIND: ReplicaSetLikeKind = {
  resource: builtin.replicaSets, kind: 'ReplicaSet', apiVersion: RS_API_VERSION, controllerName: REPLICASET_CONTROLLER_NAME, queueName: 'replicaset',
  selector: (rs) => labelSelectorAsSelector(rs.spec.selector),
};
/** Most pods created or deleted in one sync (upstream's BurstReplicas). */
export const BURST_REPLICAS = 500;
/** First slow-start batch (controller.SlowStartInitialBatchSize). */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export interface ReplicaSetControllerOptions {
  /** Concurrent syncs (--concurrent-replicaset-syncs); default 5. */
  workers?: number;
  burstReplicas?: number;
  onError?: (key: string, err: unknown) => void;
  now?: () => number;
  /** Default ReplicaSet. */
  kind?: ReplicaSetLikeKind;
}

const podKey = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

export class ReplicaSetController extends QueueController {
  private readonly kind: ReplicaSetLikeKind;
  readonly expectations: ControllerExpectations;
  private readonly sets: SharedInformer<ReplicaSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly owners: OwnerMapping<ReplicaSet>;
  private readonly podControl: PodControl;
  private readonly burst: number;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: ReplicaSetControllerOptions = {}) {
    const kind = opts.kind ?? REPLICA_SET_KIND;
    super(client, kind.controllerName, kind.queueName, {
      workers: opts.workers,
      now: opts.now,
      onError: opts.onError ?? ((key, err) => warnSyncError(err, `${kind.controllerName}: error syncing ${kind.kind} ${key}, requeuing: ${errorText(err)}`)),
    });
    this.kind = kind;
    this.sets = factory.informerFor<ReplicaSet>(this.kind.resource);
    this.pods = factory.informerFor<Pod>(builtin.pods);
    this.owners = new OwnerMapping(this.sets.store, this.kind.kind, (rs) => this.trySelector(rs));
    try {
      this.pods.addIndexers({ [CONTROLLER_UID_INDEX]: indexByControllerUid });
    } catch {
      // another controller on this factory already indexes pods by owner
    }
    this.burst = opts.burstReplicas ?? BURST_REPLICAS;
    this.expectations = new ControllerExpectations(this.now);
    this.podControl = new PodControl(client, this.recorder, { kind: this.kind.kind, apiVersion: this.kind.apiVersion });

    this.sets.addEventHandler(this.ownKindHandlers((rs) => this.deleteReplicaSet(rs)));
    this.pods.addEventHandler({ onAdd: (p) => this.addPod(p), onUpdate: (o, c) => this.updatePod(o, c), onDelete: (p) => this.deletePod(p) });
  }

  protected caches() {
    return [this.sets, this.pods];
  }

  // ---- event handlers ----

  private deleteReplicaSet(rs: ReplicaSet): void {
    const key = objectKey(rs);
    this.expectations.deleteExpectations(key);
    this.queue.add(key);
  }

  private addPod(pod: Pod): void {
    this.observePodAdded(pod, this.owners, this.expectations, (p) => this.deletePod(p as Pod));
  }

  private updatePod(oldPod: Pod, curPod: Pod): void {
    if (oldPod.metadata.resourceVersion === curPod.metadata.resourceVersion) return; // periodic resync
    if (curPod.metadata.deletionTimestamp) {
      // graceful deletion started: count it now so a replacement is created without waiting for the grace period
      this.deletePod(curPod);
      if (!sameLabels(oldPod, curPod)) this.deletePod(oldPod);
      return;
    }
    this.observePodUpdated(oldPod, curPod, this.owners, (p) => isPodReady(p as Pod));
  }

  private deletePod(pod: Pod): void {
    const rs = this.owners.controllerOf(pod);
    if (!rs) return;
    this.expectations.deletionObserved(objectKey(rs), podKey(pod));
    this.enqueue(rs);
  }

  // ---- sync ----

  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitObjectKey(key);
    const cached = this.sets.store.getByName(namespace, name);
    if (!cached) {
      this.expectations.deleteExpectations(key);
      return;
    }
    const rsNeedsSync = this.expectations.satisfied(key);
    const selector = this.trySelector(cached);
    if (!selector) {
      // not transient: retrying cannot help until the spec changes
      this.onError(key, new Error(`error converting pod selector to selector for rs ${key}`));
      return;
    }
    const active = this.pods.store.byNamespace(namespace ?? '').filter(isPodActive);
    const pods = await this.claimPods(cached, selector, active);

    let manageErr: unknown;
    if (rsNeedsSync && !cached.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(pods, cached);
      } catch (e) {
        manageErr = e;
      }
    }
    const rs: ReplicaSet = structuredClone(cached);
    const updated = await updateReplicaSetStatus(this.client, rs, calculateStatus(rs, pods, manageErr, this.now()), this.kind.resource);
    if (manageErr !== undefined) throw manageErr;
    const minReady = updated.spec.minReadySeconds ?? 0;
    const replicas = specReplicas(updated);
    if (minReady > 0 && updated.status?.readyReplicas === replicas && updated.status?.availableReplicas !== replicas) {
      return { requeueAfter: minReady * 1000 };
    }
  }

  /** Adopts matching orphans, releases owned pods that stopped matching; returns the pods this ReplicaSet keeps. */
  private async claimPods(rs: ReplicaSet, selector: Selector, pods: Pod[]): Promise<Pod[]> {
    return claimDependents(this.client, {
      owner: rs, ownerResource: this.kind.resource, ownerApiVersion: this.kind.apiVersion, ownerKind: this.kind.kind, selector, dependents: builtin.pods,
    }, pods);
  }

  /** Creates or deletes pods so that the active ones number spec.replicas, at most `burst` per sync. */
  private async manageReplicas(pods: Pod[], rs: ReplicaSet): Promise<void> {
    const key = objectKey(rs);
    let diff = pods.length - specReplicas(rs);
    if (diff < 0) {
      diff = Math.min(-diff, this.burst);
      // expect them all before the first create: the informer may report a pod before create() returns
      this.expectations.expectCreations(key, diff);
      const ref = newControllerRef(rs, this.kind.apiVersion, this.kind.kind);
      const template = rs.spec.template ?? {};
      const { successes, error } = await slowStartBatch(diff, SLOW_START_INITIAL_BATCH_SIZE, async () => {
        try {
          await this.podControl.createPod(template, rs, ref);
        } catch (e) {
          if (isNamespaceTerminating(e)) return; // nothing will ever be created there again
          throw e;
        }
      });
      // creates that were skipped or failed will never be observed
      for (let i = successes; i < diff; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      diff = Math.min(diff, this.burst);
      const victims = getPodsToDelete(pods, this.indirectlyRelatedPods(rs), diff, this.now());
      this.expectations.expectDeletions(key, victims.map(podKey));
      const results = await Promise.allSettled(victims.map(async (pod) => {
        try {
          await this.podControl.deletePod(rs.metadata.namespace ?? '', pod.metadata.name ?? '', rs);
        } catch (e) {
          // the informer will not report a deletion that did not happen
          this.expectations.deletionObserved(key, podKey(pod));
          if (!isNotFound(e)) throw e;
        }
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  private trySelector(rs: ReplicaSet): Selector | undefined {
    try {
      return this.kind.selector(rs);
    } catch {
      return undefined;
    }
  }

  /** Pods of every ReplicaSet controlled by the same owner as `rs` (for ranking doubled-up nodes). */
  private indirectlyRelatedPods(rs: ReplicaSet): Pod[] {
    const owner = controllerRef(rs);
    if (!owner) return []; // upstream ranks a standalone ReplicaSet's pods without node counts
    const siblings = this.sets.store.byNamespace(rs.metadata.namespace ?? '').filter((s) => controllerRef(s)?.uid === owner.uid);
    const seen = new Set<string>();
    const out: Pod[] = [];
    for (const s of siblings) {
      for (const pod of this.pods.store.byIndex(CONTROLLER_UID_INDEX, s.metadata.uid ?? '')) {
        if (seen.has(pod.metadata.uid ?? '')) continue;
        seen.add(pod.metadata.uid ?? '');
        out.push(pod);
      }
    }
    return out;
  }
}


