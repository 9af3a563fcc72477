// The StatefulSet control loop (stateful_set_control.go, v1.33 semantics): pick the current and update revisions,
// create/repair/delete pods towards spec, roll pods onto the update revision, write status, trim history.
// OrderedReady ("monotonic") does one step at a time and stops at the first pod that is not Running+Ready;
// Parallel bursts creations and deletions in slow-start batches.
import { isNotFound } from '../../apimachinery/errors.js';
import type { ControllerRevision, History } from '../history/controller-history.js';
import { createControllerRevision, equalRevision, findEqualRevisions, sortControllerRevisions } from '../history/controller-history.js';
import { aggregate } from '../common/errors.js';
import { StatefulPodControl } from './pod-control.js';
import type { StatefulSetCaches } from './caches.js';
import { applyRevision, newRevision, nextRevision } from './revisions.js';
import { completeRollingUpdate, inconsistentStatus, toApiStatus, updateStatus } from './status.js';
import type { Pod, StatefulSet, StatefulSetStatus, StatusUpdater, SyncDeps, SyncResult } from './types.js';
import {
  allowsBurst, descendingOrdinal, getEndOrdinal, getOrdinal, getPodRevision, getReplicas, getStartOrdinal,
  getStatefulSetMaxUnavailable, identityMatches, isCreated, isFailed, isHealthy, isPending, isRunningAndAvailable,
  isRunningAndReady, isSucceeded, isTerminating, newVersionedStatefulSetPod, storageMatches,
} from './utils.js';

/** Upper bound of one slow-start batch (in-flight requests). */
export const MAX_BATCH_SIZE = 500;


/**
 * Runs fn over indices 0..remaining-1 in batches of 1, 2, 4, … (capped at MAX_BATCH_SIZE), each batch
 * concurrently; stops after the first batch with failures. Returns how many calls succeeded. fn may answer without
 * a promise when it had nothing to wait for (most replicas of a large set, on most syncs).
 */
export async function slowStartBatch(
  initialBatchSize: number,
  remaining: number,
  fn: (i: number) => unknown,
): Promise<{ successes: number; error?: Error }> {
  let successes = 0;
  let next = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining, MAX_BATCH_SIZE)) {
    const errors: unknown[] = [];
    const pending: Promise<unknown>[] = [];
    for (let k = 0; k < batch; k++) {
      try {
        const result = fn(next++);
        if (result instanceof Promise) pending.push(result);
      } catch (e) {
        errors.push(e);
      }
    }
    if (pending.length > 0) {
      for (const r of await Promise.allSettled(pending)) if (r.status === 'rejected') errors.push(r.reason);
    }
    successes += batch - errors.length;
    if (errors.length > 0) return { successes, error: aggregate(errors) ?? new Error(String(errors[0])) };
    remaining -= batch;
  }
  return { successes };
}

/** Sequential with early exit in monotonic mode; slow-start bursts otherwise (blocking results ignored). */
async function runForAll(count: number, fn: (i: number) => boolean | Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < count; i++) if (await fn(i)) return true;
    return false;
  }
  const { error } = await slowStartBatch(1, count, fn);
  if (error) throw error;
  return false;
}

/**
 * getStatefulSetRevisions: the update revision is the set's current template — reusing the latest revision when
 * unchanged, renumbering an older equal revision on rollback, creating a new one otherwise (bumping collisionCount
 * on name collisions). The current revision is status.currentRevision, or the update revision for a new set.
 * `revisions` must be sorted.
 */
export async function getStatefulSetRevisions(
  set: StatefulSet,
  revisions: ControllerRevision[],
  history: History,
  caches?: StatefulSetCaches,
): Promise<{ currentRevision: ControllerRevision; updateRevision: ControllerRevision; collisionCount: number }> {
  const revisionCount = revisions.length;
  let collisionCount = set.status?.collisionCount ?? 0;
  let updateRevision = newRevision(set, nextRevision(revisions), collisionCount, caches);
  const equalRevisions = findEqualRevisions(revisions, updateRevision);
  const equalCount = equalRevisions.length;
  if (equalCount > 0 && equalRevision(revisions[revisionCount - 1], equalRevisions[equalCount - 1])) {
    // the template has not changed since the latest revision
    updateRevision = revisions[revisionCount - 1];
  } else if (equalCount > 0) {
    // rollback to an earlier template: that revision becomes the newest by taking the next number
    updateRevision = await history.updateControllerRevision(equalRevisions[equalCount - 1], updateRevision.revision);
  } else {
    ({ revision: updateRevision, collisionCount } = await createControllerRevision(history, set, updateRevision, collisionCount));
  }
  const currentRevision = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? updateRevision;
  return { currentRevision, updateRevision, collisionCount };
}

