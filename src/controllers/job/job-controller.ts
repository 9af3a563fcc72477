// The Job controller as kube-controller-manager v1.33 runs it (pkg/controller/job/job_controller.go): pods carry the
// batch.kubernetes.io/job-tracking finalizer until the controller has counted them (first into
// status.uncountedTerminatedPods, then into succeeded/failed once the finalizer is gone), so no pod is counted twice
// or lost; failures beyond backoffLimit, an exceeded activeDeadlineSeconds or a FailJob podFailurePolicy rule end the
// Job through FailureTarget → Failed, success through SuccessCriteriaMet → Complete (terminal conditions are written
// only when no pod is left terminating, as with JobManagedBy/JobPodReplacementPolicy on); Indexed Jobs give each pod
// a completion index; suspend deletes the active pods; replacements of failed pods back off 10 s, 20 s, … per Job.
import { isNotFound } from '../../apimachinery/errors.js';
import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../client/client.js';
import { controllerRef, type ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { objectKey, splitObjectKey } from '../../client/store.js';
import { ItemExponentialRateLimiter, WorkQueue } from '../../client/workqueue.js';
import { claimDependents, newControllerRef } from '../common/controller-ref-manager.js';
import { errorText, QueueController, type QueueControllerOptions } from '../common/queue-controller.js';
import { OwnerMapping, sameControllerRef, sameLabels, selectorOrUndefined } from '../common/owners.js';
import { ControllerExpectations } from '../common/expectations.js';
import { isNamespaceTerminating } from '../common/errors.js';
import { PodControl, slowStartBatch } from '../replicaset/pod-control.js';
import { activePodsBefore, isPodReady } from '../replicaset/pod-ranking.js';
import type { Pod, PodTemplateSpec } from '../statefulset/types.js';
import { BackoffStore, type BackoffRecord, remainingTimeForFailures, remainingTimePerIndex, getFinishedTime } from './backoff-utils.js';
import {
  addCompletionIndexEnvVariables, calculateFailedIndexes, calculateSucceededIndexes, duplicatedIndexPodsForRemoval, firstPendingIndexes,
  getCompletionIndex, getIndexes, hasBackoffLimitPerIndex, indexAbsoluteFailureCount, isIndexedJob, matchSuccessPolicy,
  newIndexFailureCounts, OrderedIntervals, podGenerateNameWithIndex, setCompletionIndex, sortByCompletionIndex, UNKNOWN_COMPLETION_INDEX,
} from './indexed-job-utils.js';
import { getPodFailureMatch } from './pod-failure-policy.js';
import { warnSyncError } from '../common/sync-errors.js';
import {
  hasJobTrackingFinalizer, isActivePod, isPodFailed, isTerminatingPod, onlyReplaceFailedPods, removeTrackingFinalizerPatch, UIDTrackingExpectations,
} from './tracking-utils.js';
import {
  containerStatuses, isJobFinished, Job, JOB_API_VERSION, JOB_COMPLETE, JOB_CONTROLLER_NAME, JOB_FAILED, JOB_FAILURE_TARGET, JOB_INDEX_FAILURE_COUNT_ANNOTATION,
  JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION, JOB_KIND, JOB_REASON_BACKOFF_LIMIT_EXCEEDED, JOB_REASON_COMPLETIONS_REACHED,
  JOB_REASON_DEADLINE_EXCEEDED, JOB_REASON_FAILED_INDEXES, JOB_REASON_MAX_FAILED_INDEXES_EXCEEDED, JOB_REASON_POD_FAILURE_POLICY,
  JOB_REASON_SUCCESS_POLICY, JOB_SUCCESS_CRITERIA_MET, JOB_SUSPENDED, JOB_TRACKING_FINALIZER, type JobCondition, type JobStatus,
} from './types.js';
import { rfc3339 } from '../../apimachinery/time.js';

export const JOB_CONTROLLER = 'job-controller';
/** syncJobBatchPeriod: pod events wait this long, so a burst of them costs one sync. */
export const SYNC_JOB_BATCH_PERIOD_MS = 1000;
/** DefaultJobPodFailureBackOff / MaxJobPodFailureBackOff. */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;
/** MaxUncountedPods: keeps status.uncountedTerminatedPods under ~20 KB. */
export const MAX_UNCOUNTED_PODS = 500;
/** MaxPodCreateDeletePerSync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export interface JobControllerOptions extends QueueControllerOptions {
  syncBatchPeriodMs?: number;
  podFailureBackoffMs?: number;
  maxPodFailureBackoffMs?: number;
}

interface SyncJobCtx {
  job: Job;
  pods: Pod[];
  finishedCondition?: JobCondition;
  activePods: Pod[];
  succeeded: number;
  failed: number;
  prevSucceededIndexes: OrderedIntervals;
  succeededIndexes: OrderedIntervals;
  failedIndexes?: OrderedIntervals;
  newBackoffRecord: BackoffRecord;
  expectedRmFinalizers: Set<string>;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  podsWithDelayedDeletionPerIndex: Map<number, Pod>;
  terminating: number;
  ready: number;
}

const podKey = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
const byActivePods = (a: Pod, b: Pod) => (activePodsBefore(a, b) ? -1 : activePodsBefore(b, a) ? 1 : 0);

export function newCondition(type: string, status: string, reason: string, message: string, nowMs: number): JobCondition {
  const t = rfc3339(nowMs);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

/**
 * ensureJobConditionStatus: sets a condition of that type (a new one only when not False); returns whether the list
 * changed.
 */
export function ensureJobConditionStatus(status: JobStatus, type: string, condStatus: string, reason: string, message: string, nowMs: number): boolean {
  const list = (status.conditions ??= []);
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status === condStatus && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    list[i] = newCondition(type, condStatus, reason, message, nowMs);
    return true;
  }
  if (condStatus === 'False') return false;
  list.push(newCondition(type, condStatus, reason, message, nowMs));
  return true;
}

const findCondition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type);

