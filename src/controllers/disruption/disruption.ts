// The disruption controller (pkg/controller/disruption/disruption.go) keeps each PodDisruptionBudget's status current:
// expectedPods (the scale of the pods' controllers for percentages and maxUnavailable, else the pods), desiredHealthy,
// currentHealthy (ready pods not being deleted nor just evicted), disruptionsAllowed and the DisruptionAllowed
// condition the eviction subresource checks. Evictions it has not seen happen within two minutes are forgotten, and
// a DisruptionTarget condition left on a pod that was never deleted is reset after two minutes.
import { isNotFound, isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import { labelSelectorAsSelector, formatLabelSelector } from '../../apimachinery/labels.js';
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import { parseApiVersion } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import { controllerRef, type ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin, groupVersionPath, type ResourceDescriptor } from '../../client/resources.js';
import { splitObjectKey } from '../../client/store.js';
import { WorkQueue } from '../../client/workqueue.js';
import { scaledValueFromIntOrPercent } from '../deployment/intstr.js';
import { errorText, QueueController, type QueueControllerOptions } from '../common/queue-controller.js';
import { isPodReady } from '../replicaset/pod-ranking.js';
import type { Pod } from '../statefulset/types.js';
import { warnSyncError } from '../common/sync-errors.js';
import { rfc3339 } from '../../apimachinery/time.js';
import type * as policy from '../../api/generated/policy-v1.js';
import type { Condition } from '../../api/generated/meta-v1.js';

export const DISRUPTION_CONTROLLER = 'disruption-controller';
/** DeletionTimeout: how long an eviction recorded in disruptedPods waits for the pod's deletion to be seen. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
/** stalePodDisruptionTimeout. */
export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60_000;

export const DISRUPTION_ALLOWED_CONDITION = 'DisruptionAllowed';
export const SUFFICIENT_PODS_REASON = 'SufficientPods';
export const INSUFFICIENT_PODS_REASON = 'InsufficientPods';
export const SYNC_FAILED_REASON = 'SyncFailed';


/** policy/v1 PodDisruptionBudget with `spec` required (the API server defaults it). */
export interface PodDisruptionBudget extends policy.PodDisruptionBudget {
  spec: policy.PodDisruptionBudgetSpec;
}

interface Scaled extends KubeObject {
  spec: { replicas?: number };
}

export interface DisruptionControllerOptions extends QueueControllerOptions {
}


/** apimeta.SetStatusCondition: the transition time moves only when the status does. */
function setStatusCondition(conditions: Condition[], c: Omit<Condition, 'lastTransitionTime'>, nowMs: number): Condition[] {
  const existing = conditions.find((x) => x.type === c.type);
  if (!existing) return [...conditions, { ...c, lastTransitionTime: rfc3339(nowMs) }];
  return conditions.map((x) => (x.type !== c.type ? x : { ...x, ...c, lastTransitionTime: x.status !== c.status ? rfc3339(nowMs) : x.lastTransitionTime }));
}

/** pdbhelper.UpdateDisruptionAllowedCondition. */
export function updateDisruptionAllowedCondition(pdb: PodDisruptionBudget, nowMs: number): void {
  const status = pdb.status!;
  const allowed = status.disruptionsAllowed > 0;
  status.conditions = setStatusCondition(status.conditions ?? [], {
    type: DISRUPTION_ALLOWED_CONDITION, status: allowed ? 'True' : 'False', reason: allowed ? SUFFICIENT_PODS_REASON : INSUFFICIENT_PODS_REASON,
    message: '', observedGeneration: status.observedGeneration,
  }, nowMs);
}

/** pdbhelper.ConditionsAreUpToDate. */
function conditionsAreUpToDate(pdb: PodDisruptionBudget): boolean {
  const cond = pdb.status?.conditions?.find((c) => c.type === DISRUPTION_ALLOWED_CONDITION);
  if (!cond || (pdb.status?.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  return (pdb.status?.disruptionsAllowed ?? 0) > 0 ? cond.status === 'True' && cond.reason === SUFFICIENT_PODS_REASON : cond.status === 'False' && cond.reason === INSUFFICIENT_PODS_REASON;
}

/** GetPodPodDisruptionBudgets (policy/v1): PDBs of the pod's namespace whose selector matches — empty matches all. */
export function podDisruptionBudgetsFor(pdbs: PodDisruptionBudget[], pod: KubeObject): PodDisruptionBudget[] {
  return pdbs.filter((pdb) => {
    try {
      return labelSelectorAsSelector(pdb.spec.selector).matches(pod.metadata.labels ?? {});
    } catch {
      return false;
    }
  });
}

export class DisruptionController extends QueueController {
  /** Pods whose DisruptionTarget condition may have gone stale. */
  readonly stalePodDisruptionQueue = new WorkQueue<string>({ name: 'stale_pod_disruption' });
  private readonly pdbs: SharedInformer<PodDisruptionBudget>;
  private readonly pods: SharedInformer<Pod>;
  private readonly rcs: SharedInformer<Scaled>;
  private readonly rss: SharedInformer<Scaled>;
  private readonly deployments: SharedInformer<Scaled>;
  private readonly statefulSets: SharedInformer<Scaled>;
  /** kind → resource, learnt from discovery for controllers without a lister (getScaleController). */
  private readonly scaleResources = new Map<string, ResourceDescriptor>();

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: DisruptionControllerOptions = {}) {
    super(client, DISRUPTION_CONTROLLER, 'disruption', { ...opts, eventSource: 'controllermanager' });
    this.pdbs = factory.informerFor<PodDisruptionBudget>(builtin.podDisruptionBudgets);
    this.pods = factory.informerFor<Pod>(builtin.pods);
    this.rcs = factory.informerFor<Scaled>(builtin.replicationControllers);
    this.rss = factory.informerFor<Scaled>(builtin.replicaSets);
    this.deployments = factory.informerFor<Scaled>(builtin.deployments);
    this.statefulSets = factory.informerFor<Scaled>(builtin.statefulSets);
    this.pdbs.addEventHandler(this.enqueueHandlers({ onDelete: true }));
    const podChanged = (pod: Pod) => {
      const pdb = this.getPdbForPod(pod);
      if (pdb) this.enqueue(pdb);
      const stale = this.nonTerminatingPodHasStaleDisruptionCondition(pod);
      if (stale !== undefined) this.stalePodDisruptionQueue.addAfter(`${pod.metadata.namespace}/${pod.metadata.name}`, stale);
    };
    this.pods.addEventHandler({
      onAdd: podChanged,
      onUpdate: (_o, p) => podChanged(p),
      onDelete: (pod) => {
        const pdb = this.getPdbForPod(pod);
        if (pdb) this.enqueue(pdb);
      },
    });
    // stalePodDisruptionWorker: one worker clears stale DisruptionTarget conditions
    this.addQueue(this.stalePodDisruptionQueue, (key) => this.syncStalePodDisruption(key), {
      onError: (key, err) => warnSyncError(err, `${DISRUPTION_CONTROLLER}: error syncing Pod ${key} to clear DisruptionTarget condition, requeueing: ${errorText(err)}`),
    });
  }

  protected caches() {
    return [this.pods, this.pdbs, this.rcs, this.rss, this.deployments, this.statefulSets];
  }

  private getPdbForPod(pod: Pod): PodDisruptionBudget | undefined {
    const pdbs = this.pdbs.store.byNamespace(pod.metadata.namespace ?? '');
    if (pdbs.length === 0) return undefined;
    const matching = podDisruptionBudgetsFor(pdbs, pod);
    if (matching.length > 1) {
      const msg = `Pod "${pod.metadata.namespace}"/"${pod.metadata.name}" matches multiple PodDisruptionBudgets.  Chose "${matching[0].metadata.name}" arbitrarily.`;
      this.recorder.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', msg, { kind: 'Pod', apiVersion: 'v1' });
    }
    return matching[0];
  }

  protected async sync(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitObjectKey(key);
    const pdb = this.pdbs.store.getByName(namespace, name);
    if (!pdb) return;
    try {
      return await this.trySync(pdb);
    } catch (e) {
      // a conflict just retries; anything else first closes the budget (fail safe)
      if (isAlreadyExistsOrConflict(e)) throw e;
      await this.failSafe(pdb, e);
      throw e;
    }
  }

  private async trySync(pdb: PodDisruptionBudget): Promise<ReconcileResult> {
    let pods: Pod[];
    try {
      const sel = labelSelectorAsSelector(pdb.spec.selector);
      pods = this.pods.store.byNamespace(pdb.metadata.namespace ?? '').filter((p) => sel.matches(p.metadata.labels ?? {}));
    } catch (e) {
      this.event(pdb, 'Warning', 'NoPods', `Failed to get pods: ${errorText(e)}`);
      throw e;
    }
    if (pods.length === 0) this.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let counts: { expectedCount: number; desiredHealthy: number; unmanagedPods: string[] };
    try {
      counts = await this.getExpectedPodCount(pdb, pods);
    } catch (e) {
      this.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${errorText(e)}`);
      throw e;
    }
    if (counts.unmanagedPods.length > 0) {
      this.event(pdb, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${formatLabelSelector(pdb.spec.selector)}) were found `
        + 'to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. '
        + 'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.');
    }
    const now = this.now();
    const { disruptedPods, recheckTime } = this.buildDisruptedPodMap(pods, pdb, now);
    const currentHealthy = countHealthyPods(pods, disruptedPods, now);
    await this.updatePdbStatus(pdb, currentHealthy, counts.desiredHealthy, counts.expectedCount, disruptedPods);
    if (recheckTime !== undefined) return { requeueAfter: recheckTime - now };
  }

  private event(pdb: PodDisruptionBudget, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(pdb, type, reason, message, { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1' });
  }

  /** getExpectedPodCount: expected pods and desired healthy pods from maxUnavailable or minAvailable. */
  private async getExpectedPodCount(pdb: PodDisruptionBudget, pods: Pod[]): Promise<{ expectedCount: number; desiredHealthy: number; unmanagedPods: string[] }> {
    const { maxUnavailable, minAvailable } = pdb.spec;
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      const { expectedCount, unmanagedPods } = await this.getExpectedScale(pods);
      const max = scaledValueFromIntOrPercent(maxUnavailable, expectedCount, true);
      return { expectedCount, desiredHealthy: Math.max(0, expectedCount - max), unmanagedPods };
    }
    if (minAvailable !== undefined && minAvailable !== null) {
      if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
      const { expectedCount, unmanagedPods } = await this.getExpectedScale(pods);
      return { expectedCount, desiredHealthy: scaledValueFromIntOrPercent(minAvailable, expectedCount, true), unmanagedPods };
    }
    return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
  }

  /** getExpectedScale: the sum of the scales of the controllers of the pods (pods without one are unmanaged). */
  private async getExpectedScale(pods: Pod[]): Promise<{ expectedCount: number; unmanagedPods: string[] }> {
    const scales = new Map<string, number>();
    const unmanagedPods: string[] = [];
    for (const pod of pods) {
      const ref = controllerRef(pod);
      if (!ref) {
        unmanagedPods.push(pod.metadata.name ?? '');
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const found = await this.findController(ref, pod.metadata.namespace ?? '');
      if (!found) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata.name)}`);
      scales.set(found.uid, found.scale);
    }
    let expectedCount = 0;
    for (const n of scales.values()) expectedCount += n;
    return { expectedCount, unmanagedPods };
  }

  /** The finders in upstream's order: ReplicationController, Deployment (through its ReplicaSet), ReplicaSet, StatefulSet, any /scale. */
  private async findController(ref: OwnerReference, namespace: string): Promise<{ uid: string; scale: number } | undefined> {
    const group = parseApiVersion(ref.apiVersion).group;
    const cached = (informer: SharedInformer<Scaled>, name: string, uid: string) => {
      const o = informer.store.getByName(namespace, name);
      return o && o.metadata.uid === uid ? o : undefined;
    };
    const scaleOf = (o: Scaled) => ({ uid: o.metadata.uid ?? '', scale: o.spec.replicas ?? 1 });
    if (ref.kind === 'ReplicationController' && group === '') {
      const rc = cached(this.rcs, ref.name, ref.uid);
      if (rc) return scaleOf(rc);
    }
    if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
      const rs = cached(this.rss, ref.name, ref.uid);
      if (rs) {
        const owner = controllerRef(rs);
        if (owner && owner.kind === 'Deployment') {
          const d = ['apps', 'extensions'].includes(parseApiVersion(owner.apiVersion).group) ? cached(this.deployments, owner.name, owner.uid) : undefined;
          return d ? scaleOf(d) : undefined;
        }
        return scaleOf(rs);
      }
    }
    if (ref.kind === 'StatefulSet' && group === 'apps') {
      const ss = cached(this.statefulSets, ref.name, ref.uid);
      if (ss) return scaleOf(ss);
    }
    return this.getScaleController(ref, namespace);
  }

  /** getScaleController: any other controller, through its scale subresource. */
  private async getScaleController(ref: OwnerReference, namespace: string): Promise<{ uid: string; scale: number } | undefined> {
    const { group, version } = parseApiVersion(ref.apiVersion);
    const mapKey = `${ref.apiVersion}/${ref.kind}`;
    let res = this.scaleResources.get(mapKey);
    if (!res) {
      const list = await this.client.rest.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>({ method: 'GET', path: groupVersionPath({ group, version }) });
      const main = list.resources.find((r) => r.kind === ref.kind && !r.name.includes('/'));
      if (!main) throw new Error(`no matches for kind ${JSON.stringify(ref.kind)} in version ${JSON.stringify(ref.apiVersion)}`);
      if (!list.resources.some((r) => r.name === `${main.name}/scale`)) throw new Error(`${group ? `${main.name}.${group}` : main.name} does not implement the scale subresource`);
      res = { group, version, resource: main.name, namespaced: main.namespaced, kind: ref.kind };
      this.scaleResources.set(mapKey, res);
    }
    try {
      const scale = await this.client.getScale(res, ref.name, { namespace });
      return scale.metadata.uid === ref.uid ? { uid: ref.uid, scale: scale.spec?.replicas ?? 0 } : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** buildDisruptedPodMap: recorded evictions still awaiting their deletion, and when to look again. */
  private buildDisruptedPodMap(pods: Pod[], pdb: PodDisruptionBudget, now: number): { disruptedPods: Record<string, string>; recheckTime?: number } {
    const recorded = pdb.status?.disruptedPods;
    const disruptedPods: Record<string, string> = {};
    let recheckTime: number | undefined;
    if (!recorded) return { disruptedPods };
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      const at = recorded[pod.metadata.name ?? ''];
      if (at === undefined || at === null) continue;
      const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (expectedDeletion < now) {
        this.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`, { kind: 'Pod', apiVersion: 'v1' });
      } else {
        if (recheckTime === undefined || expectedDeletion < recheckTime) recheckTime = expectedDeletion;
        disruptedPods[pod.metadata.name ?? ''] = at;
      }
    }
    return { disruptedPods, recheckTime };
  }

  private async updatePdbStatus(pdb: PodDisruptionBudget, currentHealthy: number, desiredHealthy: number, expectedPods: number, disruptedPods: Record<string, string>): Promise<void> {
    // nothing may be disrupted while the budget matches no pods, so the first pods are safe before a sync
    let disruptionsAllowed = currentHealthy - desiredHealthy;
    if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
    const st = pdb.status;
    const sameDisrupted = JSON.stringify(Object.entries(st?.disruptedPods ?? {}).sort()) === JSON.stringify(Object.entries(disruptedPods).sort());
    if (st && st.currentHealthy === currentHealthy && st.desiredHealthy === desiredHealthy && st.expectedPods === expectedPods && st.disruptionsAllowed === disruptionsAllowed
      && sameDisrupted && (st.observedGeneration ?? 0) === (pdb.metadata.generation ?? 0) && conditionsAreUpToDate(pdb)) return;
    const next: PodDisruptionBudget = { ...pdb, status: { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, observedGeneration: pdb.metadata.generation, conditions: st?.conditions ?? [] } };
    if (Object.keys(disruptedPods).length > 0) next.status!.disruptedPods = disruptedPods;
    updateDisruptionAllowedCondition(next, this.now());
    await this.client.updateStatus(builtin.podDisruptionBudgets, next);
  }

  /** failSafe: at least close the budget (disruptionsAllowed 0, SyncFailed) so evictions stop while it is broken. */
  private async failSafe(pdb: PodDisruptionBudget, err: unknown): Promise<void> {
    const status = { ...(pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 }), disruptionsAllowed: 0 };
    status.conditions = setStatusCondition(status.conditions ?? [], {
      type: DISRUPTION_ALLOWED_CONDITION, status: 'False', reason: SYNC_FAILED_REASON, message: errorText(err), observedGeneration: status.observedGeneration,
    }, this.now());
    await this.client.updateStatus(builtin.podDisruptionBudgets, { ...pdb, status });
  }

  /** nonTerminatingPodHasStaleDisruptionCondition: ms until a DisruptionTarget condition counts as stale. */
  private nonTerminatingPodHasStaleDisruptionCondition(pod: Pod): number | undefined {
    if (pod.metadata.deletionTimestamp) return undefined;
    const cond = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    const phase = pod.status?.phase;
    // the kubelet's own disruption conditions, and those of finished pods, never go stale
    if (cond?.status !== 'True' || cond.reason === 'TerminationByKubelet' || phase === 'Succeeded' || phase === 'Failed') return undefined;
    return Math.max(0, STALE_POD_DISRUPTION_TIMEOUT_MS - (this.now() - Date.parse(String(cond.lastTransitionTime ?? ''))));
  }

  private async syncStalePodDisruption(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitObjectKey(key);
    const pod = this.pods.store.getByName(namespace, name);
    if (!pod) return;
    const waitFor = this.nonTerminatingPodHasStaleDisruptionCondition(pod);
    if (waitFor === undefined) return;
    if (waitFor > 0) return { requeueAfter: waitFor };
    const status = { ...(pod.status ?? {}) };
    // UpdatePodCondition with only type and status: reason and message go with the old condition
    status.conditions = (status.conditions ?? []).map((c) => (c.type === 'DisruptionTarget' ? { type: 'DisruptionTarget', status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(this.now()) } : c));
    await this.client.updateStatus(builtin.pods, { ...pod, status });
  }
}

/** countHealthyPods: ready pods that are neither being deleted nor recorded as just evicted. */
export function countHealthyPods(pods: Pod[], disruptedPods: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disruptedPods[pod.metadata.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}
