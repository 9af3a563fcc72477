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
