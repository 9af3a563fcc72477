// pkg/controller/deployment/recreate.go: every old pod is gone before the new ReplicaSet is scaled up.
import type { Pod, ReplicaSet } from '../replicaset/types.js';
import type { DeploymentSyncContext } from './context.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent } from './sync.js';
import type { Deployment } from './types.js';
import { actualReplicaCount, deploymentComplete, deploymentReplicas, filterActiveReplicaSets } from './util.js';

/** Pods of the deployment grouped by the uid of the ReplicaSet that controls them. */
export type PodMap = Map<string, Pod[]>;

export async function rolloutRecreate(dc: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[], podMap: PodMap): Promise<void> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];

  if (await scaleDownOldReplicaSetsForRecreate(dc, filterActiveReplicaSets(oldRSs), d)) return syncRolloutStatus(dc, allRSs, newRS, d);
  // wait until the old pods are really gone
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(dc, allRSs, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  await scaleReplicaSetAndRecordEvent(dc, newRS!, deploymentReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(dc, oldRSs, d);
  return syncRolloutStatus(dc, allRSs, newRS, d);
}

async function scaleDownOldReplicaSetsForRecreate(dc: DeploymentSyncContext, oldRSs: ReplicaSet[], d: Deployment): Promise<boolean> {
  let scaled = false;
  for (const rs of oldRSs) {
    if ((rs.spec.replicas ?? 1) === 0) continue;
    if ((await scaleReplicaSetAndRecordEvent(dc, rs, 0, d)).scaled) scaled = true;
  }
  return scaled;
}

/** oldPodsRunning: old ReplicaSets still report pods, or some pod outside the new ReplicaSet has not finished. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [rsUid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === rsUid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