function hasSuccessCriteriaMetCondition(job: Job): JobCondition | undefined {
  const c = findCondition(job, JOB_SUCCESS_CRITERIA_MET);
  return c && c.status === 'True' ? c : undefined;
}

const isSuccessCriteriaMetCondition = (c: JobCondition | undefined) => !!c && c.type === JOB_SUCCESS_CRITERIA_MET && c.status === 'True';
const jobSuspended = (job: Job) => job.spec.suspend === true;

/** managedByExternalController: spec.managedBy names another controller. */
export function managedByExternalController(job: Job): string | undefined {
  const by = job.spec.managedBy;
  return by && by !== JOB_CONTROLLER_NAME ? by : undefined;
}

/** The status as Go writes it: zero counters and empty strings omitted, ready/terminating always present. */
function wireStatus(s: JobStatus): JobStatus {
  const out: JobStatus = { ...s };
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!out[k]) delete out[k];
  if (!out.completedIndexes) delete out.completedIndexes;
  if (out.conditions && out.conditions.length === 0) delete out.conditions;
  if (out.uncountedTerminatedPods) {
    const u: { succeeded?: string[]; failed?: string[] } = {};
    if (out.uncountedTerminatedPods.succeeded?.length) u.succeeded = out.uncountedTerminatedPods.succeeded;
    if (out.uncountedTerminatedPods.failed?.length) u.failed = out.uncountedTerminatedPods.failed;
    out.uncountedTerminatedPods = u;
  }
  return out;
}

