// Pod tracking with finalizers, after pkg/controller/job/tracking_utils.go: which pod UIDs of a Job are expected to
// lose their tracking finalizer (so a sync does not count them twice before the informer shows the removal), and
// the pod predicates the counting rests on.
import type { Pod } from '../statefulset/types.js';
import { JOB_TRACKING_FINALIZER, type Job } from './types.js';

export class UIDTrackingExpectations {
  private readonly sets = new Map<string, Set<string>>();

  /** getExpectedUIDs: a copy of the UIDs still expected for the Job. */
  getExpectedUIDs(jobKey: string): Set<string> {
    return new Set(this.sets.get(jobKey) ?? []);
  }

  expectFinalizersRemoved(jobKey: string, uids: string[]): void {
    let set = this.sets.get(jobKey);
    if (!set) this.sets.set(jobKey, (set = new Set()));
    for (const uid of uids) set.add(uid);
  }

  finalizerRemovalObserved(jobKey: string, uid: string): void {
    this.sets.get(jobKey)?.delete(uid);
  }

  deleteExpectations(jobKey: string): void {
    this.sets.delete(jobKey);
  }
}

export const hasJobTrackingFinalizer = (pod: Pod): boolean => pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;

/**
 * onlyReplaceFailedPods: with podReplacementPolicy Failed (the default when a podFailurePolicy is set) a terminating
 * pod is not replaced, nor counted as failed, until it reaches the Failed phase.
 */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec.podReplacementPolicy === 'Failed' || !!job.spec.podFailurePolicy;
}

/** isPodFailed: Failed, or (unless only failed pods are replaced) deleted before it could succeed. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

/** FilterActivePods / IsPodActive. */
export const isActivePod = (p: Pod): boolean => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;

/** IsPodTerminating: being deleted and not yet finished. */
export const isTerminatingPod = (p: Pod): boolean => !!p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

/** removeTrackingFinalizerPatch: a strategic merge patch taking only our finalizer out. */
export const removeTrackingFinalizerPatch = (): Record<string, unknown> => ({ metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } });
