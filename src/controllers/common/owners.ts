// Owner mapping: from a dependent (a pod, a ReplicaSet…) to the controller that owns it, the way upstream's
// handlers resolve a controllerRef before enqueueing the owner (resolveControllerRef in each controller).
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import type { ObjectCache } from '../../client/store.js';

/**
 * resolveControllerRef: the cached owner a controller reference points at, if it is of `kind` and has that very uid
 * (a recreated owner of the same name is someone else).
 */
export function resolveControllerRef<T extends KubeObject>(cache: ObjectCache<T>, namespace: string | undefined, ref: OwnerReference, kind: string): T | undefined {
  if (ref.kind !== kind) return undefined;
  const owner = cache.getByName(namespace, ref.name);
  return owner && owner.metadata.uid === ref.uid ? owner : undefined;
}
