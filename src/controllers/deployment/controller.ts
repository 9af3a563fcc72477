// The Deployment controller as kube-controller-manager runs it (pkg/controller/deployment/deployment_controller.go):
// informers for deployments, ReplicaSets and pods; ReplicaSet events mapped to the owning deployment (orphans to
// every deployment whose selector matches); and syncDeployment, which claims ReplicaSets, then pauses, rolls back,
// scales or rolls out in that order of priority.
import type { Selector } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../client/client.js';
import { controllerRef } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { objectKey, splitObjectKey } from '../../client/store.js';
import { RS_KIND, type Pod, type ReplicaSet } from '../replicaset/types.js';
import { claimDependents } from '../common/controller-ref-manager.js';
import type { DeploymentSyncContext } from './context.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { rollback } from './rollback.js';
import { getRollbackTo } from './rollback-annotation.js';
import { rolloutRolling } from './rolling.js';
import { checkPausedConditions, isScalingEvent, sync, syncStatusOnly, updateDeploymentStatus } from './sync.js';
import { DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND, type Deployment } from './types.js';
import { OwnerMapping, resolveControllerRef, selectorOrUndefined } from '../common/owners.js';
import { errorText, QueueController } from '../common/queue-controller.js';
import { warnSyncError } from '../common/sync-errors.js';

export const DEPLOYMENT_CONTROLLER_NAME = 'deployment-controller';

export interface DeploymentControllerOptions {
  /** Concurrent syncs (--concurrent-deployment-syncs); default 5. */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
  now?: () => number;
}


