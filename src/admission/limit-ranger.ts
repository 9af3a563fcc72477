// LimitRanger admission (plugin/pkg/admission/limitranger): a new pod's containers get the default requests and
// limits of the namespace's Container LimitRanges (noted in the kubernetes.io/limit-ranger annotation), then pods
// and claims are held to min, max and maxLimitRequestRatio per Container, Pod and PersistentVolumeClaim, refused with
// upstream's texts. Pod updates are left alone: containers and their resources cannot change.
import { errForbidden } from '../apimachinery/errors.js';
import type { Quantity } from '../apimachinery/quantity.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/types.js';
import { fromWire, type ResourceList } from '../quota/resources.js';
import { podResources } from '../quota/evaluators.js';
import { WatchedNamespaceCache } from './watched-namespace-cache.js';
import type { Container, LimitRange, LimitRangeItem, Pod } from '../api/generated/core-v1.js';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

const MAX_MILLI_VALUE = 9223372036854775n; // math.MaxInt64 / 1000

/** requestLimitEnforcedValues: milli-units when nothing overflows, else whole units. */
function enforcedValues(req: Quantity | undefined, lim: Quantity | undefined, enforced: Quantity): [bigint, bigint, bigint] {
  const r = req?.value() ?? 0n, l = lim?.value() ?? 0n, e = enforced.value();
  if (r <= MAX_MILLI_VALUE && l <= MAX_MILLI_VALUE && e <= MAX_MILLI_VALUE) return [req?.milliValue() ?? 0n, lim?.milliValue() ?? 0n, enforced.milliValue()];
  return [r, l, e];
}

function minConstraint(limitType: string, resource: string, enforced: Quantity, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request.get(resource);
  const lim = limit.get(resource);
  const [r, l, e] = enforcedValues(req, lim, enforced);
  if (!req) return `minimum ${resource} usage per ${limitType} is ${enforced}.  No request is specified`;
  if (r < e) return `minimum ${resource} usage per ${limitType} is ${enforced}, but request is ${req}`;
  if (lim && l < e) return `minimum ${resource} usage per ${limitType} is ${enforced}, but limit is ${lim}`;
  return undefined;
}

function maxConstraint(limitType: string, resource: string, enforced: Quantity, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request.get(resource);
  const lim = limit.get(resource);
  const [r, l, e] = enforcedValues(req, lim, enforced);
  if (!lim) return `maximum ${resource} usage per ${limitType} is ${enforced}.  No limit is specified`;
  if (l > e) return `maximum ${resource} usage per ${limitType} is ${enforced}, but limit is ${lim}`;
  if (req && r > e) return `maximum ${resource} usage per ${limitType} is ${enforced}, but request is ${req}`;
  return undefined;
}

/** maxRequestConstraint (claims): the request itself is held to the maximum. */
function maxRequestConstraint(limitType: string, resource: string, enforced: Quantity, request: ResourceList): string | undefined {
  const req = request.get(resource);
  if (!req) return `maximum ${resource} usage per ${limitType} is ${enforced}.  No request is specified`;
  const [r, , e] = enforcedValues(req, undefined, enforced);
  if (r > e) return `maximum ${resource} usage per ${limitType} is ${enforced}, but request is ${req}`;
  return undefined;
}