/**
 * Deletes the oldest revisions beyond spec.revisionHistoryLimit, never the current or update revision or one a
 * pod still runs. `revisions` must be sorted.
 */
export async function truncateHistory(
  set: StatefulSet,
  pods: Pod[],
  revisions: ControllerRevision[],
  current: ControllerRevision | undefined,
  update: ControllerRevision | undefined,
  history: History,
  caches?: StatefulSetCaches,
): Promise<void> {
  const limit = set.spec.revisionHistoryLimit ?? 10;
  const live = new Set<string>();
  if (current) live.add(current.metadata.name ?? '');
  if (update) live.add(update.metadata.name ?? '');
  // the pods can only protect more revisions; when even without them nothing is over the limit, skip reading them
  if (limit < 0 || revisions.filter((r) => !live.has(r.metadata.name ?? '')).length <= limit) return;
  for (const pod of pods) live.add(getPodRevision(pod, caches));
  const old = revisions.filter((r) => !live.has(r.metadata.name ?? ''));
  if (old.length <= limit) return;
  for (const r of old.slice(0, old.length - limit)) await history.deleteControllerRevision(r);
}

/** What processReplica and processCondemned read besides the pod (upstream passes them as arguments). */
export interface SyncContext {
  set: StatefulSet;
  updateSet: StatefulSet;
  podControl: StatefulPodControl;
  monotonic: boolean;
  minReadySeconds: number;
  now: Date;
  /** Without volumeClaimTemplates there are no claims to create or to check against the retention policy. */
  hasClaimTemplates: boolean;
  /** The controller's caches, when it passed them (SyncDeps.caches). */
  caches?: StatefulSetCaches;
}

/**
 * A replica that needs nothing this sync: it exists and has not terminated, (in monotonic mode) is Running, Ready
 * and available, has its identity and storage, and has no claims whose ownership could need fixing. processReplica
 * would come to the same conclusion (it writes nothing and returns false), but through awaits; a burst sync visits
 * every replica, and most are like this. test/unit/statefulset/settled-replica.test.ts checks the two agree.
 */
export function replicaIsSettled(ctx: SyncContext, pod: Pod): boolean {
  const { caches } = ctx;
  if (ctx.hasClaimTemplates || !isCreated(pod, caches) || isFailed(pod, caches) || isSucceeded(pod, caches)) return false;
  if (ctx.monotonic && (isTerminating(pod, caches) || !isRunningAndAvailable(pod, ctx.minReadySeconds, ctx.now, caches) || !isRunningAndReady(pod, caches))) return false;
  return identityMatches(ctx.set, pod, caches) && storageMatches(ctx.set, pod, caches);
}

/**
 * processReplica: one replica slot, lowest ordinal first. Returns true when monotonic progress must stop here.
 * Deletes terminal pods, creates missing ones (and their claims), waits in monotonic mode for the pod to be Running,
 * Ready and available, and restores identity, storage and claim ownership.
 */
