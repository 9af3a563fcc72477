// Which pods a ReplicaSet deletes first when it scales down: upstream's ActivePodsWithRanks ordering
// (pkg/controller/controller_utils.go) with the PodDeletionCost and LogarithmicScaleDown behaviour that is on by
// default in v1.33. Earlier in the sorted list means deleted sooner.
import type { Pod } from './types.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** podutil.IsPodAvailable: ready, and (with minReadySeconds) ready for longer than that. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = timeMs(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
  return since !== 0 && since + minReadySeconds * 1000 < nowMs;
}

/** A metav1.Time as epoch ms; 0 is Go's zero time. */
function timeMs(t: unknown): number {
  if (typeof t !== 'string' || !t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : ms;
}

const nodeName = (p: Pod): string => (typeof p.spec?.nodeName === 'string' ? p.spec.nodeName : '');

/** The Ready condition's transition time when the pod is ready, else the zero time. */
function podReadyTime(pod: Pod): number {
  if (!isPodReady(pod)) return 0;
  return timeMs(pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True')?.lastTransitionTime);
}

/** GetDeletionCostFromPodAnnotations: an int32, 0 when absent or invalid. */
export function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

/** Highest restart count of regular containers and of restartable init (sidecar) containers. */
function maxContainerRestarts(pod: Pod): { regular: number; sidecar: number } {
  const statuses = (k: 'containerStatuses' | 'initContainerStatuses') => (pod.status?.[k] ?? []);
  const regular = Math.max(0, ...statuses('containerStatuses').map((s) => s.restartCount ?? 0));
  const initContainers = Array.isArray(pod.spec?.initContainers) ? (pod.spec!.initContainers as { name?: string; restartPolicy?: string }[]) : [];
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const sidecar = Math.max(0, ...statuses('initContainerStatuses').filter((s) => sidecars.has(s.name)).map((s) => s.restartCount ?? 0));
  return { regular, sidecar };
}

/** afterOrZero: the zero time sorts first; otherwise the later time does. */
function afterOrZero(t1: number, t2: number): boolean {
  if (t1 === 0 || t2 === 0) return t1 === 0;
  return t1 > t2;
}

/** How many powers of two apart the two ages are (in Go's nanosecond durations). */
function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number) => {
    const ns = (now - t) * 1e6;
    return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
  };
  return rank(t1) - rank(t2);
}

/** Compares two timestamps on the logarithmic scale, falling back to afterOrZero and then to the pods' uids. */
function compareTimes(a: Pod, b: Pod, ta: number, tb: number, now: number): boolean {
  if (now === 0 || ta === 0 || tb === 0) return afterOrZero(ta, tb);
  const diff = logarithmicRankDiff(ta, tb, now);
  if (diff === 0) return (a.metadata.uid ?? '') < (b.metadata.uid ?? '');
  return diff < 0;
}

export interface RankedPod {
  pod: Pod;
  /** Active pods of the same owner family on the pod's node (more means it is "doubled up"). */
  rank: number;
}

/**
 * controller.ActivePods.Less, the ranking the Job and DaemonSet controllers use: ActivePodsWithRanks without node
 * ranks, deletion costs or the logarithmic time scale.
 */
export function activePodsBefore(a: Pod, b: Pod): boolean {
  return deleteBefore({ pod: a, rank: 0 }, { pod: b, rank: 0 }, 0, false);
}

/** ActivePodsWithRanks.Less: true when `a` should be deleted before `b`. */
export function deleteBefore(a: RankedPod, b: RankedPod, now: number, deletionCosts = true): boolean {
  const pi = a.pod;
  const pj = b.pod;
  // 1. unassigned < assigned
  const ni = nodeName(pi);
  const nj = nodeName(pj);
  if (ni !== nj && (ni === '' || nj === '')) return ni === '';
  // 2. Pending < Unknown < Running
  const oi = PHASE_ORDINAL[pi.status?.phase ?? ''] ?? 0;
  const oj = PHASE_ORDINAL[pj.status?.phase ?? ''] ?? 0;
  if (oi !== oj) return oi < oj;
  // 3. not ready < ready
  if (isPodReady(pi) !== isPodReady(pj)) return !isPodReady(pi);
  // 4. lower deletion cost < higher
  const ci = deletionCosts ? deletionCost(pi) : 0;
  const cj = deletionCosts ? deletionCost(pj) : 0;
  if (ci !== cj) return ci < cj;
  // 5. doubled up < not doubled up
  if (a.rank !== b.rank) return a.rank > b.rank;
  // 6. ready for a shorter time < longer
  if (isPodReady(pi) && isPodReady(pj)) {
    const ri = podReadyTime(pi);
    const rj = podReadyTime(pj);
    if (ri !== rj) return compareTimes(pi, pj, ri, rj, now);
  }
  // 7. more container restarts < fewer
  const ri = maxContainerRestarts(pi);
  const rj = maxContainerRestarts(pj);
  if (ri.regular !== rj.regular) return ri.regular > rj.regular;
  if (ri.sidecar !== rj.sidecar) return ri.sidecar > rj.sidecar;
  // 8. newer < older (empty creation time first)
  const ti = timeMs(pi.metadata.creationTimestamp);
  const tj = timeMs(pj.metadata.creationTimestamp);
  if (ti !== tj) return compareTimes(pi, pj, ti, tj, now);
  return false;
}

/**
 * getPodsToDelete: the `diff` pods to delete out of `pods`, ranked by how many active `relatedPods` (pods of every
 * ReplicaSet with the same controller) share their node.
 */
export function getPodsToDelete(pods: Pod[], relatedPods: Pod[], diff: number, now = Date.now()): Pod[] {
  if (diff >= pods.length) return pods.slice(0, diff);
  const podsOnNode = new Map<string, number>();
  for (const p of relatedPods) if (isPodActive(p)) podsOnNode.set(nodeName(p), (podsOnNode.get(nodeName(p)) ?? 0) + 1);
  const ranked: RankedPod[] = pods.map((pod) => ({ pod, rank: podsOnNode.get(nodeName(pod)) ?? 0 }));
  ranked.sort((a, b) => (deleteBefore(a, b, now) ? -1 : deleteBefore(b, a, now) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}
