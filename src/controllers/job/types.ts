// The slices of batch/v1 Job the Job, CronJob and TTL-after-finished controllers read and write (wire form), the
// well-known names of k8s.io/api/batch/v1, and pkg/controller/job/util: when a Job is finished.
import type { ContainerStatus } from '../../api/core.js';
import type { Pod } from '../statefulset/types.js';
import type * as batch from '../../api/generated/batch-v1.js';
import type { JobSpec } from '../../api/generated/batch-v1.js';
export type { JobCondition, JobSpec, JobStatus, PodFailurePolicyRule } from '../../api/generated/batch-v1.js';

export const JOB_API_VERSION = 'batch/v1';
export const JOB_KIND = 'Job';

/** Finalizer on every pod the controller creates, removed once the pod is counted in the Job's status. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** Annotation and label (same key) holding an Indexed Job pod's completion index. */
export const JOB_COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const JOB_INDEX_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-failure-count';
export const JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-ignored-failure-count';
/** spec.managedBy of Jobs this controller syncs (any other value leaves the Job to someone else). */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

export const JOB_COMPLETE = 'Complete';
export const JOB_FAILED = 'Failed';
export const JOB_SUSPENDED = 'Suspended';
export const JOB_FAILURE_TARGET = 'FailureTarget';
export const JOB_SUCCESS_CRITERIA_MET = 'SuccessCriteriaMet';

export const JOB_REASON_POD_FAILURE_POLICY = 'PodFailurePolicy';
export const JOB_REASON_BACKOFF_LIMIT_EXCEEDED = 'BackoffLimitExceeded';
export const JOB_REASON_DEADLINE_EXCEEDED = 'DeadlineExceeded';
export const JOB_REASON_MAX_FAILED_INDEXES_EXCEEDED = 'MaxFailedIndexesExceeded';
export const JOB_REASON_FAILED_INDEXES = 'FailedIndexes';
export const JOB_REASON_SUCCESS_POLICY = 'SuccessPolicy';
export const JOB_REASON_COMPLETIONS_REACHED = 'CompletionsReached';

/** batch/v1 Job with `spec` required: the API server validates that every Job has one. */
export interface Job extends batch.Job {
  spec: JobSpec;
}

/** FinishedCondition: the type of the first Complete or Failed condition that is True. */
export function finishedCondition(job: Pick<Job, 'status'>): string | undefined {
  return job.status?.conditions?.find((c) => (c.type === JOB_COMPLETE || c.type === JOB_FAILED) && c.status === 'True')?.type;
}

/** IsJobFinished: Complete or Failed. */
export const isJobFinished = (job: Pick<Job, 'status'>): boolean => finishedCondition(job) !== undefined;

/** IsJobSucceeded: Complete. */
export const isJobSucceeded = (job: Pick<Job, 'status'>): boolean =>
  job.status?.conditions?.some((c) => c.type === JOB_COMPLETE && c.status === 'True') ?? false;

/** A pod's app (or init) container statuses, typed (the controllers' pod shape leaves status fields unknown). */
export function containerStatuses(pod: Pod, init = false): ContainerStatus[] {
  const v = pod.status?.[init ? 'initContainerStatuses' : 'containerStatuses'];
  return Array.isArray(v) ? (v as ContainerStatus[]) : [];
}
