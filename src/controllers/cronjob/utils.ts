// CronJob time arithmetic and Job construction, after pkg/controller/cronjob/utils.go: the most recent schedule time
// that has passed (with a rough count of how many were missed), when to look again, and the Job a scheduled time
// produces (named `<cronjob>-<minutes since the epoch>`, so a time is never run twice).
import { GO_ZERO_TIME, type Schedule } from '../../apimachinery/cron.js';
import type { OwnerReference } from '../../apimachinery/types.js';
import { formatRFC3339In } from '../../apimachinery/zoned-time.js';
import { newControllerRef } from '../common/controller-ref-manager.js';
import { JOB_API_VERSION, type Job, type JobSpec } from '../job/types.js';
import type * as batch from '../../api/generated/batch-v1.js';
import type { ObjectReference } from '../../api/generated/core-v1.js';
export type { ObjectReference };

export const CRONJOB_API_VERSION = 'batch/v1';
export const CRONJOB_KIND = 'CronJob';
/** CronJobScheduledTimestampAnnotation. */
export const CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** nextScheduleDelta: requeues land this much after the scheduled time (clock skew). */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/** batch/v1 CronJob with `spec` and its job template's `spec` required, as validation makes every CronJob have them. */
export interface CronJob extends batch.CronJob {
  spec: batch.CronJobSpec & { jobTemplate: { spec: JobSpec } };
}

export type MissedSchedules = 'none' | 'few' | 'many';

const parse = (t: string | null | undefined) => (t ? Date.parse(t) : NaN);

/**
 * mostRecentScheduleTime: the earliest time to consider (last schedule time, else creation; moved up to now minus
 * startingDeadlineSeconds when asked), the most recent schedule time at or before now after it (if any), how many
 * were missed, and an error for a schedule that never fires twice a second apart (e.g. February 31st).
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: Schedule, includeStartingDeadlineSeconds: boolean): {
  earliest: number; mostRecent?: number; missed: MissedSchedules; error?: Error;
} {
  let earliest = parse(cj.metadata.creationTimestamp);
  const last = parse(cj.status?.lastScheduleTime);
  if (!Number.isNaN(last)) earliest = last;
  if (Number.isNaN(earliest)) earliest = now;
  const deadline = cj.spec.startingDeadlineSeconds;
  if (includeStartingDeadlineSeconds && deadline !== undefined && deadline !== null) {
    // nothing before this point will be scheduled
    const schedulingDeadline = now - deadline * 1000;
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 'none' };
  if (now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1 || t1 === GO_ZERO_TIME) return { earliest, missed: 'none', error: new Error('time difference between two schedules is less than 1 second') };
  // a rough count: how many intervals fit between the first missed time and now
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  // start a little before the estimated last time so irregular schedules (30 6-16/4 * * 1-5) are found exactly
  const potentialEarliest = t1 + (missedCount - 1 - 1) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t <= now && t !== GO_ZERO_TIME; t = schedule.next(t)) mostRecent = t;
  const missed: MissedSchedules = missedCount > 100 ? 'many' : missedCount > 0 ? 'few' : 'none';
  return { earliest, mostRecent, missed };
}

/** nextScheduleTimeDuration: ms until the next schedule time after the most recent one, plus the skew delta. */
export function nextScheduleTimeDuration(cj: CronJob, now: number, schedule: Schedule): number {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent === undefined) from = r.missed === 'none' ? r.earliest : now;
  else from = r.mostRecent;
  return schedule.next(from) + NEXT_SCHEDULE_DELTA_MS - now;
}

/** nextScheduleTime: the unmet schedule time to run now, if any. */
export function nextScheduleTime(cj: CronJob, now: number, schedule: Schedule): { time?: number; tooManyMissed: boolean; error?: Error } {
  const r = mostRecentScheduleTime(cj, now, schedule, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { tooManyMissed: false, error: r.error };
  return { time: r.mostRecent, tooManyMissed: r.missed === 'many', error: r.error };
}

/** getTimeHashInMinutes. */
export const jobNameFor = (cj: CronJob, scheduledTime: number): string => `${cj.metadata.name}-${Math.floor(scheduledTime / 60_000)}`;

/**
 * getJobFromTemplate2: the template's labels, annotations (plus the scheduled time in the CronJob's zone) and spec,
 * owned by the CronJob.
 */
export function getJobFromTemplate(cj: CronJob, scheduledTime: number): Job {
  const tpl = cj.spec.jobTemplate;
  const annotations = { ...(tpl.metadata?.annotations ?? {}) };
  // time.LoadLocation("") is UTC: without a timeZone the annotation is in UTC
  annotations[CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION] = formatRFC3339In(scheduledTime, cj.spec.timeZone ?? 'UTC');
  const ref: OwnerReference = newControllerRef(cj, CRONJOB_API_VERSION, CRONJOB_KIND);
  return {
    apiVersion: JOB_API_VERSION,
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduledTime),
      namespace: cj.metadata.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations,
      ownerReferences: [ref],
    },
    spec: structuredClone(tpl.spec),
  };
}

export const inActiveList = (cj: CronJob, uid: string | undefined): boolean => (cj.status?.active ?? []).some((r) => r.uid === uid);
export const inActiveListByName = (cj: CronJob, name: string, namespace: string | undefined): boolean =>
  (cj.status?.active ?? []).some((r) => r.name === name && r.namespace === namespace);

export function deleteFromActiveList(cj: CronJob, uid: string | undefined): void {
  const status = (cj.status ??= {});
  status.active = (status.active ?? []).filter((r) => r.uid !== uid);
}

/** byJobStartTime: started Jobs first, oldest first, names breaking ties. */
export function byJobStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sb) return sa ? -1 : 0;
  if (!sa) return 1;
  const ta = Date.parse(sa);
  const tb = Date.parse(sb);
  if (ta === tb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return ta - tb;
}

/** The Job's ObjectReference as client-go's reference.GetReference builds it. */
export function jobReference(job: Job): ObjectReference {
  return {
    kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid,
    apiVersion: JOB_API_VERSION, resourceVersion: job.metadata.resourceVersion,
  };
}