export class DeploymentController extends QueueController {
  private readonly deployments: SharedInformer<Deployment>;
  private readonly replicaSets: SharedInformer<ReplicaSet>;
  private readonly pods: SharedInformer<Pod>;
  /** ReplicaSets to their Deployment (GetDeploymentsForReplicaSet for orphans). */
  private readonly owners: OwnerMapping<Deployment>;
  private readonly ctx: DeploymentSyncContext;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: DeploymentControllerOptions = {}) {
    super(client, DEPLOYMENT_CONTROLLER_NAME, 'deployment', {
      workers: opts.workers,
      now: opts.now,
      onError: opts.onError ?? ((key, err) => warnSyncError(err, `${DEPLOYMENT_CONTROLLER_NAME}: error syncing deployment ${key}, requeuing: ${errorText(err)}`)),
    });
    this.deployments = factory.informerFor<Deployment>(builtin.deployments);
    this.replicaSets = factory.informerFor<ReplicaSet>(builtin.replicaSets);
    this.pods = factory.informerFor<Pod>(builtin.pods);
    this.owners = new OwnerMapping(this.deployments.store, DEPLOYMENT_KIND, trySelector);
    this.ctx = {
      client,
      event: (d, type, reason, message) => this.recorder.event(d, type, reason, message, { kind: DEPLOYMENT_KIND, apiVersion: DEPLOYMENT_API_VERSION }),
      cachedReplicaSet: (ns, name) => this.replicaSets.store.getByName(ns, name),
      enqueueAfter: (d, ms) => this.queue.addAfter(objectKey(d), ms),
      enqueueRateLimited: (d) => this.queue.addRateLimited(objectKey(d)),
      now: this.now,
    };

    this.deployments.addEventHandler(this.enqueueHandlers({ onDelete: true }));
    this.replicaSets.addEventHandler({ onAdd: (rs) => this.addReplicaSet(rs), onUpdate: (o, c) => this.updateReplicaSet(o, c), onDelete: (rs) => this.deleteReplicaSet(rs) });
    this.pods.addEventHandler({ onDelete: (p) => this.deletePod(p) });
  }

  protected caches() {
    return [this.deployments, this.replicaSets, this.pods];
  }

  protected sync(key: string): Promise<void> {
    return this.syncDeployment(key);
  }

  // ---- event handlers ----

  private addReplicaSet(rs: ReplicaSet): void {
    if (rs.metadata.deletionTimestamp) return this.deleteReplicaSet(rs);
    this.enqueueOwners(this.owners.added(rs));
  }

  private updateReplicaSet(oldRS: ReplicaSet, curRS: ReplicaSet): void {
    if (oldRS.metadata.resourceVersion === curRS.metadata.resourceVersion) return;
    this.enqueueOwners(this.owners.updated(oldRS, curRS));
  }

  private deleteReplicaSet(rs: ReplicaSet): void {
    const d = this.owners.controllerOf(rs);
    if (d) this.enqueue(d);
  }

  /** A Recreate rollout waits for the last old pod to go; its deletion is the signal to continue. */
  private deletePod(pod: Pod): void {
    const d = this.getDeploymentForPod(pod);
    if (d?.spec.strategy?.type !== 'Recreate') return;
    const rsList = this.replicaSets.store.byNamespace(d.metadata.namespace ?? '').filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
    let pods = 0;
    for (const list of this.getPodMapForDeployment(d, rsList).values()) pods += list.length;
    if (pods === 0) this.enqueue(d);
  }

  /** The pod's ReplicaSet's Deployment. */
  private getDeploymentForPod(pod: Pod): Deployment | undefined {
    const podRef = controllerRef(pod);
    const rs = podRef && resolveControllerRef(this.replicaSets.store, pod.metadata.namespace, podRef, RS_KIND);
    return rs ? this.owners.controllerOf(rs) : undefined;
  }

  // ---- sync ----

  async syncDeployment(key: string): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const cached = this.deployments.store.getByName(namespace, name);
    if (!cached) return; // deleted: the garbage collector removes its ReplicaSets
    const d: Deployment = structuredClone(cached);

    const sel = d.spec.selector;
    // an empty (not missing) selector would select every pod of the namespace
    if (sel && !sel.matchLabels && !sel.matchExpressions) {
      this.ctx.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        (d.status ??= {}).observedGeneration = d.metadata.generation;
        await updateDeploymentStatus(this.ctx, d);
      }
      return;
    }
    const selector = trySelector(d);
    if (!selector) throw new Error(`deployment ${key} has an invalid selector`);

    const rsList = await this.getReplicaSetsForDeployment(d, selector);
    const podMap = this.getPodMapForDeployment(d, rsList);

    if (d.metadata.deletionTimestamp) return syncStatusOnly(this.ctx, d, rsList);
    await checkPausedConditions(this.ctx, d);
    if (d.spec.paused) return sync(this.ctx, d, rsList);
    if (getRollbackTo(d) !== undefined) return rollback(this.ctx, d, rsList);
    if (await isScalingEvent(this.ctx, d, rsList)) return sync(this.ctx, d, rsList);
    switch (d.spec.strategy?.type ?? 'RollingUpdate') {
      case 'Recreate':
        return rolloutRecreate(this.ctx, d, rsList, podMap);
      case 'RollingUpdate':
        return rolloutRolling(this.ctx, d, rsList);
      default:
        throw new Error(`unexpected deployment strategy type: ${d.spec.strategy?.type}`);
    }
  }

  /** ClaimReplicaSets: adopt matching orphans, release owned ones that stopped matching. */
  private async getReplicaSetsForDeployment(d: Deployment, selector: Selector): Promise<ReplicaSet[]> {
    const all = this.replicaSets.store.byNamespace(d.metadata.namespace ?? '');
    const claimed = await claimDependents(this.client, {
      owner: d, ownerResource: builtin.deployments, ownerApiVersion: DEPLOYMENT_API_VERSION, ownerKind: DEPLOYMENT_KIND, selector, dependents: builtin.replicaSets,
    }, all);
    return claimed.map((rs) => structuredClone(rs));
  }

  /** Pods matching the deployment's selector, grouped by the uid of their (owned) ReplicaSet. */
  private getPodMapForDeployment(d: Deployment, rsList: ReplicaSet[]): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata.uid ?? '', [] as Pod[]]));
    const selector = trySelector(d);
    if (!selector) return map;
    for (const pod of this.pods.store.byNamespace(d.metadata.namespace ?? '')) {
      if (!selector.matches(pod.metadata.labels)) continue;
      const ref = controllerRef(pod);
      if (ref) map.get(ref.uid)?.push(pod);
    }
    return map;
  }
}

function trySelector(d: Deployment): Selector | undefined {
  return selectorOrUndefined(d.spec.selector);
}
