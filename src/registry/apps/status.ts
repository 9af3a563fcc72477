// Status-subresource checks shared by the workload kinds: counters never negative, collisionCount never decremented.
import { FieldError, invalid } from '../../apimachinery/field-errors.js';
import { fp, nonNegative, Obj } from './shared.js';

/** ValidateNonnegativeField over `status.<name>` for each counter; `optional` ones only when present (Go pointers). */
export function validateStatusCounters(status: Obj, counters: string[], opts: { optional?: string[] } = {}): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of counters) errs.push(...nonNegative(status[k], fp('status', k)));
  for (const k of opts.optional ?? []) if (status[k] !== undefined && status[k] !== null) errs.push(...nonNegative(status[k], fp('status', k)));
  return errs;
}

/**
 * The replica-count status rules of StatefulSet, Deployment and ReplicaSet: counters ≥ 0, `bounded` ones ≤
 * status.replicas, and availableReplicas ≤ readyReplicas (whose message wording differs per kind).
 */
export function validateReplicaStatus(status: Obj, rules: { counters: string[]; optional?: string[]; bounded: string[]; availableVsReady: string }): FieldError[] {
  const errs = validateStatusCounters(status, rules.counters, { optional: rules.optional });
  for (const k of rules.bounded) {
    if ((status[k] ?? 0) > (status.replicas ?? 0)) errs.push(invalid(`status.${k}`, status[k], 'cannot be greater than status.replicas'));
  }
  if ((status.availableReplicas ?? 0) > (status.readyReplicas ?? 0)) errs.push(invalid('status.availableReplicas', status.availableReplicas, rules.availableVsReady));
  return errs;
}

/** IsDecremented(collisionCount): a set count may not go down or be cleared. */
export function validateCollisionCountUpdate(status: Obj, oldStatus: Obj): FieldError[] {
  const oldCount = oldStatus.collisionCount;
  if (oldCount === undefined || oldCount === null) return [];
  const count = status.collisionCount;
  if (count === undefined || count === null || count < oldCount) {
    return [invalid('status.collisionCount', count ?? 0, 'cannot be decremented')];
  }
  return [];
}
