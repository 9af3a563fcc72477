// The delay before a failed Job pod is replaced, after pkg/controller/job/backoff_utils.go: per Job, how many pods
// failed since the last success and when the last of them finished; the delay doubles per failure (10 s → 6 min
// by default) and counts from that moment.
import type { Pod } from '../statefulset/types.js';
import { indexAbsoluteFailureCount } from './indexed-job-utils.js';
import { containerStatuses } from './types.js';

export interface BackoffRecord {
  key: string;
  failuresAfterLastSuccess: number;
  /** Epoch ms, or undefined when nothing failed since the last success. */
  lastFailureTime?: number;
}

const ms = (t: string | undefined | null): number => {
  const v = t ? Date.parse(t) : NaN;
  return Number.isNaN(v) ? 0 : v;
};

/**
 * getFinishedTime: the last container finish when all containers finished, else when Ready turned False, else the
 * deletion time minus the grace period, else the creation time.
 */
export function getFinishedTime(p: Pod): number {
  const statuses = containerStatuses(p);
  let finish: number | undefined;
  let allFinished = statuses.length > 0;
  for (const cs of statuses) {
    const at = cs.state?.terminated?.finishedAt;
    if (!at) {
      allFinished = false;
      break;
    }
    finish = Math.max(finish ?? 0, ms(at));
  }
  if (allFinished && finish !== undefined) return finish;
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready && ready.status === 'False' && ready.lastTransitionTime) return ms(ready.lastTransitionTime);
  if (p.metadata.deletionTimestamp) return ms(p.metadata.deletionTimestamp) - (p.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return ms(p.metadata.creationTimestamp);
}

const byFinishedTime = (a: Pod, b: Pod) => getFinishedTime(a) - getFinishedTime(b);

export class BackoffStore {
  private readonly records = new Map<string, BackoffRecord>();

  updateBackoffRecord(record: BackoffRecord): void {
    this.records.set(record.key, { ...record });
  }

  removeBackoffRecord(key: string): void {
    this.records.delete(key);
  }

  /** newBackoffRecord: the record after the newly finished pods (not yet stored). */
  newBackoffRecord(key: string, newSucceeded: Pod[], newFailed: Pod[]): BackoffRecord {
    const old = this.records.get(key);
    const backoff: BackoffRecord = old ? { ...old } : { key, failuresAfterLastSuccess: 0 };
    const succeeded = [...newSucceeded].sort(byFinishedTime);
    const failed = [...newFailed].sort(byFinishedTime);
    if (succeeded.length === 0) {
      if (failed.length === 0) return backoff;
      backoff.failuresAfterLastSuccess += failed.length;
      backoff.lastFailureTime = getFinishedTime(failed[failed.length - 1]);
      return backoff;
    }
    backoff.failuresAfterLastSuccess = 0;
    backoff.lastFailureTime = undefined;
    const lastSuccess = getFinishedTime(succeeded[succeeded.length - 1]);
    for (let i = failed.length - 1; i >= 0; i--) {
      const t = getFinishedTime(failed[i]);
      if (t <= lastSuccess) break;
      backoff.lastFailureTime ??= t;
      backoff.failuresAfterLastSuccess++;
    }
    return backoff;
  }
}

/** getRemainingTimeForFailuresCount: what is left of base·2^(failures-1) (capped) since the last failure. */
export function remainingTimeForFailures(nowMs: number, baseMs: number, maxMs: number, failures: number, lastFailureTime: number | undefined): number {
  if (failures === 0 || lastFailureTime === undefined) return 0;
  let backoff = baseMs;
  for (let i = 1; i < failures; i++) {
    backoff *= 2;
    if (backoff >= maxMs) {
      backoff = maxMs;
      break;
    }
  }
  const elapsed = nowMs - lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}

/** getRemainingTimePerIndex: the backoff of an index whose last failed pod is `lastFailed`. */
export function remainingTimePerIndex(nowMs: number, baseMs: number, maxMs: number, lastFailed: Pod | undefined): number {
  if (!lastFailed) return 0;
  return remainingTimeForFailures(nowMs, baseMs, maxMs, indexAbsoluteFailureCount(lastFailed) + 1, getFinishedTime(lastFailed));
}
