// pkg/controller/deployment/sync.go: finding or creating the new ReplicaSet and syncing revisions, proportional
// scaling, history cleanup and the status computed from the ReplicaSets.
import { isNotFound, isAlreadyExists } from '../../apimachinery/errors.js';
import { jsonEqual } from '../../apimachinery/json.js';
import { builtin } from '../../client/resources.js';
import { controllerRef } from '../../client/controller.js';
import { newControllerRef } from '../common/controller-ref-manager.js';
import { isNamespaceTerminating } from '../common/errors.js';
import { specReplicas, type LabelSelector, type ReplicaSet } from '../replicaset/types.js';
import type { DeploymentSyncContext } from './context.js';
import { computeHash } from './hash.js';
import { DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND, POD_TEMPLATE_HASH_LABEL, type Deployment, type DeploymentStatus } from './types.js';
import {
  AVAILABLE, availableReplicaCount, actualReplicaCount, byRevision, bySizeNewer, bySizeOlder, deploymentReplicas, desiredReplicasAnnotation,
  equalIgnoreHash, FAILED_RS_CREATE_REASON, filterActiveReplicaSets, findActiveOrLatest, findNewReplicaSet, findOldReplicaSets,
  FOUND_NEW_RS_REASON, getDeploymentCondition, getProportion, hasProgressDeadline, hasRevisionHistoryLimit, isRollingUpdate, isSaturated,
  maxRevision, maxSurge, maxUnavailable, MINIMUM_REPLICAS_AVAILABLE, MINIMUM_REPLICAS_UNAVAILABLE, newDeploymentCondition,
  NEW_REPLICASET_REASON, newRSNewReplicas, PAUSED_DEPLOY_REASON, PROGRESSING, readyReplicaCount, replicaCount,
  replicasAnnotationsNeedUpdate, RESUMED_DEPLOY_REASON, REVISION_ANNOTATION, setDeploymentCondition, setDeploymentRevision,
  setNewReplicaSetAnnotations, setReplicasAnnotations, TIMED_OUT_REASON,
} from './util.js';
import { getRollbackTo } from './rollback-annotation.js';

/** Revision history kept in the revision-history annotation, in characters (about 100 revisions). */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Writes the deployment's status (and, as upstream's status strategy allows, its annotations). */
export async function updateDeploymentStatus(dc: DeploymentSyncContext, d: Deployment): Promise<void> {
  const updated = await dc.client.updateStatus<Deployment>(builtin.deployments, d);
  // later writes in this sync must not conflict with our own
  d.metadata.resourceVersion = updated.metadata.resourceVersion;
}

async function updateReplicaSet(dc: DeploymentSyncContext, rs: ReplicaSet): Promise<ReplicaSet> {
  return dc.client.update<ReplicaSet>(builtin.replicaSets, rs);
}

/** syncStatusOnly: a deployment being deleted only has its status kept current. */
export async function syncStatusOnly(dc: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  await syncDeploymentStatus(dc, [...oldRSs, newRS], newRS, d);
}

/** sync: scaling events and paused deployments. */
export async function sync(dc: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  await scale(dc, d, newRS, oldRSs);
  // a paused deployment still has its history trimmed, unless a rollback is pending
  if (d.spec.paused && getRollbackTo(d) === undefined) await cleanupDeployment(dc, oldRSs, d);
  await syncDeploymentStatus(dc, [...oldRSs, newRS], newRS, d);
}

/** Records pausing and resuming in the Progressing condition so paused time never counts against the deadline. */
export async function checkPausedConditions(dc: DeploymentSyncContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getDeploymentCondition(d.status, PROGRESSING);
  if (cond?.reason === TIMED_OUT_REASON) return; // a reported failure is not overwritten
  const pausedCondExists = cond?.reason === PAUSED_DEPLOY_REASON;
  const status = (d.status ??= {});
  if (d.spec.paused && !pausedCondExists) {
    setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'Unknown', PAUSED_DEPLOY_REASON, 'Deployment is paused', dc.now()));
  } else if (!d.spec.paused && pausedCondExists) {
    setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'Unknown', RESUMED_DEPLOY_REASON, 'Deployment is resumed', dc.now()));
  } else {
    return;
  }
  await updateDeploymentStatus(dc, d);
}

