// The rollback request of the removed extensions/v1beta1 API, still honoured as the
// `deprecated.deployment.rollback.to` annotation (getRollbackTo / setRollbackTo).
import type { Deployment } from './types.js';
import { DEPRECATED_ROLLBACK_TO_ANNOTATION } from './util.js';

/** The requested revision (0 = the previous one), or undefined when no valid request is present. */
export function getRollbackTo(d: Deployment): number | undefined {
  const v = d.metadata.annotations?.[DEPRECATED_ROLLBACK_TO_ANNOTATION];
  if (!v || !/^[+-]?\d+$/.test(v)) return undefined;
  return Number(v);
}

export function clearRollbackTo(d: Deployment): void {
  if (d.metadata.annotations) delete d.metadata.annotations[DEPRECATED_ROLLBACK_TO_ANNOTATION];
}
