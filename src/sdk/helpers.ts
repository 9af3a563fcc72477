// Object helpers for reconcilers: finalizers (JSON patch guarded by a `test` on resourceVersion, so a stale
// copy never overwrites someone else's change), owner references (controllerutil's rules) and server-side apply.
import { isAlreadyExistsOrConflict, isNotFound } from '../apimachinery/errors.js';
import { apiVersionOf, KubeObject, OwnerReference, parseApiVersion } from '../apimachinery/types.js';
import type { KubeClient, PatchOptions } from '../client/client.js';
import type { ResourceDescriptor } from '../client/resources.js';

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

function rvTest(obj: KubeObject): { op: 'test'; path: string; value: string }[] {
  const rv = obj.metadata.resourceVersion;
  if (!rv) throw new Error('finalizer patch needs the object\'s metadata.resourceVersion');
  return [{ op: 'test', path: '/metadata/resourceVersion', value: rv }];
}

function nameOpts(obj: KubeObject) {
  if (!obj.metadata.name) throw new Error('object has no metadata.name');
  return { name: obj.metadata.name, namespace: obj.metadata.namespace };
}

/**
 * Adds the finalizer unless present; returns the updated object (or `obj` when nothing changed). Fails (the
 * server rejects the `test`) if the object changed since `obj` was read: reconcile again from fresh state.
 */
export async function addFinalizer<T extends KubeObject>(client: KubeClient, resource: ResourceDescriptor, obj: T, finalizer: string): Promise<T> {
  if (hasFinalizer(obj, finalizer)) return obj;
  const { name, namespace } = nameOpts(obj);
  const add = obj.metadata.finalizers?.length
    ? { op: 'add', path: '/metadata/finalizers/-', value: finalizer }
    : { op: 'add', path: '/metadata/finalizers', value: [finalizer] };
  return client.patch<T>(resource, name, [...rvTest(obj), add], 'json', { namespace });
}

/** Removes the finalizer if present (same precondition as addFinalizer). */
export async function removeFinalizer<T extends KubeObject>(client: KubeClient, resource: ResourceDescriptor, obj: T, finalizer: string): Promise<T> {
  const i = obj.metadata.finalizers?.indexOf(finalizer) ?? -1;
  if (i < 0) return obj;
  const { name, namespace } = nameOpts(obj);
  const path = `/metadata/finalizers/${i}`;
  return client.patch<T>(resource, name, [...rvTest(obj), { op: 'test', path, value: finalizer }, { op: 'remove', path }], 'json', { namespace });
}

export interface OwnerReferenceOptions {
  /** Mark the owner as the managing controller (at most one per object). Default false. */
  controller?: boolean;
  /** Foreground deletion of the owner waits for this object. Default: same as `controller`. */
  blockOwnerDeletion?: boolean;
  /** For owners fetched without apiVersion/kind (list items): their resource descriptor. */
  ownerResource?: ResourceDescriptor;
}

/** Thrown when an object already has a different controller. */
export class AlreadyOwnedError extends Error {
  constructor(readonly obj: KubeObject, readonly owner: OwnerReference) {
    super(`Object ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name} is already owned by another ${owner.kind} controller ${owner.name}`);
  }
}

/**
 * Adds or updates an ownerReference to `owner` on `obj` (mutated and returned), matching existing references by
 * API group, kind and name as controller-runtime does. Cross-namespace and cluster-scoped-by-namespaced owners are
 * refused, as the garbage collector would ignore them.
 */
export function setOwnerReference<T extends KubeObject>(owner: KubeObject, obj: T, opts: OwnerReferenceOptions = {}): T {
  const apiVersion = owner.apiVersion ?? (opts.ownerResource ? apiVersionOf(opts.ownerResource.group, opts.ownerResource.version) : undefined);
  const kind = owner.kind ?? opts.ownerResource?.kind;
  const { name, uid, namespace: ownerNs } = owner.metadata;
  if (!apiVersion || !kind) throw new Error('owner needs apiVersion and kind (pass ownerResource for list items)');
  if (!name || !uid) throw new Error('owner needs metadata.name and metadata.uid (has it been created?)');
  if (ownerNs) {
    if (!obj.metadata.namespace) throw new Error(`cluster-scoped resource must not have a namespace-scoped owner, owner's namespace ${ownerNs}`);
    if (obj.metadata.namespace !== ownerNs) throw new Error(`cross-namespace owner references are disallowed, owner's namespace ${ownerNs}, obj's namespace ${obj.metadata.namespace}`);
  }
  const ref: OwnerReference = { apiVersion, kind, name, uid };
  if (opts.controller) ref.controller = true;
  if (opts.blockOwnerDeletion ?? opts.controller) ref.blockOwnerDeletion = true;
  const refs = obj.metadata.ownerReferences ?? [];
  if (opts.controller) {
    const current = refs.find((r) => r.controller);
    if (current && !sameOwner(current, ref)) throw new AlreadyOwnedError(obj, current);
  }
  const i = refs.findIndex((r) => sameOwner(r, ref));
  if (i >= 0) refs[i] = ref;
  else refs.push(ref);
  obj.metadata.ownerReferences = refs;
  return obj;
}

function sameOwner(a: OwnerReference, b: OwnerReference): boolean {
  return parseApiVersion(a.apiVersion).group === parseApiVersion(b.apiVersion).group && a.kind === b.kind && a.name === b.name;
}

/** Whether `owner` is `obj`'s controller (by uid). */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return obj.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid) ?? false;
}

export interface ApplyOptions extends Omit<PatchOptions, 'fieldManager'> {
  /** Required: the owner of the applied fields. */
  fieldManager: string;
}

/** Server-side apply of `obj`'s intended fields; fills apiVersion/kind from the resource when missing. */
export function apply<T extends KubeObject>(client: KubeClient, resource: ResourceDescriptor, obj: T, opts: ApplyOptions): Promise<T> {
  const body = { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(resource.group, resource.version), kind: obj.kind ?? resource.kind };
  if (!body.kind) throw new Error('apply needs the object\'s kind (or a resource descriptor with kind)');
  return client.apply<T>(resource, body, opts);
}

/** Server-side apply to the status subresource. */
export function applyStatus<T extends KubeObject>(client: KubeClient, resource: ResourceDescriptor, obj: T, opts: ApplyOptions): Promise<T> {
  return apply(client, resource, obj, { ...opts, subresource: 'status' });
}

export { isNotFound };

/** Any 409: the name is taken (AlreadyExists) or the object changed under the write (Conflict). */
export const isConflict = (e: unknown): boolean => isAlreadyExistsOrConflict(e);

/** Swallows 404 (the object is gone: nothing to do); rethrows anything else. */
export function ignoreNotFound(e: unknown): undefined {
  if (isNotFound(e)) return undefined;
  throw e;
}
