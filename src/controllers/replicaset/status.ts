// ReplicaSet status as upstream computes it (replica_set_utils.go): counts over the active pods it owns, a
// ReplicaFailure condition while creating or deleting fails, written only when something changed.
import { selectorFromSet } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../client/client.js';
import { builtin, type ResourceDescriptor } from '../../client/resources.js';
import { isPodAvailable, isPodReady } from './pod-ranking.js';
import { specReplicas, type Pod, type ReplicaSet, type ReplicaSetCondition, type ReplicaSetStatus } from './types.js';
import { rfc3339 } from '../../apimachinery/time.js';

export const REPLICA_FAILURE = 'ReplicaFailure';


export function calculateStatus(rs: ReplicaSet, pods: Pod[], manageReplicasErr: unknown, nowMs = Date.now()): ReplicaSetStatus {
  const status: ReplicaSetStatus = { ...(rs.status ?? { replicas: 0 }) };
  const templateLabels = selectorFromSet(rs.spec.template?.metadata?.labels);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, rs.spec.minReadySeconds ?? 0, nowMs)) available++;
    }
  }
  const failure = rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageReplicasErr !== undefined && !failure) {
    const diff = pods.length - specReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const message = manageReplicasErr instanceof Error ? manageReplicasErr.message : String(manageReplicasErr);
    const cond: ReplicaSetCondition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: rfc3339(nowMs), reason, message };
    status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE), cond];
  } else if (manageReplicasErr === undefined && failure) {
    status.conditions = status.conditions?.filter((c) => c.type !== REPLICA_FAILURE);
    if (status.conditions?.length === 0) delete status.conditions;
  }
  status.replicas = pods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  // omitempty counters: Go never sends a zero
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (!status[k]) delete status[k];
  return status;
}

const sameConditions = (a: ReplicaSetCondition[] | undefined, b: ReplicaSetCondition[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** True when writing `next` would change nothing (counts, conditions, and the generation is already observed). */
export function statusUpToDate(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? { replicas: 0 };
  return (cur.replicas ?? 0) === next.replicas &&
    (cur.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (cur.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (cur.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    (rs.metadata.generation ?? 0) === (cur.observedGeneration ?? 0) &&
    sameConditions(cur.conditions, next.conditions);
}

/** updateReplicaSetStatus: writes the status with observedGeneration; one retry on a fresh copy. */
export async function updateReplicaSetStatus(client: KubeClient, rs: ReplicaSet, next: ReplicaSetStatus, res: ResourceDescriptor = builtin.replicaSets): Promise<ReplicaSet> {
  if (statusUpToDate(rs, next)) return rs;
  let current = rs;
  for (let attempt = 0; ; attempt++) {
    const body: ReplicaSet = { ...current, status: { ...next, observedGeneration: rs.metadata.generation } };
    try {
      return await client.updateStatus(res, body);
    } catch (e) {
      if (attempt >= 1) throw e;
      current = await client.get<ReplicaSet>(res, rs.metadata.name ?? '', { namespace: rs.metadata.namespace });
    }
  }
}
