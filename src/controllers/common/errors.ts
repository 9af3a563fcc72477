// Error helpers every controller's sync shares: errors collected over many objects reported as one
// (k8s.io/apimachinery/pkg/util/errors Aggregate), and the refusal a terminating namespace gives every create.
import { ApiError } from '../../apimachinery/errors.js';

/** Several errors reported as one, like utilerrors.Aggregate (single error: its own message; else `[a, b]`). */
export class AggregatedError extends Error {
  constructor(readonly errors: Error[]) {
    super(errors.length === 1 ? errors[0].message : `[${errors.map((e) => e.message).join(', ')}]`);
  }
}

/** utilerrors.NewAggregate: undefined when there is nothing to report. */
export function aggregate(errors: unknown[]): Error | undefined {
  const errs = errors.filter((e): e is Error => e instanceof Error);
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : new AggregatedError(errs);
}

/** A write refused because the namespace is going away (the v1.NamespaceTerminatingCause the lifecycle admission attaches): nothing to retry. */
export function isNamespaceTerminating(e: unknown): boolean {
  return e instanceof ApiError && (e.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}