export interface AllReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** The new ReplicaSet (created when asked and missing) with revisions synced, and every old one. */
export async function getAllReplicaSetsAndSyncRevision(dc: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[], createIfNotExisted: boolean): Promise<AllReplicaSets> {
  const { allOld } = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(dc, d, rsList, allOld, createIfNotExisted);
  return { newRS, oldRSs: allOld };
}

/** CloneSelectorAndAddLabel. */
function selectorWithLabel(selector: LabelSelector | undefined, key: string, value: string): LabelSelector {
  const out: LabelSelector = structuredClone(selector ?? {});
  out.matchLabels = { ...(out.matchLabels ?? {}), [key]: value };
  return out;
}

/**
 * getNewReplicaSet: the ReplicaSet matching the deployment's template with its annotations and revision brought up
 * to date, or (createIfNotExisted) a new one named `<deployment>-<hash>`, handling hash collisions.
 */
export async function getNewReplicaSet(dc: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);

  if (existing) {
    const rsCopy: ReplicaSet = structuredClone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true, MAX_REV_HISTORY_LENGTH_IN_CHARS);
    const minReadySecondsNeedsUpdate = (rsCopy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
    if (annotationsUpdated || minReadySecondsNeedsUpdate) {
      rsCopy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
      return updateReplicaSet(dc, rsCopy);
    }
    // the deployment takes the revision its new ReplicaSet already carries
    let needsUpdate = setDeploymentRevision(d, rsCopy.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
    if (hasProgressDeadline(d) && !getDeploymentCondition(d.status, PROGRESSING)) {
      const msg = `Found new replica set "${rsCopy.metadata.name}"`;
      setDeploymentCondition((d.status ??= {}), newDeploymentCondition(PROGRESSING, 'True', FOUND_NEW_RS_REASON, msg, dc.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await updateDeploymentStatus(dc, d);
    return rsCopy;
  }
  if (!createIfNotExisted) return undefined;

  const template = structuredClone(d.spec.template);
  const hash = computeHash(template, d.status?.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d, DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND)],
      labels: { ...template.metadata.labels! },
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: selectorWithLabel(d.spec.selector, POD_TEMPLATE_HASH_LABEL, hash),
      template,
    },
  };
  const newReplicasCount = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec.replicas = newReplicasCount;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false, MAX_REV_HISTORY_LENGTH_IN_CHARS);

  let alreadyExists = false;
  let created: ReplicaSet;
  try {
    created = await dc.client.create<ReplicaSet>(builtin.replicaSets, newRS);
  } catch (e) {
    if (isAlreadyExists(e)) {
      // a slow cache, or a hash collision with somebody else's ReplicaSet
      alreadyExists = true;
      const rs = dc.cachedReplicaSet(newRS.metadata.namespace ?? '', newRS.metadata.name ?? '');
      if (!rs) throw e;
      const ref = controllerRef(rs);
      if (ref && ref.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec.template)) {
        created = rs;
      } else {
        // a collision: bump collisionCount so the next sync hashes differently
        const status = (d.status ??= {});
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        try {
          await updateDeploymentStatus(dc, d);
        } catch {
          // retried on the next sync
        }
        throw e;
      }
    } else if (isNamespaceTerminating(e)) {
      throw e;
    } else {
      const msg = `Failed to create new replica set "${newRS.metadata.name}": ${errText(e)}`;
      if (hasProgressDeadline(d)) {
        setDeploymentCondition((d.status ??= {}), newDeploymentCondition(PROGRESSING, 'False', FAILED_RS_CREATE_REASON, msg, dc.now()));
        try {
          await updateDeploymentStatus(dc, d);
        } catch {
          // the creation failure is what gets reported
        }
      }
      dc.event(d, 'Warning', FAILED_RS_CREATE_REASON, msg);
      throw e;
    }
  }
  if (!alreadyExists && newReplicasCount > 0) {
    dc.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${newReplicasCount}`);
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    const msg = `Created new replica set "${created.metadata.name}"`;
    setDeploymentCondition((d.status ??= {}), newDeploymentCondition(PROGRESSING, 'True', NEW_REPLICASET_REASON, msg, dc.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(dc, d);
  return created;
}

/**
 * scale: on a scaling event (or while paused) sizes change proportionally across the active ReplicaSets, so that
 * neither the rollout is hastened nor more pods become unavailable than allowed.
 */
export async function scale(dc: DeploymentSyncContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const replicas = deploymentReplicas(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (specReplicas(activeOrLatest) === replicas) return;
    await scaleReplicaSetAndRecordEvent(dc, activeOrLatest, replicas, d);
    return;
  }
  // a saturated new ReplicaSet means the old ones can go entirely
  if (isSaturated(d, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(dc, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;

  const allRSs = filterActiveReplicaSets([...oldRSs, newRS]);
  const allRSsReplicas = replicaCount(allRSs);
  const allowedSize = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowedSize - allRSsReplicas;
  let operation = '';
  if (toAdd > 0) {
    allRSs.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    allRSs.sort(bySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const nameToSize = new Map<string, number>();
  for (const rs of allRSs) {
    if (toAdd !== 0) {
      const proportion = getProportion(rs, d, toAdd, added);
      nameToSize.set(rs.metadata.name ?? '', specReplicas(rs) + proportion);
      added += proportion;
    } else {
      nameToSize.set(rs.metadata.name ?? '', specReplicas(rs));
    }
  }
  for (let i = 0; i < allRSs.length; i++) {
    const rs = allRSs[i];
    const name = rs.metadata.name ?? '';
    // leftovers go to (or come from) the largest ReplicaSet
    if (i === 0 && toAdd !== 0) nameToSize.set(name, Math.max(0, nameToSize.get(name)! + toAdd - added));
    await scaleReplicaSet(dc, rs, nameToSize.get(name)!, d, operation);
  }
}

export async function scaleReplicaSetAndRecordEvent(dc: DeploymentSyncContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  if (specReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(dc, rs, newScale, d, specReplicas(rs) < newScale ? 'up' : 'down');
}

/** Writes the new size and the desired/max replica annotations; records ScalingReplicaSet when the size changed. */
export async function scaleReplicaSet(dc: DeploymentSyncContext, rs: ReplicaSet, newScale: number, d: Deployment, operation: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const sizeNeedsUpdate = specReplicas(rs) !== newScale;
  const desired = deploymentReplicas(d);
  const max = desired + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const oldScale = specReplicas(rs);
  const rsCopy: ReplicaSet = structuredClone(rs);
  rsCopy.spec.replicas = newScale;
  setReplicasAnnotations(rsCopy, desired, max);
  const updated = await updateReplicaSet(dc, rsCopy);
  if (sizeNeedsUpdate) {
    dc.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} to ${newScale} from ${oldScale}`);
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

