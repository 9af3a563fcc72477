// pods/binding (and the older `bindings` collection): how a scheduler assigns a pod to a node. As upstream's
// BindingREST, it writes storage directly (the pod strategy forbids spec changes) with a compare-and-swap loop:
// the pod must exist, match the binding's uid/resourceVersion preconditions, not be terminating, gated or bound.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errBadRequest, errConflict, errInvalid, errNotFound } from '../apimachinery/errors.js';
import type { PodCondition } from '../api/core.js';
import type { KubeObject } from '../apimachinery/types.js';
import { updatePodCondition } from '../registry/core/pod-conditions.js';
import { validatePodBinding } from '../registry/core/pod-validation.js';
import { deepClone } from '../registry/object-meta.js';
import { StorageError } from '../storage/interface.js';
import { negotiateFormat, readObjectBody, writeFormatted } from './codec.js';
import type { ServerContext } from './context.js';
import { rfc3339 } from '../apimachinery/time.js';

const PODS = { group: '', resource: 'pods' };
const MAX_RETRIES = 5;

interface BindingBody extends KubeObject {
  target?: { kind?: string; name?: string; apiVersion?: string };
}

/**
 * Serves POST .../namespaces/{ns}/pods/{name}/binding (urlName = the pod) and POST .../namespaces/{ns}/bindings
 * (urlName = ''; the binding's own name names the pod). Responds 201 with a Success Status.
 */
export async function handlePodBinding(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, namespace: string, urlName: string, query: URLSearchParams): Promise<void> {
  const fmt = negotiateFormat(req.headers.accept);
  const body = await readObjectBody(req, (b) => ctx.decodeProtobuf(b));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errBadRequest('Object \'Kind\' is missing in the request body');
  const binding = body as BindingBody;
  binding.metadata ??= {};
  if (binding.kind !== undefined && binding.kind !== 'Binding') {
    throw errBadRequest(`not a Binding object: ${String(binding.kind)}`);
  }
  if (binding.metadata.namespace && binding.metadata.namespace !== namespace) {
    throw errBadRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const name = urlName || binding.metadata.name || '';
  if (urlName && binding.metadata.name !== urlName) throw errBadRequest('name in URL does not match name in Binding object');
  const errs = validatePodBinding(binding as never);
  if (errs.length) throw errInvalid('', 'Binding', name, errs);
  const dryRun = query.getAll('dryRun').includes('All');
  await assignPod(ctx, namespace, name, binding, dryRun);
  writeFormatted(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, fmt);
}

/** Sets spec.nodeName, merges the binding's annotations and marks PodScheduled=True. */
export async function assignPod(ctx: ServerContext, namespace: string, name: string, binding: BindingBody, dryRun = false, now = new Date()): Promise<KubeObject> {
  const podDef = ctx.registry.lookup('', 'v1', 'pods');
  if (!podDef) throw errNotFound(PODS, name);
  const key = ctx.objects.keyFor(podDef, namespace, name);
  const node = binding.target?.name ?? '';
  const uid = binding.metadata.uid;
  const rv = binding.metadata.resourceVersion;
  for (let attempt = 0; ; attempt++) {
    const cur = await ctx.store.get(key);
    if (!cur) throw errNotFound(PODS, name);
    const pod = deepClone(cur.value);
    if (uid && uid !== pod.metadata.uid) {
      throw errConflict(PODS, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
    }
    if (rv && rv !== pod.metadata.resourceVersion) {
      throw errConflict(PODS, name, `Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${pod.metadata.resourceVersion ?? ''}`);
    }
    const refusal = bindRefusal(pod);
    if (refusal) throw errConflict({ group: '', resource: 'pods/binding' }, name, refusal);
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    spec.nodeName = node;
    if (binding.metadata.annotations) {
      pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...binding.metadata.annotations };
    }
    const status = (pod.status ??= {}) as { conditions?: PodCondition[] };
    status.conditions = updatePodCondition(status.conditions ?? [], { type: 'PodScheduled', status: 'True' }, rfc3339(now));
    if (dryRun) return pod;
    try {
      return (await ctx.store.update(key, pod, cur.modRevision)).value;
    } catch (e) {
      if (e instanceof StorageError && e.code === 'Conflict' && attempt < MAX_RETRIES) continue;
      if (e instanceof StorageError && e.code === 'KeyNotFound') throw errNotFound(PODS, name);
      if (e instanceof StorageError) throw new ApiError(500, 'InternalError', `Internal error occurred: ${e.message}`);
      throw e;
    }
  }
}

/** Why the pod cannot be bound now (upstream's texts), or undefined. */
function bindRefusal(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as { nodeName?: string; schedulingGates?: unknown[] };
  const name = pod.metadata.name ?? '';
  if (pod.metadata.deletionTimestamp) return `pod ${name} is being deleted, cannot be assigned to a host`;
  if (spec.nodeName) return `pod ${name} is already assigned to node ${JSON.stringify(spec.nodeName)}`;
  if (spec.schedulingGates?.length) return `pod ${name} has non-empty .spec.schedulingGates`;
  return undefined;
}
