// pkg/controller/deployment/progress.go: the Progressing condition (created, updated, complete, timed out),
// ReplicaFailure promoted from the ReplicaSets, and a requeue for when the progress deadline will have passed.
import type { ReplicaSet } from '../replicaset/types.js';
import type { DeploymentSyncContext } from './context.js';
import { calculateStatus, statusEqual, updateDeploymentStatus } from './sync.js';
import type { Deployment, DeploymentCondition, DeploymentStatus } from './types.js';
import {
  deploymentComplete, deploymentProgressing, deploymentTimedOut, getDeploymentCondition, hasProgressDeadline, newDeploymentCondition,
  NEW_RS_AVAILABLE_REASON, PROGRESSING, removeDeploymentCondition, REPLICA_FAILURE, REPLICASET_UPDATED_REASON, setDeploymentCondition,
  TIMED_OUT_REASON,
} from './util.js';

export async function syncRolloutStatus(dc: DeploymentSyncContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const now = dc.now();
  const newStatus = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(newStatus, PROGRESSING);

  const currentCond = getDeploymentCondition(d.status, PROGRESSING);
  const isCompleteDeployment = newStatus.replicas === newStatus.updatedReplicas && currentCond?.reason === NEW_RS_AVAILABLE_REASON;
  // once complete, the condition stays until a new rollout starts
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    if (deploymentComplete(d, newStatus)) {
      const msg = `ReplicaSet "${newRS?.metadata.name ?? ''}" has successfully progressed.`;
      setDeploymentCondition(newStatus, newDeploymentCondition(PROGRESSING, 'True', NEW_RS_AVAILABLE_REASON, msg, now));
    } else if (deploymentProgressing(d, newStatus)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const condition = newDeploymentCondition(PROGRESSING, 'True', REPLICASET_UPDATED_REASON, msg, now);
      // every bit of progress moves lastUpdateTime; the transition time stays while the status stays True
      if (currentCond) {
        if (currentCond.status === 'True') condition.lastTransitionTime = currentCond.lastTransitionTime;
        removeDeploymentCondition(newStatus, PROGRESSING);
      }
      setDeploymentCondition(newStatus, condition);
    } else if (deploymentTimedOut(d, newStatus, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setDeploymentCondition(newStatus, newDeploymentCondition(PROGRESSING, 'False', TIMED_OUT_REASON, msg, now));
    }
  }

  const failures = getReplicaFailures(allRSs, newRS);
  if (failures.length > 0) setDeploymentCondition(newStatus, failures[0]);
  else removeDeploymentCondition(newStatus, REPLICA_FAILURE);

  if (statusEqual(d.status, newStatus)) {
    requeueStuckDeployment(dc, d, newStatus);
    return;
  }
  d.status = newStatus;
  await updateDeploymentStatus(dc, d);
}

/** ReplicaFailure conditions of the new ReplicaSet, else of any ReplicaSet, as deployment conditions. */
export function getReplicaFailures(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const fromRS = (rs: ReplicaSet) => (rs.status?.conditions ?? []).filter((c) => c.type === REPLICA_FAILURE).map((c): DeploymentCondition => ({
    type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime, reason: c.reason, message: c.message,
  }));
  if (newRS) {
    const conds = fromRS(newRS);
    if (conds.length > 0) return conds;
  }
  return allRSs.flatMap((rs) => (rs ? fromRS(rs) : []));
}

/**
 * requeueStuckDeployment: with nothing else happening, only time can make a rollout fail; look again right after
 * the deadline. Returns the delay in ms, or -1 when no requeue is needed.
 */
export function requeueStuckDeployment(dc: DeploymentSyncContext, d: Deployment, newStatus: DeploymentStatus): number {
  const cond = getDeploymentCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond) return -1;
  if (deploymentComplete(d, newStatus) || cond.reason === TIMED_OUT_REASON) return -1;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return -1;
  const after = from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - dc.now();
  if (after < 1000) {
    dc.enqueueRateLimited(d);
    return 0;
  }
  dc.enqueueAfter(d, after + 1000);
  return after;
}