export async function processReplica(ctx: SyncContext, pod: Pod): Promise<boolean> {
  const { set, updateSet, podControl, monotonic, caches } = ctx;
  // terminal pods are replaced whatever their exit code (evictions and node reboots end up here too)
  if (isFailed(pod, caches) || isSucceeded(pod, caches)) {
    if (!isTerminating(pod, caches)) await podControl.deleteStatefulPod(set, pod);
    // the replacement is created by a later sync, once the old object is gone
    return true;
  }
  if (!isCreated(pod, caches)) {
    if (await podControl.podClaimIsStale(set, pod)) return true;
    await podControl.createStatefulPod(set, pod);
    if (monotonic) return true;
  }
  if (isPending(pod, caches) && ctx.hasClaimTemplates) await podControl.createMissingPersistentVolumeClaims(set, pod);
  if (monotonic && isTerminating(pod, caches)) return true;
  // successors are only created once every predecessor is Running+Ready (and available for minReadySeconds)
  if (monotonic && !isRunningAndReady(pod, caches)) return true;
  if (monotonic && !isRunningAndAvailable(pod, ctx.minReadySeconds, ctx.now, caches)) return true;
  let retentionMatch = true;
  if (ctx.hasClaimTemplates) {
    try {
      retentionMatch = await podControl.claimsMatchRetentionPolicy(updateSet, pod);
    } catch {
      retentionMatch = true; // expected while the pod is being updated; the update below settles it
    }
  }
  if (identityMatches(set, pod, caches) && storageMatches(set, pod, caches) && retentionMatch) return false;
  await podControl.updateStatefulPod(updateSet, pod);
  return false;
}

/** processCondemned: one condemned pod, highest ordinal first. Monotonic mode deletes at most one per sync. */
function processCondemned(ctx: SyncContext, firstUnhealthyPod: Pod | undefined, condemned: Pod[], i: number): boolean | Promise<boolean> {
  const { set, podControl, monotonic, caches } = ctx;
  const pod = condemned[i];
  if (isTerminating(pod, caches)) return monotonic; // wait for the previous deletion to finish
  // an unhealthy pod blocks scale-down, unless it is the first unhealthy one (removing it can only help)
  if (monotonic && pod !== firstUnhealthyPod && !isRunningAndReady(pod, caches)) return true;
  if (monotonic && pod !== firstUnhealthyPod && !isRunningAndAvailable(pod, ctx.minReadySeconds, ctx.now, caches)) return true;
  return podControl.deleteStatefulPod(set, pod).then(() => true);
}

/**
 * updateStatefulSet: drives pods towards the desired state and returns the resulting status. Throws only when no
 * status could be computed; otherwise errors are returned alongside the status.
 */
