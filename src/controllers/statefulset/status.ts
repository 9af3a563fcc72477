// Status arithmetic of the StatefulSet controller (stateful_set_control.go computeReplicaStatus/updateStatus,
// stateful_set_utils.go inconsistentStatus/completeRollingUpdate).
import type { ControllerRevision } from '../history/controller-history.js';
import type { StatefulSetCaches } from './caches.js';
import type { Pod, StatefulSet, StatefulSetStatus } from './types.js';
import { getPodRevision, getReplicas, isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating } from './utils.js';

export interface ReplicaStatus {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
}

/**
 * Counts over pods: replicas = created (terminating included); ready = Running+Ready; available = ready for more
 * than minReadySeconds; current/updated = created, not terminating, labelled with that revision.
 */
export function computeReplicaStatus(
  pods: Pod[],
  minReadySeconds: number,
  currentRevision: ControllerRevision,
  updateRevision: ControllerRevision,
  now: Date,
  caches?: StatefulSetCaches,
): ReplicaStatus {
  const s: ReplicaStatus = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  const current = currentRevision.metadata.name;
  const update = updateRevision.metadata.name;
  for (const pod of pods) {
    if (!isCreated(pod, caches)) continue; // a placeholder for a pod still to be created counts nowhere
    s.replicas++;
    if (isRunningAndReady(pod, caches)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now, caches)) s.availableReplicas++;
    }
    if (!isTerminating(pod, caches)) {
      const revision = getPodRevision(pod, caches);
      if (revision === current) s.currentReplicas++;
      if (revision === update) s.updatedReplicas++;
    }
  }
  return s;
}

/** Recomputes the counters of status from scratch over one or more pod lists. */
export function updateStatus(
  status: StatefulSetStatus,
  minReadySeconds: number,
  currentRevision: ControllerRevision,
  updateRevision: ControllerRevision,
  now: Date,
  caches: StatefulSetCaches | undefined,
  ...podLists: Pod[][]
): void {
  status.replicas = 0;
  status.readyReplicas = 0;
  status.availableReplicas = 0;
  status.currentReplicas = 0;
  status.updatedReplicas = 0;
  for (const list of podLists) {
    const s = computeReplicaStatus(list, minReadySeconds, currentRevision, updateRevision, now, caches);
    status.replicas += s.replicas;
    status.readyReplicas += s.readyReplicas;
    status.availableReplicas += s.availableReplicas;
    status.currentReplicas += s.currentReplicas;
    status.updatedReplicas += s.updatedReplicas;
  }
}

/** True when status differs from what the set already records, i.e. a status write is needed. */
export function inconsistentStatus(set: StatefulSet, status: StatefulSetStatus): boolean {
  const old = set.status;
  return (
    (status.observedGeneration ?? 0) > (old?.observedGeneration ?? 0) ||
    (status.replicas ?? 0) !== (old?.replicas ?? 0) ||
    (status.currentReplicas ?? 0) !== (old?.currentReplicas ?? 0) ||
    (status.readyReplicas ?? 0) !== (old?.readyReplicas ?? 0) ||
    (status.updatedReplicas ?? 0) !== (old?.updatedReplicas ?? 0) ||
    (status.currentRevision ?? '') !== (old?.currentRevision ?? '') ||
    (status.availableReplicas ?? 0) !== (old?.availableReplicas ?? 0) ||
    (status.updateRevision ?? '') !== (old?.updateRevision ?? '')
  );
}

/**
 * A RollingUpdate is complete when every desired replica exists, is ready and runs the update revision; then the
 * update revision becomes current. (Never with a partition > 0 holding pods back, never for OnDelete.)
 */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  const replicas = getReplicas(set);
  if (
    set.spec.updateStrategy?.type === 'RollingUpdate' &&
    (status.updatedReplicas ?? 0) === replicas &&
    (status.readyReplicas ?? 0) === replicas &&
    status.replicas === replicas
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/**
 * The status as Go's JSON writes it: zero counters with omitempty are left out (replicas, availableReplicas and
 * collisionCount are always present), so `kubectl get sts -o yaml` looks like upstream's.
 */
export function toApiStatus(status: StatefulSetStatus): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: status.replicas ?? 0, availableReplicas: status.availableReplicas ?? 0 };
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
  if (status.currentReplicas) out.currentReplicas = status.currentReplicas;
  if (status.updatedReplicas) out.updatedReplicas = status.updatedReplicas;
  if (status.currentRevision) out.currentRevision = status.currentRevision;
  if (status.updateRevision) out.updateRevision = status.updateRevision;
  if (status.collisionCount !== undefined) out.collisionCount = status.collisionCount;
  if (status.conditions?.length) out.conditions = status.conditions;
  return out;
}
