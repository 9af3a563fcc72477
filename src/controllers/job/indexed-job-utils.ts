// Indexed completion mode, after pkg/controller/job/indexed_job_utils.go: completion indexes as ordered intervals
// (`status.completedIndexes` is their text, e.g. "0-2,5"), which indexes still need a pod, which duplicate or
// out-of-range pods to remove, and the annotation, label, env var and generateName an indexed pod carries.
import type { Pod } from '../statefulset/types.js';
import type { PodTemplateSpec } from '../statefulset/types.js';
import { getPodFailureMatch } from './pod-failure-policy.js';
import { hasJobTrackingFinalizer, isPodFailed } from './tracking-utils.js';
import {
  JOB_COMPLETION_INDEX_ANNOTATION, JOB_INDEX_FAILURE_COUNT_ANNOTATION, JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION, type Job,
} from './types.js';

export const COMPLETION_INDEX_ENV_NAME = 'JOB_COMPLETION_INDEX';
export const UNKNOWN_COMPLETION_INDEX = -1;
/** names.MaxGeneratedNameLength: 63 minus the 5 random characters the server appends. */
const MAX_GENERATED_NAME_LENGTH = 58;
const MAX_INT32 = 2147483647;

export interface Interval {
  first: number;
  last: number;
}

export const isIndexedJob = (job: Job): boolean => job.spec.completionMode === 'Indexed';

export const hasBackoffLimitPerIndex = (job: Job): boolean => job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null;

/** Sorted, non-overlapping, non-adjacent intervals of indexes. */
export class OrderedIntervals {
  constructor(readonly intervals: Interval[] = []) {}

  /** withOrderedIndexes: these intervals plus the given indexes (ascending). */
  withOrderedIndexes(indexes: number[]): OrderedIntervals {
    return this.merge(new OrderedIntervals(indexes.map((i) => ({ first: i, last: i }))));
  }

  merge(other: OrderedIntervals): OrderedIntervals {
    const result: Interval[] = [];
    const push = (iv: Interval) => {
      const last = result[result.length - 1];
      if (!last || iv.first > last.last + 1) result.push({ ...iv });
      else if (last.last < iv.last) last.last = iv.last;
    };
    const a = this.intervals;
    const b = other.intervals;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i].first < b[j].first) push(a[i++]);
      else push(b[j++]);
    }
    while (i < a.length) push(a[i++]);
    while (j < b.length) push(b[j++]);
    return new OrderedIntervals(result);
  }

  total(): number {
    return this.intervals.reduce((n, iv) => n + iv.last - iv.first + 1, 0);
  }

  has(ix: number): boolean {
    let lo = 0;
    let hi = this.intervals.length;
    while (hi > lo) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.intervals[mid].last >= ix) hi = mid;
      else lo = mid + 1;
    }
    return hi < this.intervals.length && this.intervals[hi].first <= ix;
  }

  get length(): number {
    return this.intervals.length;
  }

  /** "1,3-5,7": two adjacent indexes are written with a comma, longer runs with a dash. */
  toString(): string {
    return this.intervals.map((v) => (v.last === v.first ? `${v.first}` : v.last === v.first + 1 ? `${v.first},${v.last}` : `${v.first}-${v.last}`)).join(',');
  }
}

/** Go's strconv.Atoi for the decimal texts these strings hold. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** parseIndexesFromString: corrupt intervals are skipped; indexes at or past `completions` are dropped. */
export function parseIndexesFromString(text: string | undefined | null, completions: number): OrderedIntervals {
  const result: Interval[] = [];
  if (!text) return new OrderedIntervals(result);
  for (const part of text.split(',')) {
    const limits = part.split('-');
    const first = atoi(limits[0]);
    if (first === undefined) continue;
    if (first >= completions) break;
    let last = first;
    if (limits.length > 1) {
      const l = atoi(limits[1]);
      if (l === undefined) continue;
      last = Math.min(l, completions - 1);
    }
    const prev = result[result.length - 1];
    if (prev && prev.last === first - 1) prev.last = last;
    else result.push({ first, last });
  }
  return new OrderedIntervals(result);
}

/** getCompletionIndex: the annotation as a non-negative integer, or UNKNOWN_COMPLETION_INDEX. */
export function getCompletionIndex(annotations: Record<string, string> | undefined): number {
  const v = annotations?.[JOB_COMPLETION_INDEX_ANNOTATION];
  if (v === undefined) return UNKNOWN_COMPLETION_INDEX;
  const i = atoi(v);
  return i === undefined || i < 0 ? UNKNOWN_COMPLETION_INDEX : i;
}

