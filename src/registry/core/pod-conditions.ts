// podutil.UpdatePodCondition (pkg/api/v1/pod/util.go) for the pod writes the API server makes itself: binding
// (PodScheduled) and eviction (DisruptionTarget).
import type { PodCondition } from '../../api/core.js';

/**
 * `conditions` with `cond` set: its type, status, reason and message replace the old condition's (an absent reason or
 * message is cleared); the transition time moves to `now` only when the status changes. A new condition is appended
 * with a null lastProbeTime. The input array is not modified.
 */
export function updatePodCondition(conditions: readonly PodCondition[], cond: Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'>, now: string): PodCondition[] {
  const out = conditions.map((c) => ({ ...c }));
  const i = out.findIndex((c) => c.type === cond.type);
  if (i < 0) {
    out.push({ ...cond, lastProbeTime: null, lastTransitionTime: now });
    return out;
  }
  const { reason: _reason, message: _message, ...old } = out[i];
  out[i] = { ...old, ...cond, lastTransitionTime: old.status !== cond.status ? now : old.lastTransitionTime };
  return out;
}