export async function updateStatefulSet(
  set: StatefulSet,
  currentRevision: ControllerRevision,
  updateRevision: ControllerRevision,
  collisionCount: number,
  pods: Pod[],
  deps: SyncDeps,
  podControl: StatefulPodControl,
  now: Date,
): Promise<{ status: StatefulSetStatus; error?: unknown }> {
  const currentSet = applyRevision(set, currentRevision);
  const updateSet = applyRevision(set, updateRevision);
  const minReadySeconds = set.spec.minReadySeconds ?? 0;
  const { caches } = deps;

  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    replicas: 0,
    availableReplicas: 0,
    currentRevision: currentRevision.metadata.name,
    updateRevision: updateRevision.metadata.name,
    collisionCount,
  };
  const recount = (...lists: Pod[][]) => updateStatus(status, minReadySeconds, currentRevision, updateRevision, now, caches, ...lists);

  // split pods into replica slots [start, end] and condemned pods (valid ordinal outside the range)
  const start = getStartOrdinal(set);
  const end = getEndOrdinal(set);
  const replicas: Pod[] = new Array<Pod>(getReplicas(set));
  const condemned: Pod[] = [];
  for (const pod of pods) {
    const ordinal = getOrdinal(pod, caches);
    if (ordinal >= start && ordinal <= end) replicas[ordinal - start] = pod;
    else if (ordinal >= 0) condemned.push(pod);
    // pods whose name carries no ordinal are ignored
  }
  // empty slots get a not-yet-created pod at the right revision
  for (let ord = start; ord <= end; ord++) {
    if (!replicas[ord - start]) replicas[ord - start] = newVersionedStatefulSetPod(currentSet, updateSet, currentRevision.metadata.name ?? '', updateRevision.metadata.name ?? '', ord);
  }
  condemned.sort(descendingOrdinal(caches));

  // the first unhealthy pod: lowest unhealthy replica, else the lowest unhealthy condemned pod
  let firstUnhealthyPod: Pod | undefined = replicas.find((p) => !isHealthy(p, caches));
  for (let i = condemned.length - 1; i >= 0 && !firstUnhealthyPod; i--) if (!isHealthy(condemned[i], caches)) firstUnhealthyPod = condemned[i];

  // a set being deleted only gets its status refreshed. (Upstream counts `pods` up front for this case; every other
  // path recounts over replicas and condemned pods before it returns, so only this one needs that count.)
  if (set.metadata.deletionTimestamp) {
    recount(pods);
    return { status };
  }

  const hasClaimTemplates = (set.spec.volumeClaimTemplates?.length ?? 0) > 0;
  const ctx: SyncContext = { set, updateSet, podControl, monotonic: !allowsBurst(set), minReadySeconds, now, hasClaimTemplates, caches };
  // processReplicaFn: most replicas of a large set need nothing, and are passed over without an await
  const processReplicaFn = (i: number) => (replicaIsSettled(ctx, replicas[i]) ? false : processReplica(ctx, replicas[i]));
  const finish = (error?: unknown) => {
    recount(replicas, condemned);
    return { status, error };
  };

  try {
    if (await runForAll(replicas.length, processReplicaFn, ctx.monotonic)) return finish();

    // claims of condemned pods get the owner refs their retention policy asks for before the pods go
    const fixPodClaim = async (i: number) => {
      if (!(await podControl.claimsMatchRetentionPolicy(updateSet, condemned[i]))) await podControl.updatePodClaimForRetentionPolicy(updateSet, condemned[i]);
      return false;
    };
    if (hasClaimTemplates && (await runForAll(condemned.length, fixPodClaim, ctx.monotonic))) return finish();

    // every replica is Running, Ready and available (in monotonic mode): scale down, highest ordinal first.
    // Scaling takes precedence over updates.
    if (await runForAll(condemned.length, (i) => processCondemned(ctx, firstUnhealthyPod, condemned, i), ctx.monotonic)) return finish();
  } catch (e) {
    return finish(e);
  }
  recount(replicas, condemned);

  // OnDelete: pods pick up the update revision only when someone deletes them
  if (set.spec.updateStrategy?.type === 'OnDelete') return { status };

  if (deps.features?.maxUnavailableStatefulSet) return updateStatefulSetAfterInvariantEstablished(set, replicas, updateRevision, status, podControl, caches);

  // RollingUpdate: delete the highest outdated pod at or above the partition; wait while updated pods are unhealthy
  const updateMin = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = replicas.length - 1; target >= updateMin; target--) {
    const pod = replicas[target];
    if (getPodRevision(pod, caches) !== updateRevision.metadata.name && !isTerminating(pod, caches)) {
      try {
        await podControl.deleteStatefulPod(set, pod);
      } catch (e) {
        if (!isNotFound(e)) return { status, error: e };
      }
      status.currentReplicas = (status.currentReplicas ?? 0) - 1;
      return { status };
    }
    if (!isHealthy(pod, caches)) return { status };
  }
  return { status };
}

/**
 * updateStatefulSetAfterInvariantEstablished (MaxUnavailableStatefulSet): delete up to maxUnavailable − unhealthy
 * outdated pods per sync, highest first.
 */
async function updateStatefulSetAfterInvariantEstablished(
  set: StatefulSet,
  replicas: Pod[],
  updateRevision: ControllerRevision,
  status: StatefulSetStatus,
  podControl: StatefulPodControl,
  caches: StatefulSetCaches | undefined,
): Promise<{ status: StatefulSetStatus; error?: unknown }> {
  const rollingUpdate = set.spec.updateStrategy?.rollingUpdate;
  const updateMin = rollingUpdate?.partition ?? 0;
  let maxUnavailable = 1;
  if (rollingUpdate) {
    try {
      maxUnavailable = getStatefulSetMaxUnavailable(rollingUpdate.maxUnavailable, getReplicas(set));
    } catch (e) {
      return { status, error: e };
    }
  }
  const unavailable = replicas.filter((p) => !isHealthy(p, caches)).length;
  if (unavailable >= maxUnavailable) return { status };
  const podsToDelete = maxUnavailable - unavailable;
  let deleted = 0;
  for (let target = replicas.length - 1; target >= updateMin && deleted < podsToDelete; target--) {
    const pod = replicas[target];
    if (getPodRevision(pod, caches) === updateRevision.metadata.name || isTerminating(pod, caches)) continue;
    try {
      await podControl.deleteStatefulPod(set, pod);
    } catch (e) {
      if (!isNotFound(e)) return { status, error: e };
    }
    deleted++;
    status.currentReplicas = (status.currentReplicas ?? 0) - 1;
  }
  return { status };
}

