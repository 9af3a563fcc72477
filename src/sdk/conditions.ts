// Status conditions with apimachinery's meta.SetStatusCondition rules: lastTransitionTime moves only when the
// status changes (or the condition is new); reason, message and observedGeneration update in place.

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  /** metav1.Time: RFC 3339 in whole seconds. */
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime'> & { lastTransitionTime?: string };

/** metav1.Time's wire form (seconds precision). */
export function metaTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Adds or updates the condition of `cond.type` in `conditions` (mutated); returns whether anything changed.
 * A caller-supplied lastTransitionTime is used when the transition happens; otherwise `now`.
 */
export function setCondition(conditions: Condition[], cond: ConditionInput, now: Date = new Date()): boolean {
  const existing = findCondition(conditions, cond.type);
  if (!existing) {
    conditions.push({ ...cond, lastTransitionTime: cond.lastTransitionTime || metaTime(now) });
    return true;
  }
  let changed = false;
  if (existing.status !== cond.status) {
    existing.status = cond.status;
    existing.lastTransitionTime = cond.lastTransitionTime || metaTime(now);
    changed = true;
  }
  if ((existing.reason ?? '') !== (cond.reason ?? '')) {
    existing.reason = cond.reason;
    changed = true;
  }
  if ((existing.message ?? '') !== (cond.message ?? '')) {
    existing.message = cond.message;
    changed = true;
  }
  if ((existing.observedGeneration ?? 0) !== (cond.observedGeneration ?? 0)) {
    existing.observedGeneration = cond.observedGeneration;
    changed = true;
  }
  return changed;
}

/** Removes the condition of that type; returns whether one was there. */
export function removeCondition(conditions: Condition[], type: string): boolean {
  const i = conditions.findIndex((c) => c.type === type);
  if (i < 0) return false;
  conditions.splice(i, 1);
  return true;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

export function isConditionFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'False';
}