const indexOf = (p: Pod) => getCompletionIndex(p.metadata.annotations);

/** calculateSucceededIndexes: the indexes already in status, and those plus the newly succeeded ones. */
export function calculateSucceededIndexes(job: Job, pods: Pod[]): { prev: OrderedIntervals; current: OrderedIntervals } {
  const completions = job.spec.completions ?? 0;
  const prev = parseIndexesFromString(job.status?.completedIndexes, completions);
  const fresh = new Set<number>();
  for (const p of pods) {
    const ix = indexOf(p);
    if (p.status?.phase === 'Succeeded' && ix !== UNKNOWN_COMPLETION_INDEX && ix < completions && hasJobTrackingFinalizer(p)) fresh.add(ix);
  }
  return { prev, current: prev.withOrderedIndexes([...fresh].sort((a, b) => a - b)) };
}

/** calculateFailedIndexes: status.failedIndexes plus the indexes whose pod failed past backoffLimitPerIndex. */
export function calculateFailedIndexes(job: Job, pods: Pod[]): OrderedIntervals {
  const completions = job.spec.completions ?? 0;
  const prev = parseIndexesFromString(job.status?.failedIndexes ?? undefined, completions);
  const fresh = new Set<number>();
  for (const p of pods) {
    const ix = indexOf(p);
    if (ix !== UNKNOWN_COMPLETION_INDEX && ix < completions && hasJobTrackingFinalizer(p) && isIndexFailed(job, p)) fresh.add(ix);
  }
  return prev.withOrderedIndexes([...fresh].sort((a, b) => a - b));
}

function isIndexFailed(job: Job, pod: Pod): boolean {
  let counted = false;
  if (isPodFailed(pod, job)) {
    if (job.spec.podFailurePolicy) {
      const match = getPodFailureMatch(job.spec.podFailurePolicy, pod);
      if (match.action === 'FailIndex') return true;
      counted = match.countFailed;
    } else {
      counted = true;
    }
  }
  return counted && indexFailureCount(pod) >= (job.spec.backoffLimitPerIndex ?? 0);
}

/** The indexes of the pods, as a set. */
export function getIndexes(pods: Pod[]): Set<number> {
  const out = new Set<number>();
  for (const p of pods) {
    const ix = indexOf(p);
    if (ix !== UNKNOWN_COMPLETION_INDEX) out.add(ix);
  }
  return out;
}

const sortedList = (s: Set<number>) => [...s].sort((a, b) => a - b);

/**
 * firstPendingIndexes: up to `count` indexes below `completions` covered by no active pod, succeeded or failed index
 * (nor, when only failed pods are replaced, by a terminating pod).
 */
export function firstPendingIndexes(
  ctx: { activePods: Pod[]; succeededIndexes: OrderedIntervals; failedIndexes?: OrderedIntervals; terminatingPods?: Pod[] },
  count: number,
  completions: number,
): number[] {
  if (count === 0) return [];
  let nonPending = ctx.succeededIndexes.withOrderedIndexes(sortedList(getIndexes(ctx.activePods)));
  if (ctx.terminatingPods) nonPending = nonPending.withOrderedIndexes(sortedList(getIndexes(ctx.terminatingPods)));
  if (ctx.failedIndexes) nonPending = nonPending.merge(ctx.failedIndexes);
  const result: number[] = [];
  let candidate = 0;
  for (const iv of nonPending.intervals) {
    for (; candidate < completions && result.length < count && candidate < iv.first; candidate++) result.push(candidate);
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && result.length < count; candidate++) result.push(candidate);
  return result;
}

/** byCompletionIndex, stable. */
export function sortByCompletionIndex(pods: Pod[]): Pod[] {
  return pods.sort((a, b) => indexOf(a) - indexOf(b));
}

/**
 * appendDuplicatedIndexPodsForRemoval: of the active pods, those without an index or with one out of range, and all
 * but one pod of each repeated index (`keepOrder` ranks which to delete first). Returns [remove, keep].
 */
export function duplicatedIndexPodsForRemoval(pods: Pod[], completions: number, deleteFirst: (a: Pod, b: Pod) => number): [Pod[], Pod[]] {
  const rm: Pod[] = [];
  const left: Pod[] = [];
  const byIndex = new Map<number, Pod[]>();
  for (const p of sortByCompletionIndex([...pods])) {
    const ix = indexOf(p);
    if (ix === UNKNOWN_COMPLETION_INDEX || ix >= completions) {
      rm.push(p);
      continue;
    }
    let group = byIndex.get(ix);
    if (!group) byIndex.set(ix, (group = []));
    group.push(p);
  }
  for (const group of byIndex.values()) {
    if (group.length === 1) {
      left.push(group[0]);
      continue;
    }
    group.sort(deleteFirst);
    rm.push(...group.slice(0, -1));
    left.push(group[group.length - 1]);
  }
  return [rm, left];
}

