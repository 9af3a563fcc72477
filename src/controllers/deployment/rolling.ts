// pkg/controller/deployment/rolling.go: scale the new ReplicaSet up within maxSurge, then the old ones down
// within maxUnavailable (unhealthy pods first), one step per sync.
import { specReplicas, type ReplicaSet } from '../replicaset/types.js';
import type { DeploymentSyncContext } from './context.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent } from './sync.js';
import type { Deployment } from './types.js';
import {
  availableReplicaCount, byCreationTimestamp, deploymentComplete, deploymentReplicas, filterActiveReplicaSets, maxUnavailable,
  newRSNewReplicas, replicaCount,
} from './util.js';

export async function rolloutRolling(dc: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, true);
  const allRSs = [...oldRSs, newRS!];

  if (await reconcileNewReplicaSet(dc, allRSs, newRS!, d)) return syncRolloutStatus(dc, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(dc, allRSs, filterActiveReplicaSets(oldRSs), newRS!, d)) return syncRolloutStatus(dc, allRSs, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(dc, oldRSs, d);
  return syncRolloutStatus(dc, allRSs, newRS, d);
}

export async function reconcileNewReplicaSet(dc: DeploymentSyncContext, allRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  const replicas = deploymentReplicas(d);
  if (specReplicas(newRS) === replicas) return false;
  if (specReplicas(newRS) > replicas) return (await scaleReplicaSetAndRecordEvent(dc, newRS, replicas, d)).scaled;
  return (await scaleReplicaSetAndRecordEvent(dc, newRS, newRSNewReplicas(d, allRSs, newRS), d)).scaled;
}

/**
 * How many old pods may go now: all pods, minus the minimum that must stay available, minus the new pods that are
 * not available yet (they cannot be counted on).
 */
export function maxScaledDown(allRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): number {
  const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
  const newRSUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  return replicaCount(allRSs) - minAvailable - newRSUnavailable;
}

export async function reconcileOldReplicaSets(dc: DeploymentSyncContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false; // nothing left to scale down
  const limit = maxScaledDown(allRSs, newRS, d);
  if (limit <= 0) return false;
  // unhealthy old pods go first: removing them cannot make availability worse
  const cleaned = await cleanupUnhealthyReplicas(dc, oldRSs, d, limit);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(dc, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  return cleaned.scaledDown + scaledDown > 0;
}

/** Scales old ReplicaSets down by their unavailable replicas, oldest first, at most maxCleanupCount in total. */
export async function cleanupUnhealthyReplicas(dc: DeploymentSyncContext, oldRSs: ReplicaSet[], d: Deployment, maxCleanupCount: number): Promise<{ oldRSs: ReplicaSet[]; scaledDown: number }> {
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanupCount) break;
    const rs = sorted[i];
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanupCount - total, replicas - available);
    const newCount = replicas - count;
    if (newCount > replicas) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicas} -> ${newCount}`);
    sorted[i] = (await scaleReplicaSetAndRecordEvent(dc, rs, newCount, d)).rs;
    total += count;
  }
  return { oldRSs: sorted, scaledDown: total };
}

/** Scales old ReplicaSets down, oldest first, while more than the minimum is available. */
export async function scaleDownOldReplicaSetsForRollingUpdate(dc: DeploymentSyncContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of sorted) {
    if (total >= toScaleDown) break;
    const replicas = specReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, toScaleDown - total);
    const newCount = replicas - count;
    if (newCount > replicas) throw new Error(`when scaling down old RS, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicas} -> ${newCount}`);
    await scaleReplicaSetAndRecordEvent(dc, rs, newCount, d);
    total += count;
  }
  return total;
}
