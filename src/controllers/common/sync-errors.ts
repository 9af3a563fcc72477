// Failed syncs as upstream's controllers report them: a race the next sync settles by itself (the object was
// deleted or changed while its controller synced it, its namespace is going away) is logged only at verbosity 4, as
// upstream's klog.V(4); anything else is a warning on the terminal. Either way the key is re-queued by the caller.
import { ApiError } from '../../apimachinery/errors.js';
import { isNamespaceTerminating } from './errors.js';

let verbosity = Number.parseInt(process.env.BERTH_V ?? '0', 10) || 0;

/** klog's -v: 4 and above also print the expected races. */
export function setVerbosity(level: number): void {
  verbosity = level;
}

/** NotFound, a Conflict (stale resourceVersion or UID precondition), or a write refused in a terminating namespace. */
export function isExpectedRace(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 404 || (err.code === 409 && err.reason === 'Conflict') || isNamespaceTerminating(err));
}

/** Prints `line` (a failed sync) unless `err` is an expected race and the verbosity is below 4. */
export function warnSyncError(err: unknown, line: string): void {
  if (isExpectedRace(err) && verbosity < 4) return;
  console.warn(line);
}