/** The index-failure-count annotations (0 when absent or invalid, as upstream tolerates tampered values). */
function parseInt32Annotation(pod: Pod, key: string): number {
  const v = pod.metadata.annotations?.[key];
  if (v === undefined) return 0;
  const n = atoi(v);
  return n === undefined || n < 0 || n > MAX_INT32 ? 0 : n;
}

export const indexFailureCount = (pod: Pod): number => parseInt32Annotation(pod, JOB_INDEX_FAILURE_COUNT_ANNOTATION);
export const indexAbsoluteFailureCount = (pod: Pod): number =>
  parseInt32Annotation(pod, JOB_INDEX_FAILURE_COUNT_ANNOTATION) + parseInt32Annotation(pod, JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION);

/** getNewIndexFailureCounts: the counts the replacement of `replaced` starts with. */
export function newIndexFailureCounts(job: Job, replaced: Pod | undefined): { failed: number; ignored: number } {
  if (!replaced) return { failed: 0, ignored: 0 };
  let failed = indexFailureCount(replaced);
  let ignored = parseInt32Annotation(replaced, JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION);
  if (job.spec.podFailurePolicy && !getPodFailureMatch(job.spec.podFailurePolicy, replaced).countFailed) ignored++;
  else failed++;
  return { failed, ignored };
}

/** addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the pod's completion-index label, in every container. */
export function addCompletionIndexEnvVariables(template: PodTemplateSpec): void {
  for (const key of ['initContainers', 'containers'] as const) {
    const containers = template.spec?.[key] as { env?: { name: string }[] }[] | undefined;
    for (const c of containers ?? []) {
      if (c.env?.some((v) => v.name === COMPLETION_INDEX_ENV_NAME)) continue;
      (c.env ??= []).push({ name: COMPLETION_INDEX_ENV_NAME, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_COMPLETION_INDEX_ANNOTATION}']` } } } as { name: string });
    }
  }
}

/** The annotation and (PodIndexLabel, GA) label with the index, the `<job>-<index>` hostname. */
export function setCompletionIndex(template: PodTemplateSpec, jobName: string, index: number): void {
  const meta = (template.metadata ??= {});
  meta.annotations = { ...(meta.annotations ?? {}), [JOB_COMPLETION_INDEX_ANNOTATION]: String(index) };
  meta.labels = { ...(meta.labels ?? {}), [JOB_COMPLETION_INDEX_ANNOTATION]: String(index) };
  (template.spec ??= { containers: [] }).hostname = `${jobName}-${index}`;
}

/** podGenerateNameWithIndex: `<job>-<index>-`, the job name cut so the whole stays a valid generated name. */
export function podGenerateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? prefix.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

/** matchSuccessPolicy (success_policy.go): the first rule the succeeded indexes satisfy, as upstream's message. */
export function matchSuccessPolicy(job: Job, succeeded: OrderedIntervals): string | undefined {
  const policy = job.spec.successPolicy;
  if (!policy || succeeded.length === 0) return undefined;
  const completions = job.spec.completions ?? 0;
  for (const [index, rule] of policy.rules.entries()) {
    if (rule.succeededIndexes !== undefined && rule.succeededIndexes !== null) {
      const required = parseIndexesFromString(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      if (matchSucceededIndexesRule(required, succeeded, rule.succeededCount)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && rule.succeededCount !== null && succeeded.total() >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}

function matchSucceededIndexesRule(rule: OrderedIntervals, succeeded: OrderedIntervals, count: number | undefined): boolean {
  let contains = 0;
  let s = 0;
  let r = 0;
  const ri = rule.intervals;
  const si = succeeded.intervals;
  while (r < ri.length && s < si.length) {
    const overlap = Math.min(ri[r].last, si[s].last) - Math.max(ri[r].first, si[s].first) + 1;
    if (overlap > 0) contains += overlap;
    if (si[s].last < ri[r].last) s++;
    else if (si[s].last > ri[r].last) r++;
    else {
      s++;
      r++;
    }
  }
  return contains === rule.total() || (count !== undefined && count !== null && contains >= count);
}