/**
 * updateStatefulSetStatus: completes a finished rolling update in `status`, then writes it unless the set already
 * carries it.
 */
export async function updateStatefulSetStatus(set: StatefulSet, status: StatefulSetStatus, statusUpdater: StatusUpdater): Promise<void> {
  completeRollingUpdate(set, status);
  if (!inconsistentStatus(set, status)) return;
  await statusUpdater.updateStatefulSetStatus(set, toApiStatus(status));
}

interface PerformUpdateResult {
  currentRevision?: ControllerRevision;
  updateRevision?: ControllerRevision;
  status?: StatefulSetStatus;
  /** Every error of the step, the status write's included. */
  errors: unknown[];
}

/**
 * performUpdate: picks the current and update revisions, drives the pods (updateStatefulSet) and writes the status,
 * even when driving the pods failed part way.
 */
export async function performUpdate(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], deps: SyncDeps, now: Date): Promise<PerformUpdateResult> {
  const result: PerformUpdateResult = { errors: [] };
  try {
    const revs = await getStatefulSetRevisions(set, revisions, deps.history, deps.caches);
    result.currentRevision = revs.currentRevision;
    result.updateRevision = revs.updateRevision;
    const podControl = new StatefulPodControl(deps.objects, deps.recorder);
    const updated = await updateStatefulSet(set, revs.currentRevision, revs.updateRevision, revs.collisionCount, pods, deps, podControl, now);
    result.status = updated.status;
    if (updated.error !== undefined) result.errors.push(updated.error);
    try {
      await updateStatefulSetStatus(set, updated.status, deps.statusUpdater);
    } catch (e) {
      result.errors.push(e);
    }
  } catch (e) {
    result.errors.push(e);
  }
  return result;
}

/**
 * UpdateStatefulSet (StatefulSetControlInterface's, upstream's one exported step of stateful_set_control.go; the
 * capital tells it from updateStatefulSet as upstream's does): sorts the revisions, runs performUpdate, then trims
 * the history whatever happened. Throws the aggregate of every error.
 */
export async function UpdateStatefulSet(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], deps: SyncDeps, now: Date): Promise<SyncResult> {
  const sorted = sortControllerRevisions([...revisions]);
  const { currentRevision: current, updateRevision: update, status, errors } = await performUpdate(set, pods, sorted, deps, now);
  try {
    await truncateHistory(set, pods, sorted, current, update, deps.history, deps.caches);
  } catch (e) {
    errors.push(e);
  }
  const error = aggregate(errors.map((e) => (e instanceof Error ? e : new Error(String(e)))));
  if (error || !status || !current || !update) throw error ?? new Error('statefulset sync produced no status');
  return { status: toApiStatus(status), currentRevision: current, updateRevision: update };
}

/**
 * syncStatefulSet (stateful_set.go): one reconcile of `set` through UpdateStatefulSet, plus the minReadySeconds
 * requeue. `pods` are the pods the set owns (claimed: controller ref to the set, selector match, named `<set>-<n>`);
 * `revisions` are its ControllerRevisions (owned or adopted; upstream's UpdateStatefulSet lists them itself). Writes
 * pods, claims, revisions and status through `deps`; throws when any step failed (after status and history were
 * still brought up to date where possible). `set`, `pods` and `revisions` are only read (they may be the informer
 * cache's own objects); what is written is built from copies.
 */
export async function syncStatefulSet(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], deps: SyncDeps): Promise<SyncResult> {
  const now = deps.now?.() ?? new Date();
  const result = await UpdateStatefulSet(set, pods, revisions, deps, now);
  const minReadySeconds = set.spec.minReadySeconds ?? 0;
  if (minReadySeconds > 0 && result.status.availableReplicas !== getReplicas(set)) result.requeueAfter = minReadySeconds;
  return result;
}