function limitRequestRatioConstraint(limitType: string, resource: string, enforced: Quantity, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request.get(resource);
  const lim = limit.get(resource);
  const [r, l] = enforcedValues(req, lim, enforced);
  if (!req || r === 0n) return `${resource} max limit to request ratio per ${limitType} is ${enforced}, but no request is specified or request is 0`;
  if (!lim || l === 0n) return `${resource} max limit to request ratio per ${limitType} is ${enforced}, but no limit is specified or limit is 0`;
  const observed = Number(l) / Number(r);
  const max = enforced.value() <= MAX_MILLI_VALUE ? Number(enforced.milliValue()) : Number(enforced.value());
  const scaled = enforced.value() <= MAX_MILLI_VALUE ? observed * 1000 : observed;
  if (scaled > max) return `${resource} max limit to request ratio per ${limitType} is ${enforced}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

/** mergeContainerResources: defaults for what the container leaves unset; returns the annotation parts. */
function mergeContainerResources(c: Container, defaults: { requests: Record<string, string>; limits: Record<string, string> }, kind: string): string[] {
  const res = (c.resources ??= {});
  const limits = (res.limits ??= {});
  const requests = (res.requests ??= {});
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [k, v] of Object.entries(defaults.limits)) if (!(k in limits)) { limits[k] = v; setLimits.push(k); }
  for (const [k, v] of Object.entries(defaults.requests)) if (!(k in requests)) { requests[k] = v; setRequests.push(k); }
  if (Object.keys(limits).length === 0) delete res.limits;
  if (Object.keys(requests).length === 0) delete res.requests;
  const notes: string[] = [];
  if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${kind} ${c.name}`);
  if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${kind} ${c.name}`);
  return notes;
}

/** PodMutateLimitFunc: the defaults of every Container item. */
function defaultPod(pod: Pod, limitRange: LimitRange): void {
  const defaults = { requests: {} as Record<string, string>, limits: {} as Record<string, string> };
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    Object.assign(defaults.requests, item.defaultRequest ?? {});
    Object.assign(defaults.limits, item.default ?? {});
  }
  const notes: string[] = [];
  for (const c of pod.spec?.containers ?? []) notes.push(...mergeContainerResources(c, defaults, 'container'));
  for (const c of pod.spec?.initContainers ?? []) notes.push(...mergeContainerResources(c, defaults, 'init container'));
  if (notes.length) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

/** PodValidateLimitFunc: every violation of the Container and Pod items. */
function validatePod(pod: Pod, limitRange: LimitRange): string[] {
  const errs: string[] = [];
  const check = (type: string, item: LimitRangeItem, requests: ResourceList, limits: ResourceList) => {
    for (const [k, v] of fromWire(item.min)) { const e = minConstraint(type, k, v, requests, limits); if (e) errs.push(e); }
    for (const [k, v] of fromWire(item.max)) { const e = maxConstraint(type, k, v, requests, limits); if (e) errs.push(e); }
    for (const [k, v] of fromWire(item.maxLimitRequestRatio)) { const e = limitRequestRatioConstraint(type, k, v, requests, limits); if (e) errs.push(e); }
  };
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type === 'Container') {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) check('Container', item, fromWire(c.resources?.requests), fromWire(c.resources?.limits));
    } else if (item.type === 'Pod') {
      check('Pod', item, podResources(pod, 'requests'), podResources(pod, 'limits'));
    }
  }
  return errs;
}

/** PersistentVolumeClaimValidateLimitFunc: the storage request within min and max. */
function validateClaim(claim: KubeObject, limitRange: LimitRange): string[] {
  const errs: string[] = [];
  const requests = fromWire((claim.spec as { resources?: { requests?: Record<string, string> } } | undefined)?.resources?.requests);
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of fromWire(item.min)) { const e = minConstraint('PersistentVolumeClaim', k, v, requests, new Map()); if (e) errs.push(e); }
    for (const [k, v] of fromWire(item.max)) { const e = maxRequestConstraint('PersistentVolumeClaim', k, v, requests); if (e) errs.push(e); }
  }
  return errs;
}

/** utilerrors.NewAggregate's text: one error as is, several in brackets. */
const aggregate = (errs: string[]) => (errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);

export function limitRanger(objects: GenericStore, registry: ResourceRegistry): AdmissionPlugin {
  const cache = new WatchedNamespaceCache<LimitRange>(objects, registry.lookup('', 'v1', 'limitranges')!);
  /** SupportsAttributes: pods (created only) and claims, no subresources. */
  const supports = (a: AdmissionAttributes) => {
    if (a.subresource || !a.object || a.def.group !== '') return false;
    if (a.def.resource === 'pods') return a.operation === 'CREATE';
    return a.def.resource === 'persistentvolumeclaims' && (a.operation === 'CREATE' || a.operation === 'UPDATE');
  };
  return {
    name: 'LimitRanger',
    async admit(a) {
      if (!supports(a) || a.def.resource !== 'pods') return;
      for (const lr of await cache.list(a.namespace)) defaultPod(a.object as Pod, lr);
    },
    async validate(a) {
      if (!supports(a)) return;
      const errs: string[] = [];
      for (const lr of await cache.list(a.namespace)) {
        errs.push(...(a.def.resource === 'pods' ? validatePod(a.object as Pod, lr) : validateClaim(a.object!, lr)));
      }
      if (errs.length) throw errForbidden({ group: '', resource: a.def.resource }, a.name || a.object!.metadata.name || '', aggregate(errs));
    },
  };
}
