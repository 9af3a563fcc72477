// The TTL-after-finished controller (pkg/controller/ttlafterfinished/ttlafterfinished_controller.go): a finished Job
// with spec.ttlSecondsAfterFinished is deleted (foreground, so its pods go first) that many seconds after the
// transition time of its Complete or Failed condition; before deleting, a fresh read confirms the TTL still applies.
import { isNotFound } from '../../apimachinery/errors.js';
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { splitObjectKey } from '../../client/store.js';
import { QueueController, type QueueControllerOptions } from '../common/queue-controller.js';
import { isJobFinished, JOB_COMPLETE, JOB_FAILED, type Job } from '../job/types.js';

export const TTL_AFTER_FINISHED_CONTROLLER = 'ttl-after-finished-controller';

export interface TTLAfterFinishedOptions extends QueueControllerOptions {
}

/** needsCleanup: a finished Job with a TTL. */
export function needsCleanup(job: Job): boolean {
  const ttl = job.spec.ttlSecondsAfterFinished;
  return ttl !== undefined && ttl !== null && isJobFinished(job);
}

/** jobFinishTime: when the Complete or Failed condition turned True. */
export function jobFinishTime(job: Job): number {
  const c = job.status?.conditions?.find((x) => (x.type === JOB_COMPLETE || x.type === JOB_FAILED) && x.status === 'True');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  // no usable time, e.g. written by a client that left it out
  if (Number.isNaN(t)) throw new Error(`unable to find the time when the Job ${job.metadata.namespace}/${job.metadata.name} finished`);
  return t;
}

/** timeLeft: ms until the Job expires (≤ 0: expired). */
export function timeLeft(job: Job, nowMs: number): number {
  const finishAt = jobFinishTime(job);
  // a finish time in the future (clock skew) counts from then, as upstream warns and defers
  return finishAt + (job.spec.ttlSecondsAfterFinished ?? 0) * 1000 - nowMs;
}

export class TTLAfterFinishedController extends QueueController {
  private readonly jobs: SharedInformer<Job>;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: TTLAfterFinishedOptions = {}) {
    super(client, TTL_AFTER_FINISHED_CONTROLLER, 'ttl_jobs_to_delete', opts);
    this.jobs = factory.informerFor<Job>(builtin.jobs);
    const consider = (job: Job) => {
      if (!job.metadata.deletionTimestamp && needsCleanup(job)) this.enqueue(job);
    };
    this.jobs.addEventHandler({ onAdd: consider, onUpdate: (_o, cur) => consider(cur) });
  }

  protected caches() {
    return [this.jobs];
  }

  /** processJob: deletes the Job once expired, else looks again when it will be. */
  protected async sync(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitObjectKey(key);
    const cached = this.jobs.store.getByName(namespace, name);
    if (!cached) return;
    const left = this.processTTL(cached);
    if (left === undefined) return;
    if (left > 0) return { requeueAfter: left };
    // the cache may be stale: the TTL may have been changed or removed since
    let fresh: Job;
    try {
      fresh = await this.client.get<Job>(builtin.jobs, name, { namespace });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const freshLeft = this.processTTL(fresh);
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return { requeueAfter: freshLeft };
    try {
      await this.client.delete(builtin.jobs, name, { namespace, propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata.uid } });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }

  /** processTTL: undefined when the Job needs no cleanup, else the ms left. */
  private processTTL(job: Job): number | undefined {
    if (job.metadata.deletionTimestamp || !needsCleanup(job)) return undefined;
    return timeLeft(job, this.now());
  }
}
