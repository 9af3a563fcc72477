// The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go): each CronJob key is requeued for its next
// schedule time; a sync reconciles status.active with the Jobs the CronJob owns, deletes finished Jobs beyond the
// history limits, and — unless suspended, past startingDeadlineSeconds, or held back by concurrencyPolicy Forbid —
// creates the Job of the most recent unmet schedule time (Replace deletes the running ones first). The clock is
// injectable, so tests need not wait for minutes to pass.
import { CronError, parseStandard, type Schedule } from '../../apimachinery/cron.js';
import { isNotFound, isAlreadyExists } from '../../apimachinery/errors.js';
import { isValidTimeZone } from '../../apimachinery/zoned-time.js';
import type { KubeClient } from '../../client/client.js';
import { controllerRef, type ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { splitObjectKey } from '../../client/store.js';
import { errorText, QueueController, type QueueControllerOptions } from '../common/queue-controller.js';
import { resolveControllerRef } from '../common/owners.js';
import { isNamespaceTerminating } from '../common/errors.js';
import { finishedCondition, isJobFinished, isJobSucceeded, JOB_COMPLETE, JOB_FAILED, type Job } from '../job/types.js';
import {
  byJobStartTime, CRONJOB_API_VERSION, CRONJOB_KIND, type CronJob, deleteFromActiveList, getJobFromTemplate, inActiveList,
  inActiveListByName, jobNameFor, jobReference, nextScheduleTime, nextScheduleTimeDuration,
} from './utils.js';
import { rfc3339 } from '../../apimachinery/time.js';

export const CRONJOB_CONTROLLER = 'cronjob-controller';

export interface CronJobControllerOptions extends QueueControllerOptions {
}

/** Go's Time.UTC().Format(time.RFC1123Z): `Mon, 02 Jan 2006 15:04:05 +0000`. */
const rfc1123z = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');

/** formatSchedule: the schedule with the CronJob's timeZone as a TZ= prefix. */
function formatSchedule(cj: CronJob): string {
  if (cj.spec.schedule.includes('TZ')) return cj.spec.schedule;
  const tz = cj.spec.timeZone;
  if (tz !== undefined && tz !== null && isValidTimeZone(tz)) return `TZ=${tz} ${cj.spec.schedule}`;
  return cj.spec.schedule;
}

export class CronJobController extends QueueController {
  private readonly cronJobs: SharedInformer<CronJob>;
  private readonly jobs: SharedInformer<Job>;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: CronJobControllerOptions = {}) {
    super(client, CRONJOB_CONTROLLER, 'cronjob', opts);
    this.cronJobs = factory.informerFor<CronJob>(builtin.cronJobs);
    this.jobs = factory.informerFor<Job>(builtin.jobs);
    this.jobs.addEventHandler({ onAdd: (j) => this.addJob(j), onUpdate: (o, c) => this.updateJob(o, c), onDelete: (j) => this.deleteJob(j) });
    this.cronJobs.addEventHandler({ onAdd: (cj) => this.enqueue(cj), onUpdate: (o, c) => this.updateCronJob(o, c), onDelete: (cj) => this.enqueue(cj) });
  }

  protected caches() {
    return [this.jobs, this.cronJobs];
  }

  private event(cj: CronJob, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(cj, type, reason, message, { kind: CRONJOB_KIND, apiVersion: CRONJOB_API_VERSION });
  }

  // ---- event handlers ----

  private ownerOf(job: Job): CronJob | undefined {
    const ref = controllerRef(job);
    return ref ? resolveControllerRef(this.cronJobs.store, job.metadata.namespace, ref, CRONJOB_KIND) : undefined;
  }

  private addJob(job: Job): void {
    const cj = this.ownerOf(job);
    if (cj) this.enqueue(cj);
  }

  private updateJob(oldJob: Job, curJob: Job): void {
    if (curJob.metadata.resourceVersion === oldJob.metadata.resourceVersion) return;
    const curRef = controllerRef(curJob);
    const oldRef = controllerRef(oldJob);
    if (oldRef && JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef)) {
      const old = this.ownerOf(oldJob);
      if (old) this.enqueue(old);
    }
    const cj = this.ownerOf(curJob);
    if (cj) this.enqueue(cj);
  }

  private deleteJob(job: Job): void {
    const cj = this.ownerOf(job);
    if (cj) this.enqueue(cj);
  }

  /** updateCronJob: a new schedule or zone requeues for its next time; any other change syncs now. */
  private updateCronJob(oldCJ: CronJob, cur: CronJob): void {
    if (oldCJ.spec.schedule !== cur.spec.schedule || (oldCJ.spec.timeZone ?? null) !== (cur.spec.timeZone ?? null)) {
      let sched: Schedule;
      try {
        sched = parseStandard(formatSchedule(cur));
      } catch {
        this.event(cur, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec.schedule}`);
        return;
      }
      this.enqueueAfter(cur, nextScheduleTimeDuration(cur, this.now(), sched));
      return;
    }
    this.enqueue(cur);
  }

  // ---- sync ----

  protected async sync(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitObjectKey(key);
    const cached = this.cronJobs.store.getByName(namespace, name);
    if (!cached) return; // deleted
    // every Job with a controller reference of this name, even if its labels no longer match
    const jobs = this.jobs.store.byNamespace(namespace ?? '').filter((j) => {
      const ref = controllerRef(j);
      return !!ref && ref.name === cached.metadata.name;
    });
    // all changes collect on one copy, written once
    const cj: CronJob = structuredClone(cached);
    const updateAfterCleanup = await this.cleanupFinishedJobs(cj, jobs);
    let result: { requeueAfter?: number; updateStatus: boolean; error?: unknown };
    try {
      result = await this.syncCronJob(cj, jobs);
    } catch (e) {
      result = { updateStatus: false, error: e };
    }
    if (updateAfterCleanup || result.updateStatus) {
      await this.client.updateStatus<CronJob>(builtin.cronJobs, cj);
    }
    if (result.requeueAfter !== undefined) return { requeueAfter: Math.max(0, result.requeueAfter) };
    if (result.error !== undefined) throw result.error;
  }

  /** syncCronJob: reconciles status.active and starts the Job of the most recent unmet schedule time. */
  private async syncCronJob(cjIn: CronJob, jobs: Job[]): Promise<{ requeueAfter?: number; updateStatus: boolean; error?: unknown }> {
    let cj = cjIn;
    const now = this.now();
    let updateStatus = false;
    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata.uid ?? '');
      const found = inActiveList(cj, j.metadata.uid);
      if (!found && !isJobFinished(j)) {
        const fresh = await this.client.get<CronJob>(builtin.cronJobs, cj.metadata.name ?? '', { namespace: cj.metadata.namespace });
        if (inActiveList(fresh, j.metadata.uid)) {
          cj = Object.assign(cjIn, fresh);
          continue;
        }
        // created by us before a crash, by a newer list than our status, or by someone for us to adopt
        this.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (found && isJobFinished(j)) {
        deleteFromActiveList(cj, j.metadata.uid);
        this.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, status: ${finishedCondition(j)}`);
        updateStatus = true;
      } else if (isJobSucceeded(j)) {
        // a Job need not be active to count as the last success
        const completion = j.status?.completionTime;
        const status = (cj.status ??= {});
        if (!status.lastSuccessfulTime) {
          status.lastSuccessfulTime = completion ?? null;
          updateStatus = true;
        }
        if (completion && status.lastSuccessfulTime && Date.parse(completion) > Date.parse(status.lastSuccessfulTime)) {
          status.lastSuccessfulTime = completion;
          updateStatus = true;
        }
      }
    }
    // active references whose Job is really gone (asked of the API server, the cache may lag)
    for (const ref of [...(cj.status?.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.client.get<Job>(builtin.jobs, ref.name ?? '', { namespace: ref.namespace });
      } catch (e) {
        if (!isNotFound(e)) return { updateStatus, error: e };
        this.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        deleteFromActiveList(cj, ref.uid);
        updateStatus = true;
      }
    }
    if (cj.metadata.deletionTimestamp) return { updateStatus };

    const tz = cj.spec.timeZone;
    if (tz !== undefined && tz !== null && !isValidTimeZone(tz)) {
      this.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`);
      return { updateStatus };
    }
    if (cj.spec.suspend === true) return { updateStatus };
    if (cj.spec.schedule.includes('TZ')) {
      this.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(cj.spec.schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    let sched: Schedule;
    try {
      sched = parseStandard(formatSchedule(cj));
    } catch (e) {
      // a user error in the spec: nothing to do until it changes
      if (!(e instanceof CronError)) throw e;
      this.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${e.message}`);
      return { updateStatus };
    }
    const next = nextScheduleTime(cj, now, sched);
    if (next.tooManyMissed) {
      this.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    if (next.error) {
      this.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${next.error.message}`);
      return { updateStatus };
    }
    const requeue = () => nextScheduleTimeDuration(cj, now, sched);
    const scheduledTime = next.time;
    // no unmet time: normally only right after a restart
    if (scheduledTime === undefined) return { requeueAfter: requeue(), updateStatus };

    const deadline = cj.spec.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && scheduledTime + deadline * 1000 < now) {
      this.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduledTime)}`);
      return { requeueAfter: requeue(), updateStatus };
    }
    const last = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : NaN;
    if (inActiveListByName(cj, jobNameFor(cj, scheduledTime), cj.metadata.namespace) || last === scheduledTime) {
      return { requeueAfter: requeue(), updateStatus };
    }
    if (cj.spec.concurrencyPolicy === 'Forbid' && (cj.status?.active ?? []).length > 0) {
      this.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { requeueAfter: requeue(), updateStatus };
    }
    if (cj.spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(cj.status?.active ?? [])]) {
        let job: Job;
        try {
          job = await this.client.get<Job>(builtin.jobs, ref.name ?? '', { namespace: ref.namespace });
        } catch (e) {
          this.event(cj, 'Warning', 'FailedGet', `Get job: ${errorText(e)}`);
          return { updateStatus, error: e };
        }
        if (!(await this.deleteJobAndReference(cj, job))) return { updateStatus, error: new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`) };
        updateStatus = true;
      }
    }

    const jobReq = getJobFromTemplate(cj, scheduledTime);
    let jobResp: Job;
    let alreadyExisted = false;
    try {
      jobResp = await this.client.create<Job>(builtin.jobs, jobReq);
    } catch (e) {
      if (isNamespaceTerminating(e)) return { updateStatus, error: e };
      if (!isAlreadyExists(e)) {
        this.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorText(e)}`);
        return { updateStatus, error: e };
      }
      // created before (by us, if it is ours): put it back into the active list unless it is there
      alreadyExisted = true;
      jobResp = await this.client.get<Job>(builtin.jobs, jobReq.metadata.name ?? '', { namespace: jobReq.metadata.namespace });
      if (controllerRef(jobResp)?.uid !== cj.metadata.uid) return { updateStatus };
      if (inActiveList(cj, jobResp.metadata.uid)) return { updateStatus };
    }
    if (!alreadyExisted) this.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobResp.metadata.name}`);
    // the Job's name (from the scheduled time) keeps a crash between here and the status write from running it twice
    const status = (cj.status ??= {});
    status.active = [...(status.active ?? []), jobReference(jobResp)];
    status.lastScheduleTime = rfc3339(scheduledTime);
    return { requeueAfter: requeue(), updateStatus: true };
  }

  /** cleanupFinishedJobs: deletes the oldest finished Jobs beyond successful/failedJobsHistoryLimit. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: Job[]): Promise<boolean> {
    const okLimit = cj.spec.successfulJobsHistoryLimit;
    const failLimit = cj.spec.failedJobsHistoryLimit;
    if ((okLimit === undefined || okLimit === null) && (failLimit === undefined || failLimit === null)) return false;
    const succeeded = jobs.filter((j) => finishedCondition(j) === JOB_COMPLETE);
    const failed = jobs.filter((j) => finishedCondition(j) === JOB_FAILED);
    let update = false;
    if (okLimit !== undefined && okLimit !== null && (await this.removeOldestJobs(cj, succeeded, okLimit))) update = true;
    if (failLimit !== undefined && failLimit !== null && (await this.removeOldestJobs(cj, failed, failLimit))) update = true;
    return update;
  }

  private async removeOldestJobs(cj: CronJob, jobs: Job[], max: number): Promise<boolean> {
    const toDelete = jobs.length - max;
    if (toDelete <= 0) return false;
    let update = false;
    for (const job of [...jobs].sort(byJobStartTime).slice(0, toDelete)) {
      if (await this.deleteJobAndReference(cj, job)) update = true;
    }
    return update;
  }

  /** deleteJob: the Job (its pods in the background) and its reference in status.active. */
  private async deleteJobAndReference(cj: CronJob, job: Job): Promise<boolean> {
    try {
      await this.client.delete(builtin.jobs, job.metadata.name ?? '', { namespace: job.metadata.namespace, propagationPolicy: 'Background' });
    } catch (e) {
      this.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorText(e)}`);
      return false;
    }
    deleteFromActiveList(cj, job.metadata.uid);
    this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  }
}