export class JobController extends QueueController {
  readonly expectations: ControllerExpectations;
  readonly finalizerExpectations = new UIDTrackingExpectations();
  /** Orphan pods (no Job, or a finished one) that still carry the tracking finalizer. */
  readonly orphanQueue = new WorkQueue<string>({ name: 'job_orphan_pod', rateLimiter: new ItemExponentialRateLimiter<string>(1000, 60_000) });
  private readonly jobs: SharedInformer<Job>;
  /** Pods to their Job (getPodJobs for orphans). */
  private readonly owners: OwnerMapping<Job>;
  private readonly pods: SharedInformer<Pod>;
  private readonly podControl: PodControl;
  private readonly backoffStore = new BackoffStore();
  private readonly batchMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: JobControllerOptions = {}) {
    // DefaultJobApiBackOff 1 s … MaxJobApiBackOff 1 min
    super(client, JOB_CONTROLLER, 'job', { ...opts, rateLimiter: new ItemExponentialRateLimiter<string>(1000, 60_000) });
    this.batchMs = opts.syncBatchPeriodMs ?? SYNC_JOB_BATCH_PERIOD_MS;
    this.backoffMs = opts.podFailureBackoffMs ?? DEFAULT_POD_FAILURE_BACKOFF_MS;
    this.maxBackoffMs = opts.maxPodFailureBackoffMs ?? MAX_POD_FAILURE_BACKOFF_MS;
    this.expectations = new ControllerExpectations(this.now);
    this.podControl = new PodControl(client, this.recorder, { kind: JOB_KIND, apiVersion: JOB_API_VERSION });
    this.jobs = factory.informerFor<Job>(builtin.jobs);
    this.owners = new OwnerMapping(this.jobs.store, JOB_KIND, (job) => selectorOrUndefined(job.spec.selector));
    this.pods = factory.informerFor<Pod>(builtin.pods);
    this.jobs.addEventHandler({ onAdd: (j) => this.enqueue(j), onUpdate: (o, c) => this.updateJob(o, c), onDelete: (j) => this.deleteJob(j) });
    this.pods.addEventHandler({ onAdd: (p) => this.addPod(p), onUpdate: (o, c) => this.updatePod(o, c), onDelete: (p) => this.deletePod(p, true) });
    // orphanWorker: one worker for the orphan pods' queue
    this.addQueue(this.orphanQueue, (key) => this.syncOrphanPod(key), {
      onError: (key, err) => warnSyncError(err, `${JOB_CONTROLLER}: error syncing orphan pod ${key}: ${errorText(err)}`),
    });
  }

  protected caches() {
    return [this.pods, this.jobs];
  }

  // ---- event handlers ----

  private enqueueBatched(job: Job, delayMs = this.batchMs): void {
    this.queue.addAfter(objectKey(job), Math.max(delayMs, this.batchMs));
  }

  private updateJob(oldJob: Job, curJob: Job): void {
    if (curJob.metadata.generation === oldJob.metadata.generation) this.enqueueBatched(curJob);
    else this.enqueue(curJob);
    // the job must not be finished while pods keep finalizers; a backup for that case
    if (isJobFinished(curJob)) this.cleanupPodFinalizers(curJob);
    const start = curJob.status?.startTime;
    const ads = curJob.spec.activeDeadlineSeconds;
    if (start && ads !== undefined && ads !== null && oldJob.spec.activeDeadlineSeconds !== ads) {
      this.queue.addAfter(objectKey(curJob), ads * 1000 - (this.now() - Date.parse(start)));
    }
  }

  private deleteJob(job: Job): void {
    this.enqueue(job);
    this.cleanupPodFinalizers(job);
  }

  private addPod(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      // seen on a restart while already going away: not a creation
      this.deletePod(pod, false);
      return;
    }
    const ref = controllerRef(pod);
    if (ref) {
      const job = this.owners.controllerOf(pod, ref);
      if (!job) return;
      this.expectations.creationObserved(objectKey(job));
      this.enqueueBatched(job);
      return;
    }
    if (hasJobTrackingFinalizer(pod)) this.orphanQueue.add(objectKey(pod));
    for (const job of this.getPodJobs(pod)) this.enqueueBatched(job);
  }

  private updatePod(oldPod: Pod, curPod: Pod): void {
    if (curPod.metadata.resourceVersion === oldPod.metadata.resourceVersion) return;
    if (curPod.metadata.deletionTimestamp) {
      // graceful deletion: act now rather than when the kubelet finally removes it
      this.deletePod(curPod, false);
      return;
    }
    const finalizerRemoved = !hasJobTrackingFinalizer(curPod);
    const curRef = controllerRef(curPod);
    const oldRef = controllerRef(oldPod);
    const refChanged = !sameControllerRef(curRef, oldRef);
    if (refChanged && oldRef) {
      const job = this.owners.controllerOf(oldPod, oldRef);
      if (job) {
        if (finalizerRemoved) this.finalizerExpectations.finalizerRemovalObserved(objectKey(job), curPod.metadata.uid ?? '');
        this.enqueueBatched(job);
      }
    }
    if (curRef) {
      const job = this.owners.controllerOf(curPod, curRef);
      if (!job) return;
      if (finalizerRemoved) this.finalizerExpectations.finalizerRemovalObserved(objectKey(job), curPod.metadata.uid ?? '');
      this.enqueueBatched(job);
      return;
    }
    if (hasJobTrackingFinalizer(curPod)) this.orphanQueue.add(objectKey(curPod));
    if (!sameLabels(oldPod, curPod) || refChanged) for (const job of this.getPodJobs(curPod)) this.enqueueBatched(job);
  }

  /** `final`: the pod is gone from storage (not just marked for deletion). */
  private deletePod(pod: Pod, final: boolean): void {
    const ref = controllerRef(pod);
    const hasFinalizer = hasJobTrackingFinalizer(pod);
    if (!ref) {
      // maybe a Job's pod whose reference the garbage collector removed
      if (hasFinalizer) this.orphanQueue.add(objectKey(pod));
      return;
    }
    const job = this.owners.controllerOf(pod, ref);
    if (!job || isJobFinished(job)) {
      // syncJob will not remove this finalizer
      if (hasFinalizer) this.orphanQueue.add(objectKey(pod));
      return;
    }
    const jobKey = objectKey(job);
    this.expectations.deletionObserved(jobKey, podKey(pod));
    if (final || !hasFinalizer) this.finalizerExpectations.finalizerRemovalObserved(jobKey, pod.metadata.uid ?? '');
    this.enqueueBatched(job);
  }

  /** getPodJobs: Jobs of the pod's namespace whose selector matches its labels. */
  private getPodJobs(pod: Pod): Job[] {
    const jobs = this.owners.adopters(pod);
    if (jobs.length > 1) this.onError(objectKey(pod), new Error(`user error! more than one job is selecting pods with labels: ${JSON.stringify(pod.metadata.labels)}`));
    return jobs;
  }

  private cleanupPodFinalizers(job: Job): void {
    let sel;
    try {
      sel = labelSelectorAsSelector(job.spec.selector);
    } catch {
      return;
    }
    for (const pod of this.pods.store.byNamespace(job.metadata.namespace ?? '')) {
      if (sel.matches(pod.metadata.labels) && controllerRef(pod)?.uid === job.metadata.uid && hasJobTrackingFinalizer(pod)) this.orphanQueue.add(objectKey(pod));
    }
  }

  /** syncOrphanPod: removes the tracking finalizer from a pod no unfinished Job owns. */
  private async syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const pod = this.pods.store.getByName(namespace, name);
    if (!pod) return;
    const ref = controllerRef(pod);
    if (ref) {
      if (ref.kind !== JOB_KIND || ref.apiVersion !== JOB_API_VERSION) return; // not a batch/v1 Job's
      const job = this.owners.controllerOf(pod, ref);
      if (job && managedByExternalController(job)) return;
      if (job && !isJobFinished(job)) return; // adopted meanwhile
    }
    if (!hasJobTrackingFinalizer(pod)) return;
    try {
      await this.client.patch(builtin.pods, name, removeTrackingFinalizerPatch(), 'strategic', { namespace });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // ---- sync ----

  /** getPodsForJob: every pod of the namespace through ClaimPods; adoption adds the tracking finalizer. */
  private async getPodsForJob(job: Job): Promise<Pod[]> {
    const selector = labelSelectorAsSelector(job.spec.selector);
    const all = this.pods.store.byNamespace(job.metadata.namespace ?? '');
    const claimed = await claimDependents(this.client, {
      owner: job, ownerResource: builtin.jobs, ownerApiVersion: JOB_API_VERSION, ownerKind: JOB_KIND, selector, dependents: builtin.pods,
      adoptFinalizers: [JOB_TRACKING_FINALIZER],
    }, all);
    // adopted pods count as tracked in the remaining calculations
    return claimed.map((p) => {
      const adopted = !p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid);
      return adopted && !hasJobTrackingFinalizer(p) ? { ...p, metadata: { ...p.metadata, finalizers: [...(p.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER] } } : p;
    });
  }

  protected async sync(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitObjectKey(key);
    if (!namespace || !name) throw new Error(`invalid job key ${JSON.stringify(key)}: either namespace or name is missing`);
    const shared = this.jobs.store.getByName(namespace, name);
    if (!shared) {
      this.expectations.deleteExpectations(key);
      this.finalizerExpectations.deleteExpectations(key);
      this.backoffStore.removeBackoffRecord(key);
      return;
    }
    if (managedByExternalController(shared)) return;
    const job: Job = structuredClone(shared);
    if (isJobFinished(job)) {
      this.backoffStore.removeBackoffRecord(key);
      return;
    }
    const mode = job.spec.completionMode;
    if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown', { kind: JOB_KIND, apiVersion: JOB_API_VERSION });
      return;
    }
    const status = (job.status ??= {});
    const uncountedStatus = (status.uncountedTerminatedPods ??= {});
    // expectations first: a pod created after this point defers the sync to the next event
    const satisfiedExpectations = this.expectations.satisfied(key);
    const pods = await this.getPodsForJob(job);
    const activePods = pods.filter(isActivePod);
    const ctx: SyncJobCtx = {
      job, pods, activePods,
      ready: activePods.filter((p) => isPodReady(p)).length,
      uncounted: { succeeded: new Set(uncountedStatus.succeeded ?? []), failed: new Set(uncountedStatus.failed ?? []) },
      expectedRmFinalizers: this.finalizerExpectations.getExpectedUIDs(key),
      terminating: pods.filter(isTerminatingPod).length,
      succeeded: 0, failed: 0,
      prevSucceededIndexes: new OrderedIntervals(), succeededIndexes: new OrderedIntervals(),
      newBackoffRecord: { key, failuresAfterLastSuccess: 0 },
      podsWithDelayedDeletionPerIndex: new Map(),
    };
    let active = activePods.length;
    const newSucceeded = this.validPods(ctx, ctx.uncounted.succeeded, (p) => p.status?.phase === 'Succeeded');
    const newFailed = this.validPods(ctx, ctx.uncounted.failed, (p) => isPodFailed(p, job));
    ctx.succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncounted.succeeded.size;
    ctx.failed = (status.failed ?? 0) + this.nonIgnoredFailedPodsCount(job, newFailed) + ctx.uncounted.failed.size;

    // first start (unless created suspended)
    if (!status.startTime && !jobSuspended(job)) status.startTime = rfc3339(this.now());
    ctx.newBackoffRecord = this.backoffStore.newBackoffRecord(key, newSucceeded, newFailed);

    let requeueAfter: number | undefined;
    let manageJobErr: unknown;
    const exceedsBackoffLimit = ctx.failed > (job.spec.backoffLimit ?? 6);
    ctx.finishedCondition = hasSuccessCriteriaMetCondition(job);
    // with SuccessCriteriaMet already recorded, the pod failure policy no longer applies
    if (!ctx.finishedCondition) {
      const failureTarget = findCondition(job, JOB_FAILURE_TARGET);
      if (failureTarget && failureTarget.status === 'True') {
        ctx.finishedCondition = newCondition(JOB_FAILED, 'True', failureTarget.reason ?? '', failureTarget.message ?? '', this.now());
      } else {
        const msg = this.failJobMessage(job, pods);
        // the interim FailureTarget records the message before the finalizers (and so the pods) go
        if (msg !== undefined) ctx.finishedCondition = newCondition(JOB_FAILURE_TARGET, 'True', JOB_REASON_POD_FAILURE_POLICY, msg, this.now());
      }
    }
    if (!ctx.finishedCondition) {
      if (exceedsBackoffLimit || pastBackoffLimitOnFailure(job, pods)) {
        ctx.finishedCondition = this.newFailureCondition(JOB_REASON_BACKOFF_LIMIT_EXCEEDED, 'Job has reached the specified backoff limit');
      } else if (this.pastActiveDeadline(job)) {
        ctx.finishedCondition = this.newFailureCondition(JOB_REASON_DEADLINE_EXCEEDED, 'Job was active longer than specified deadline');
      } else if (job.spec.activeDeadlineSeconds !== undefined && job.spec.activeDeadlineSeconds !== null && !jobSuspended(job)) {
        requeueAfter = job.spec.activeDeadlineSeconds * 1000 - (this.now() - Date.parse(status.startTime!));
      }
    }

    if (isIndexedJob(job)) {
      const { prev, current } = calculateSucceededIndexes(job, pods);
      ctx.prevSucceededIndexes = prev;
      ctx.succeededIndexes = current;
      ctx.succeeded = current.total();
      if (hasBackoffLimitPerIndex(job)) {
        ctx.failedIndexes = calculateFailedIndexes(job, pods);
        if (!ctx.finishedCondition) {
          const maxFailed = job.spec.maxFailedIndexes;
          if (maxFailed !== undefined && maxFailed !== null && ctx.failedIndexes.total() > maxFailed) {
            ctx.finishedCondition = this.newFailureCondition(JOB_REASON_MAX_FAILED_INDEXES_EXCEEDED, 'Job has exceeded the specified maximal number of failed indexes');
          } else if (ctx.failedIndexes.total() > 0 && ctx.failedIndexes.total() + ctx.succeededIndexes.total() >= (job.spec.completions ?? 0)) {
            ctx.finishedCondition = this.newFailureCondition(JOB_REASON_FAILED_INDEXES, 'Job has failed indexes');
          }
        }
        ctx.podsWithDelayedDeletionPerIndex = this.podsWithDelayedDeletionPerIndex(ctx);
      }
      if (!ctx.finishedCondition) {
        const msg = matchSuccessPolicy(job, ctx.succeededIndexes);
        if (msg !== undefined) ctx.finishedCondition = newCondition(JOB_SUCCESS_CRITERIA_MET, 'True', JOB_REASON_SUCCESS_POLICY, msg, this.now());
      }
    }

    let suspendCondChanged = false;
    if (ctx.finishedCondition) {
      // the Job has failed (or met its success criteria): active pods go
      const { deletedReady, deleted, error } = await this.deleteActivePods(job, ctx.activePods);
      // not finished while pods remain that the cache may not show yet
      if (deleted !== active || !satisfiedExpectations) ctx.finishedCondition = undefined;
      active -= deleted;
      ctx.terminating += deleted;
      ctx.ready -= deletedReady;
      manageJobErr = error;
    } else {
      let manageJobCalled = false;
      if (satisfiedExpectations && !job.metadata.deletionTimestamp) {
        const r = await this.manageJob(job, ctx);
        active = r.active;
        manageJobErr = r.error;
        if (r.requeueAfter !== undefined) requeueAfter = requeueAfter === undefined ? r.requeueAfter : Math.min(requeueAfter, r.requeueAfter);
        manageJobCalled = true;
      }
      // without completions, any success completes the Job once nothing runs; else `completions` successes
      const complete = job.spec.completions === undefined || job.spec.completions === null
        ? ctx.succeeded > 0 && active === 0
        : ctx.succeeded >= job.spec.completions && active === 0;
      if (complete) {
        ctx.finishedCondition = this.newSuccessCondition();
      } else if (manageJobCalled) {
        if (jobSuspended(job)) {
          if (ensureJobConditionStatus(status, JOB_SUSPENDED, 'True', 'JobSuspended', 'Job suspended', this.now())) {
            suspendCondChanged = true;
            this.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureJobConditionStatus(status, JOB_SUSPENDED, 'False', 'JobResumed', 'Job resumed', this.now())) {
          suspendCondChanged = true;
          this.event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts continuous activity: a resumed Job starts its clock again
          status.startTime = rfc3339(this.now());
        }
      }
    }

    const needsStatusUpdate = suspendCondChanged || active !== (status.active ?? 0) || ctx.ready !== status.ready || ctx.terminating !== status.terminating;
    status.active = active;
    status.ready = ctx.ready;
    status.terminating = ctx.terminating;
    await this.trackJobStatusAndRemoveFinalizers(ctx, needsStatusUpdate);
    if (manageJobErr !== undefined) throw manageJobErr;
    if (requeueAfter !== undefined) return { requeueAfter: Math.max(0, requeueAfter) };
  }

  private newFailureCondition(reason: string, message: string): JobCondition {
    // a terminal condition waits for the pods to be gone: first FailureTarget
    return newCondition(JOB_FAILURE_TARGET, 'True', reason, message, this.now());
  }

  private newSuccessCondition(): JobCondition {
    return newCondition(JOB_SUCCESS_CRITERIA_MET, 'True', JOB_REASON_COMPLETIONS_REACHED, 'Reached expected number of succeeded pods', this.now());
  }

  private pastActiveDeadline(job: Job): boolean {
    const ads = job.spec.activeDeadlineSeconds;
    const start = job.status?.startTime;
    if (ads === undefined || ads === null || !start || jobSuspended(job)) return false;
    return this.now() - Date.parse(start) >= ads * 1000;
  }

  /** getFailJobMessage: the message of the first failed pod matching a FailJob rule. */
  private failJobMessage(job: Job, pods: Pod[]): string | undefined {
    if (!job.spec.podFailurePolicy) return undefined;
    for (const p of pods) {
      if (!isPodFailed(p, job)) continue;
      const m = getPodFailureMatch(job.spec.podFailurePolicy, p).jobFailureMessage;
      if (m !== undefined) return m;
    }
    return undefined;
  }

  private nonIgnoredFailedPodsCount(job: Job, failed: Pod[]): number {
    if (!job.spec.podFailurePolicy) return failed.length;
    return failed.filter((p) => getPodFailureMatch(job.spec.podFailurePolicy!, p).countFailed).length;
  }

  /**
   * getValidPodsWithFilter: pods still tracked (finalizer present, not uncounted, no removal pending) with a valid
   * index for Indexed Jobs, that pass `filter`.
   */
  private validPods(ctx: SyncJobCtx, uncounted: Set<string> | undefined, filter: (p: Pod) => boolean): Pod[] {
    const completions = ctx.job.spec.completions ?? 0;
    const indexed = isIndexedJob(ctx.job);
    return ctx.pods.filter((p) => {
      const uid = p.metadata.uid ?? '';
      if (!hasJobTrackingFinalizer(p) || uncounted?.has(uid) || ctx.expectedRmFinalizers.has(uid)) return false;
      if (indexed) {
        const ix = getCompletionIndex(p.metadata.annotations);
        if (ix === UNKNOWN_COMPLETION_INDEX || ix >= completions) return false;
      }
      return filter(p);
    });
  }

  /** getPodsWithDelayedDeletionPerIndex: per index, the failed pod kept until its replacement carries the count. */
  private podsWithDelayedDeletionPerIndex(ctx: SyncJobCtx): Map<number, Pod> {
    const activeIndexes = getIndexes(ctx.activePods);
    const out = new Map<number, Pod>();
    for (const p of this.validPods(ctx, undefined, (pod) => isPodFailed(pod, ctx.job))) {
      const ix = getCompletionIndex(p.metadata.annotations);
      if (ctx.succeededIndexes.has(ix) || ctx.failedIndexes?.has(ix) || activeIndexes.has(ix)) continue;
      const last = out.get(ix);
      if (!last || (indexAbsoluteFailureCount(last) <= indexAbsoluteFailureCount(p) && getFinishedTime(p) >= getFinishedTime(last))) out.set(ix, p);
    }
    return out;
  }

  private event(job: Job, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(job, type, reason, message, { kind: JOB_KIND, apiVersion: JOB_API_VERSION });
  }

  /** deleteActivePods: deletions that keep the finalizers (trackJobStatusAndRemoveFinalizers removes them). */
  private async deleteActivePods(job: Job, pods: Pod[]): Promise<{ deletedReady: number; deleted: number; error?: unknown }> {
    let deleted = pods.length;
    let deletedReady = 0;
    let error: unknown;
    await Promise.all(pods.map(async (pod) => {
      try {
        await this.podControl.deletePod(job.metadata.namespace ?? '', pod.metadata.name ?? '', job);
      } catch (e) {
        if (!isNotFound(e)) {
          deleted--;
          error ??= e;
        }
      }
      if (isPodReady(pod)) deletedReady++;
    }));
    return { deletedReady, deleted, error };
  }

  /** deleteJobPods: finalizer off, then delete; a failed one is not expected any more. */
  private async deleteJobPods(job: Job, jobKey: string, pods: Pod[]): Promise<{ removedReady: number; removed: number; error?: unknown }> {
    let removed = pods.length;
    let removedReady = 0;
    let error: unknown;
    const failDelete = (pod: Pod, e: unknown) => {
      this.expectations.deletionObserved(jobKey, podKey(pod));
      if (!isNotFound(e)) {
        removed--;
        error ??= e;
      }
    };
    await Promise.all(pods.map(async (pod) => {
      if (hasJobTrackingFinalizer(pod)) {
        try {
          await this.client.patch(builtin.pods, pod.metadata.name ?? '', removeTrackingFinalizerPatch(), 'strategic', { namespace: pod.metadata.namespace });
        } catch (e) {
          failDelete(pod, isNotFound(e) ? e : new Error(`removing completion finalizer: ${errorText(e)}`));
          return;
        }
      }
      try {
        await this.podControl.deletePod(job.metadata.namespace ?? '', pod.metadata.name ?? '', job);
      } catch (e) {
        failDelete(pod, e);
      }
      if (isPodReady(pod)) removedReady++;
    }));
    return { removedReady, removed, error };
  }

  /**
   * manageJob: keeps min(parallelism, remaining completions) pods active — deletes surplus (and duplicate indexes)
   * first, otherwise creates what is missing once the failure back-off has passed. Returns the active count.
   */
  private async manageJob(job: Job, ctx: SyncJobCtx): Promise<{ active: number; error?: unknown; requeueAfter?: number }> {
    let active = ctx.activePods.length;
    const parallelism = job.spec.parallelism ?? 1;
    const jobKey = objectKey(job);
    if (jobSuspended(job)) {
      const toDelete = this.activePodsForRemoval(job, ctx.activePods, active);
      this.expectations.expectDeletions(jobKey, toDelete.map(podKey));
      const { removedReady, removed, error } = await this.deleteJobPods(job, jobKey, toDelete);
      ctx.terminating += removed;
      ctx.ready -= removedReady;
      return { active: active - removed, error };
    }
    let wantActive: number;
    const completions = job.spec.completions;
    if (completions === undefined || completions === null) {
      // after a first success, whatever runs may finish; nothing new starts
      wantActive = ctx.succeeded > 0 ? active : parallelism;
    } else {
      wantActive = Math.max(0, Math.min(completions - ctx.succeeded, parallelism));
    }
    const rmAtLeast = Math.max(0, active - wantActive);
    let toDelete = this.activePodsForRemoval(job, ctx.activePods, rmAtLeast);
    if (toDelete.length > MAX_POD_CREATE_DELETE_PER_SYNC) toDelete = toDelete.slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (toDelete.length > 0) {
      this.expectations.expectDeletions(jobKey, toDelete.map(podKey));
      const { removedReady, removed, error } = await this.deleteJobPods(job, jobKey, toDelete);
      ctx.terminating += removed;
      ctx.ready -= removedReady;
      // deletion takes precedence: creations wait for the next sync
      return { active: active - removed, error };
    }
    const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return { active };
    const indexed = isIndexedJob(job);
    if (!hasBackoffLimitPerIndex(job)) {
      const remaining = remainingTimeForFailures(this.now(), this.backoffMs, this.maxBackoffMs, ctx.newBackoffRecord.failuresAfterLastSuccess, ctx.newBackoffRecord.lastFailureTime);
      if (remaining > 0) return { active, requeueAfter: Math.max(remaining, this.batchMs) };
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    let indexesToAdd: number[] = [];
    if (indexed) {
      indexesToAdd = firstPendingIndexes({
        activePods: ctx.activePods, succeededIndexes: ctx.succeededIndexes, failedIndexes: ctx.failedIndexes,
        terminatingPods: onlyReplaceFailedPods(job) ? ctx.pods.filter(isTerminatingPod) : undefined,
      }, diff, completions ?? 0);
      if (hasBackoffLimitPerIndex(job)) {
        const now: number[] = [];
        let minRemaining: number | undefined;
        for (const ix of indexesToAdd) {
          const r = remainingTimePerIndex(this.now(), this.backoffMs, this.maxBackoffMs, ctx.podsWithDelayedDeletionPerIndex.get(ix));
          if (r === 0) now.push(ix);
          else if (minRemaining === undefined || r < minRemaining) minRemaining = r;
        }
        indexesToAdd = now;
        if (indexesToAdd.length === 0 && minRemaining !== undefined) return { active, requeueAfter: Math.max(minRemaining, this.batchMs) };
      }
      diff = indexesToAdd.length;
    }
    this.expectations.expectCreations(jobKey, diff);
    active += diff;
    const template: PodTemplateSpec = structuredClone(job.spec.template);
    if (indexed) addCompletionIndexEnvVariables(template);
    const meta = (template.metadata ??= {});
    if (!meta.finalizers?.includes(JOB_TRACKING_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), JOB_TRACKING_FINALIZER];
    const ref = newControllerRef(job, JOB_API_VERSION, JOB_KIND);
    let errors: unknown;
    const { successes, error } = await slowStartBatch(diff, 1, async () => {
      const ix = indexesToAdd.shift() ?? UNKNOWN_COMPLETION_INDEX;
      let podTemplate = template;
      let generateName: string | undefined;
      if (ix !== UNKNOWN_COMPLETION_INDEX) {
        podTemplate = structuredClone(template);
        setCompletionIndex(podTemplate, job.metadata.name ?? '', ix);
        generateName = podGenerateNameWithIndex(job.metadata.name ?? '', ix);
        if (hasBackoffLimitPerIndex(job)) {
          const counts = newIndexFailureCounts(job, ctx.podsWithDelayedDeletionPerIndex.get(ix));
          const annotations = (podTemplate.metadata!.annotations ??= {});
          annotations[JOB_INDEX_FAILURE_COUNT_ANNOTATION] = String(counts.failed);
          if (counts.ignored > 0) annotations[JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION] = String(counts.ignored);
        }
      }
      try {
        await this.podControl.createPod(podTemplate, job, ref, generateName);
      } catch (e) {
        // a terminating namespace refuses every create: nothing to retry
        if (isNamespaceTerminating(e)) return;
        throw e;
      }
    });
    if (error !== undefined) errors = error;
    // creations that failed or were skipped will never be observed
    const missing = diff - successes;
    for (let i = 0; i < missing; i++) this.expectations.creationObserved(jobKey);
    active -= missing;
    return { active, error: errors };
  }

  /**
   * activePodsForRemoval: for Indexed Jobs, pods with a repeated, missing or out-of-range index; then, to reach
   * `rmAtLeast`, the cheapest of the rest (not ready < ready, unscheduled < scheduled, pending < running).
   */
  private activePodsForRemoval(job: Job, pods: Pod[], rmAtLeast: number): Pod[] {
    let rm: Pod[] = [];
    let left: Pod[] = pods;
    if (isIndexedJob(job)) [rm, left] = duplicatedIndexPodsForRemoval(pods, job.spec.completions ?? 0, byActivePods);
    if (rm.length < rmAtLeast) {
      left = [...left].sort(byActivePods);
      rm = [...rm, ...left.slice(0, rmAtLeast - rm.length)];
    }
    return rm;
  }

  /**
   * trackJobStatusAndRemoveFinalizers: finished pods go into status.uncountedTerminatedPods, lose their finalizer,
   * then move into the counters; the terminal condition is added once nothing is left uncounted or terminating.
   */
  private async trackJobStatusAndRemoveFinalizers(ctx: SyncJobCtx, needsFlushIn: boolean): Promise<void> {
    let needsFlush = needsFlushIn;
    const job = ctx.job;
    const status = job.status!;
    const indexed = isIndexedJob(job);
    const completions = job.spec.completions ?? 0;
    const uncountedStatus = status.uncountedTerminatedPods!;
    uncountedStatus.succeeded ??= [];
    uncountedStatus.failed ??= [];
    const newSucceededIndexes: number[] = [];
    if (indexed) sortByCompletionIndex(ctx.pods);
    const uidsWithFinalizer = new Set<string>();
    for (const p of ctx.pods) {
      const uid = p.metadata.uid ?? '';
      if (hasJobTrackingFinalizer(p) && !ctx.expectedRmFinalizers.has(uid)) uidsWithFinalizer.add(uid);
    }
    if (cleanUncountedPodsWithoutFinalizers(status, uidsWithFinalizer)) needsFlush = true;
    const podsToRemoveFinalizer: Pod[] = [];
    let reachedMaxUncountedPods = false;
    for (const pod of ctx.pods) {
      const uid = pod.metadata.uid ?? '';
      // counted in an earlier sync
      if (!hasJobTrackingFinalizer(pod) || ctx.expectedRmFinalizers.has(uid)) continue;
      const considerFailed = isPodFailed(pod, job);
      if (!this.canRemoveFinalizer(ctx, pod, considerFailed)) continue;
      podsToRemoveFinalizer.push(pod);
      if (pod.status?.phase === 'Succeeded' && !ctx.uncounted.failed.has(uid)) {
        if (indexed) {
          // the completion index alone prevents counting twice
          const ix = getCompletionIndex(pod.metadata.annotations);
          if (ix !== UNKNOWN_COMPLETION_INDEX && ix < completions && !ctx.prevSucceededIndexes.has(ix)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!ctx.uncounted.succeeded.has(uid)) {
          needsFlush = true;
          uncountedStatus.succeeded.push(uid);
        }
      } else if (considerFailed || (ctx.finishedCondition && !isSuccessCriteriaMetCondition(ctx.finishedCondition))) {
        // once the Job is finished, every pod that did not succeed counts as failed
        const ix = getCompletionIndex(pod.metadata.annotations);
        if (!ctx.uncounted.failed.has(uid) && (!indexed || (ix !== UNKNOWN_COMPLETION_INDEX && ix < completions))) {
          if (!job.spec.podFailurePolicy || getPodFailureMatch(job.spec.podFailurePolicy, pod).countFailed) {
            needsFlush = true;
            uncountedStatus.failed.push(uid);
          }
        }
      }
      if (newSucceededIndexes.length + uncountedStatus.succeeded.length + uncountedStatus.failed.length >= MAX_UNCOUNTED_PODS) {
        // the rest waits for the next sync, so a big Job neither bloats its status nor starves the others
        reachedMaxUncountedPods = true;
        break;
      }
    }
    if (indexed) {
      ctx.succeededIndexes = ctx.succeededIndexes.withOrderedIndexes(newSucceededIndexes.sort((a, b) => a - b));
      const text = ctx.succeededIndexes.toString();
      if (text !== (status.completedIndexes ?? '')) needsFlush = true;
      status.succeeded = ctx.succeededIndexes.total();
      status.completedIndexes = text;
      const failedText = ctx.failedIndexes ? ctx.failedIndexes.toString() : undefined;
      if ((status.failedIndexes ?? undefined) !== failedText) {
        if (failedText === undefined) delete status.failedIndexes;
        else status.failedIndexes = failedText;
        needsFlush = true;
      }
    }
    if (ctx.finishedCondition?.type === JOB_FAILURE_TARGET) {
      // the interim condition goes in before the finalizers come off; Failed follows once they have
      (status.conditions ??= []).push(ctx.finishedCondition);
      needsFlush = true;
      ctx.finishedCondition = newCondition(JOB_FAILED, 'True', ctx.finishedCondition.reason ?? '', ctx.finishedCondition.message ?? '', this.now());
    }
    if (isSuccessCriteriaMetCondition(ctx.finishedCondition)) {
      if (!hasSuccessCriteriaMetCondition(job)) {
        (status.conditions ??= []).push(ctx.finishedCondition!);
        needsFlush = true;
      }
      ctx.finishedCondition = newCondition(JOB_COMPLETE, 'True', ctx.finishedCondition!.reason ?? '', ctx.finishedCondition!.message ?? '', this.now());
    }
    needsFlush = await this.flushUncountedAndRemoveFinalizers(ctx, podsToRemoveFinalizer, uidsWithFinalizer, needsFlush);
    const finished = !reachedMaxUncountedPods && this.enactJobFinished(ctx);
    if (finished) needsFlush = true;
    if (needsFlush) {
      ctx.job = await this.updateJobStatus(ctx.job);
      if (finished) this.recordJobFinished(ctx.job, ctx.finishedCondition!);
    }
  }

  /**
   * canRemoveFinalizer: when the Job is going away or finished, the pod succeeded, or it failed — unless it is the
   * failed pod of an index kept until its replacement carries the failure count.
   */
  private canRemoveFinalizer(ctx: SyncJobCtx, pod: Pod, considerFailed: boolean): boolean {
    if (ctx.job.metadata.deletionTimestamp || ctx.finishedCondition || pod.status?.phase === 'Succeeded') return true;
    if (!considerFailed) return false;
    if (hasBackoffLimitPerIndex(ctx.job)) {
      const ix = getCompletionIndex(pod.metadata.annotations);
      if (ix !== UNKNOWN_COMPLETION_INDEX && ctx.podsWithDelayedDeletionPerIndex.get(ix)?.metadata.uid === pod.metadata.uid) return false;
    }
    return true;
  }

  /**
   * flushUncountedAndRemoveFinalizers: writes the status with the new uncounted UIDs (and interim conditions), then
   * removes the finalizers, then moves what lost its finalizer into the counters (writing again only if some
   * removal failed). Returns whether changes are still unwritten.
   */
  private async flushUncountedAndRemoveFinalizers(ctx: SyncJobCtx, podsToRemoveFinalizer: Pod[], uidsWithFinalizer: Set<string>, needsFlushIn: boolean): Promise<boolean> {
    let needsFlush = needsFlushIn;
    if (needsFlush) {
      ctx.job = await this.updateJobStatus(ctx.job);
      this.backoffStore.updateBackoffRecord(ctx.newBackoffRecord);
      needsFlush = false;
    }
    const jobKey = objectKey(ctx.job);
    let rmErr: unknown;
    if (podsToRemoveFinalizer.length > 0) {
      const r = await this.removeTrackingFinalizerFromPods(jobKey, podsToRemoveFinalizer);
      rmErr = r.error;
      podsToRemoveFinalizer.forEach((p, i) => {
        if (r.succeeded[i]) uidsWithFinalizer.delete(p.metadata.uid ?? '');
      });
    }
    // some removals failed: record the partial progress
    if (cleanUncountedPodsWithoutFinalizers(ctx.job.status ??= {}, uidsWithFinalizer)) needsFlush = true;
    if (rmErr !== undefined && needsFlush) {
      ctx.job = await this.updateJobStatus(ctx.job);
    }
    if (rmErr !== undefined) throw rmErr;
    return needsFlush;
  }

  private async removeTrackingFinalizerFromPods(jobKey: string, pods: Pod[]): Promise<{ succeeded: boolean[]; error?: unknown }> {
    const succeeded = pods.map(() => false);
    this.finalizerExpectations.expectFinalizersRemoved(jobKey, pods.map((p) => p.metadata.uid ?? ''));
    let error: unknown;
    await Promise.all(pods.map(async (pod, i) => {
      if (!hasJobTrackingFinalizer(pod)) return;
      try {
        await this.client.patch(builtin.pods, pod.metadata.name ?? '', removeTrackingFinalizerPatch(), 'strategic', { namespace: pod.metadata.namespace });
      } catch (e) {
        // no update will show the finalizer gone
        this.finalizerExpectations.finalizerRemovalObserved(jobKey, pod.metadata.uid ?? '');
        if (!isNotFound(e)) {
          error ??= new Error(`removing tracking finalizer: ${errorText(e)}`);
          return;
        }
      }
      succeeded[i] = true;
    }));
    return { succeeded, error };
  }

  /** enactJobFinished: sets Complete or Failed once nothing is uncounted or terminating. */
  private enactJobFinished(ctx: SyncJobCtx): boolean {
    const cond = ctx.finishedCondition;
    if (!cond) return false;
    const status = ctx.job.status ??= {};
    const uncounted = status.uncountedTerminatedPods;
    if ((uncounted?.succeeded?.length ?? 0) + (uncounted?.failed?.length ?? 0) > 0) return false;
    if (ctx.terminating > 0) return false;
    ensureJobConditionStatus(status, cond.type, cond.status, cond.reason ?? '', cond.message ?? '', this.now());
    if (cond.type === JOB_COMPLETE) status.completionTime = cond.lastTransitionTime;
    return true;
  }

  private recordJobFinished(job: Job, cond: JobCondition): void {
    if (cond.type === JOB_COMPLETE) {
      const completions = job.spec.completions;
      if (completions !== undefined && completions !== null && (job.status?.succeeded ?? 0) > completions) {
        this.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.event(job, 'Warning', cond.reason ?? '', cond.message ?? '');
    }
  }

  private async updateJobStatus(job: Job): Promise<Job> {
    const body: Job = { ...job, status: wireStatus(job.status ?? {}) };
    const updated = await this.client.updateStatus<Job>(builtin.jobs, body);
    // keep working on the full shape (uncountedTerminatedPods lists present)
    updated.status ??= {};
    updated.status.uncountedTerminatedPods ??= {};
    return updated;
  }
}

/**
 * cleanUncountedPodsWithoutFinalizers: UIDs in status.uncountedTerminatedPods whose pod no longer has the finalizer
 * move into the counters. Returns whether anything changed.
 */
function cleanUncountedPodsWithoutFinalizers(status: JobStatus, uidsWithFinalizer: Set<string>): boolean {
  let updated = false;
  const u = (status.uncountedTerminatedPods ??= {});
  const keepS = (u.succeeded ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  if (keepS.length !== (u.succeeded ?? []).length) {
    updated = true;
    status.succeeded = (status.succeeded ?? 0) + (u.succeeded!.length - keepS.length);
    u.succeeded = keepS;
  }
  const keepF = (u.failed ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  if (keepF.length !== (u.failed ?? []).length) {
    updated = true;
    status.failed = (status.failed ?? 0) + (u.failed!.length - keepF.length);
    u.failed = keepF;
  }
  return updated;
}

/**
 * pastBackoffLimitOnFailure: with restartPolicy OnFailure the kubelet restarts containers in place, so the restarts
 * of running and pending pods count against backoffLimit.
 */
export function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = p.status?.phase;
    if (phase !== 'Running' && phase !== 'Pending') continue;
    for (const s of [...containerStatuses(p, true), ...containerStatuses(p)]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}