/** Keeps the newest revisionHistoryLimit old ReplicaSets; only fully scaled-down, settled ones are deleted. */
export async function cleanupDeployment(dc: DeploymentSyncContext, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => rs && !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - (d.spec.revisionHistoryLimit ?? 0);
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i];
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
    try {
      await dc.client.delete(builtin.replicaSets, rs.metadata.name ?? '', { namespace: rs.metadata.namespace });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** The status fields compared the way Go compares the struct: absent and zero are the same. */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const norm = (s: DeploymentStatus | undefined) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s ?? {})) {
      if (v === undefined || v === null || (k !== 'collisionCount' && v === 0) || (Array.isArray(v) && v.length === 0)) continue;
      out[k] = v;
    }
    return out;
  };
  return jsonEqual(norm(a), norm(b));
}

export async function syncDeploymentStatus(dc: DeploymentSyncContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, dc.now());
  if (statusEqual(d.status, status)) return;
  d.status = status;
  await updateDeploymentStatus(dc, d);
}

/** calculateStatus: counters summed over the ReplicaSets and the Available condition. */
export function calculateStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, nowMs?: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  // Go omits zero counters (omitempty); sending them would show `unavailableReplicas: 0`
  for (const k of Object.keys(status) as (keyof DeploymentStatus)[]) if (status[k] === 0 || status[k] === undefined) delete status[k];
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= deploymentReplicas(d) - maxUnavailable(d)) {
    setDeploymentCondition(status, newDeploymentCondition(AVAILABLE, 'True', MINIMUM_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', nowMs));
  } else {
    setDeploymentCondition(status, newDeploymentCondition(AVAILABLE, 'False', MINIMUM_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** isScalingEvent: an active ReplicaSet was sized for a different replica count than the deployment now asks. */
export async function isScalingEvent(dc: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  for (const rs of filterActiveReplicaSets([...oldRSs, newRS])) {
    const desired = desiredReplicasAnnotation(rs);
    if (desired === undefined) continue;
    if (desired !== deploymentReplicas(d)) return true;
  }
  return false;
}

