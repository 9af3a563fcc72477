// core/v1 ResourceQuota and LimitRange: ValidateResourceQuota*, ValidateLimitRange, SetDefaults_LimitRangeItem and
// their strategies (pkg/registry/core/resourcequota, limitrange). Quantities keep the spelling the client sent.
import { duplicate, FieldError, FieldPath, forbidden, invalid, required } from '../../apimachinery/field-errors.js';
import { Quantity, tryParseQuantity } from '../../apimachinery/quantity.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o, specOf, validateCoreMeta, validateCoreMetaUpdate } from './def.js';
import { arr, isObj, type Obj, str } from './helpers.js';
import {
  isHugePageResourceName, isOvercommitAllowed, validateContainerResourceName, validateResourceName, validateResourceQuantityValue,
} from './resources.js';

// ---- ResourceQuota ----------------------------------------------------------------------------------------------

const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas',
  'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
/** Resources a pod-oriented scope can restrict (IsResourceQuotaScopeValidForResource). */
const POD_SCOPED_RESOURCES = new Set(['pods', 'count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage']);
export const STANDARD_QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];

const isStandardQuotaResourceName = (n: string) => STANDARD_QUOTA_RESOURCES.has(n) || isHugePageResourceName(n.replace(/^requests\./, ''));

function quotaScopeValidFor(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating': case 'NotTerminating': case 'NotBestEffort': case 'PriorityClass': case 'CrossNamespacePodAffinity':
      return POD_SCOPED_RESOURCES.has(resource) || isHugePageResourceName(resource.replace(/^requests\./, ''));
    case 'BestEffort':
      return resource === 'pods' || resource === 'count/pods';
    case 'VolumeAttributesClass':
      return ['persistentvolumeclaims', 'count/persistentvolumeclaims', 'requests.storage'].includes(resource);
    default:
      return false;
  }
}

/** Go's %#v of a []core.ResourceQuotaScope, as field errors print it. */
const goScopes = (scopes: string[]) => `[]core.ResourceQuotaScope{${scopes.map((s) => JSON.stringify(s)).join(', ')}}`;

/** A resource list: names and quantities checked (ValidateResourceQuotaResourceName and the quantity value). */
function validateQuotaResourceList(list: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(isObj(list) ? list : {})) {
    const p = path.key(k);
    errs.push(...validateResourceName(k, p));
    if (!k.includes('/') && !isStandardQuotaResourceName(k)) errs.push(invalid(p.toString(), k, 'must be a standard resource for quota'));
    const q = tryParseQuantity(v);
    if (!q) errs.push(invalid(p.toString(), v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    else errs.push(...validateResourceQuantityValue(k, q, p));
  }
  return errs;
}

function validateResourceQuotaScopes(spec: Obj, path: FieldPath): FieldError[] {
  const scopes = arr<string>(spec.scopes);
  if (scopes.length === 0) return [];
  const errs: FieldError[] = [];
  const p = path.child('scopes').toString();
  const hard = Object.keys(isObj(spec.hard) ? spec.hard : {}).sort();
  for (const scope of scopes) {
    if (!STANDARD_QUOTA_SCOPES.includes(scope)) errs.push(invalid(p, goScopes(scopes), 'unsupported scope'));
    for (const k of hard) if (isStandardQuotaResourceName(k) && !quotaScopeValidFor(scope, k)) errs.push(invalid(p, goScopes(scopes), 'unsupported scope applied to resource'));
  }
  for (const [a, b] of [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']]) {
    if (scopes.includes(a) && scopes.includes(b)) errs.push(invalid(p, goScopes(scopes), 'conflicting scopes'));
  }
  return errs;
}

function validateResourceQuotaSpec(spec: Obj): FieldError[] {
  const path = FieldPath.root('spec');
  return [...validateQuotaResourceList(spec.hard, path.child('hard')), ...validateResourceQuotaScopes(spec, path)];
}

function validateResourceQuotaStatus(status: Obj): FieldError[] {
  const path = FieldPath.root('status');
  return [...validateQuotaResourceList(status.hard, path.child('hard')), ...validateQuotaResourceList(status.used, path.child('used'))];
}

const statusOf = (obj: KubeObject): Obj => (isObj(o(obj).status) ? o(obj).status : {});

export const resourceQuotaResource: ResourceDef = coreDef({
  kind: 'ResourceQuota',
  resource: 'resourcequotas',
  namespaced: true,
  shortNames: ['quota'],
  subresources: { status: true },
  strategy: {
    prepareForCreate(obj) {
      o(obj).status = {};
    },
    validate: (obj) => [...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateResourceQuotaSpec(specOf(obj)), ...validateResourceQuotaStatus(statusOf(obj))],
    validateUpdate(obj, old) {
      const errs = [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateResourceQuotaSpec(specOf(obj))];
      const scopes = arr<string>(specOf(obj).scopes);
      if (JSON.stringify(scopes) !== JSON.stringify(arr<string>(specOf(old).scopes))) errs.push(invalid('spec.scopes', goScopes(scopes), 'field is immutable'));
      return errs;
    },
    validateStatusUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateResourceQuotaStatus(statusOf(obj))],
  },
});

// ---- LimitRange -------------------------------------------------------------------------------------------------

const LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

/** SetDefaults_LimitRangeItem: for containers, default limits from max, default requests from default or min. */
export function setDefaultsLimitRange(obj: KubeObject): void {
  for (const item of arr(specOf(obj).limits)) {
    if (item.type !== 'Container') continue;
    const def: Obj = isObj(item.default) ? item.default : {};
    const defReq: Obj = isObj(item.defaultRequest) ? item.defaultRequest : {};
    for (const [k, v] of Object.entries(isObj(item.max) ? item.max : {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(isObj(item.min) ? item.min : {})) if (!(k in defReq)) defReq[k] = v;
    // empty maps are omitted on the wire
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(defReq).length) item.defaultRequest = defReq;
  }
}

function validateLimitRangeResourceName(limitType: string, name: string, path: FieldPath): FieldError[] {
  if (limitType === 'Pod' || limitType === 'Container') return validateContainerResourceName(name, path);
  return validateResourceName(name, path);
}

export function validateLimitRangeSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  arr(spec.limits).forEach((limit, i) => {
    const p = FieldPath.root('spec').child('limits').index(i);
    const type = str(limit.type);
    // validateLimitRangeTypeName
    const typeErrs = isQualifiedName(type).map((m) => invalid(p.child('type').toString(), type, m));
    if (!typeErrs.length && !type.includes('/') && !LIMIT_TYPES.has(type)) typeErrs.push(invalid(p.child('type').toString(), type, 'must be a standard limit type or fully qualified'));
    errs.push(...typeErrs);
    if (seenTypes.has(type)) errs.push(duplicate(p.child('type').toString(), type));
    seenTypes.add(type);
    const lists: Record<string, Map<string, Quantity>> = {};
    const collect = (field: string) => {
      const m = new Map<string, Quantity>();
      for (const [k, v] of Object.entries(isObj(limit[field]) ? limit[field] : {})) {
        const kp = p.child(field).key(k);
        errs.push(...validateLimitRangeResourceName(type, k, kp));
        const q = tryParseQuantity(v);
        if (!q) errs.push(invalid(kp.toString(), v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        else m.set(k, q);
      }
      lists[field] = m;
    };
    collect('max');
    collect('min');
    if (type === 'Pod') {
      if (isObj(limit.default) && Object.keys(limit.default).length) errs.push(forbidden(p.child('default').toString(), "may not be specified when `type` is 'Pod'"));
      if (isObj(limit.defaultRequest) && Object.keys(limit.defaultRequest).length) errs.push(forbidden(p.child('defaultRequest').toString(), "may not be specified when `type` is 'Pod'"));
      lists.default = new Map();
      lists.defaultRequest = new Map();
    } else {
      collect('default');
      collect('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !lists.min.has('storage') && !lists.max.has('storage')) {
      errs.push(required(p.child('limits').toString(), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    collect('maxLimitRequestRatio');
    const keys = new Set(Object.values(lists).flatMap((m) => [...m.keys()]));
    for (const k of [...keys].sort()) {
      const min = lists.min.get(k), max = lists.max.get(k), def = lists.default.get(k), defReq = lists.defaultRequest.get(k), ratio = lists.maxLimitRequestRatio.get(k);
      const at = (field: string) => p.child(field).key(k).toString();
      if (min && max && min.cmp(max) > 0) errs.push(invalid(at('min'), min.toString(), `min value ${min} is greater than max value ${max}`));
      if (defReq && min && min.cmp(defReq) > 0) errs.push(invalid(at('defaultRequest'), defReq.toString(), `min value ${min} is greater than default request value ${defReq}`));
      if (defReq && max && defReq.cmp(max) > 0) errs.push(invalid(at('defaultRequest'), defReq.toString(), `default request value ${defReq} is greater than max value ${max}`));
      if (defReq && def && defReq.cmp(def) > 0) errs.push(invalid(at('defaultRequest'), defReq.toString(), `default request value ${defReq} is greater than default limit value ${def}`));
      if (def && min && min.cmp(def) > 0) errs.push(invalid(at('default'), min.toString(), `min value ${min} is greater than default value ${def}`));
      if (def && max && def.cmp(max) > 0) errs.push(invalid(at('default'), max.toString(), `default value ${def} is greater than max value ${max}`));
      if (ratio && ratio.cmp(Quantity.fromInt(1)) < 0) errs.push(invalid(at('maxLimitRequestRatio'), ratio.toString(), `ratio ${ratio} is less than 1`));
      if (ratio && min && max) {
        const limitRatio = Number(max.milliValue()) / Number(min.milliValue());
        const r = Number(ratio.milliValue()) / 1000;
        if (r > limitRatio) errs.push(invalid(at('maxLimitRequestRatio'), ratio.toString(), `ratio ${ratio} is greater than max/min = ${limitRatio.toFixed(6)}`));
      }
      // not overcommittable (hugepages, extended resources): default and default request must agree
      if (!isOvercommitAllowed(k) && def && defReq && def.cmp(defReq) !== 0) {
        errs.push(invalid(at('defaultRequest'), defReq.toString(), `default value ${def} must equal to defaultRequest value ${defReq} in ${k}`));
      }
    }
  });
  return errs;
}

export const limitRangeResource: ResourceDef = coreDef({
  kind: 'LimitRange',
  resource: 'limitranges',
  namespaced: true,
  shortNames: ['limits'],
  strategy: {
    defaults: setDefaultsLimitRange,
    validate: (obj) => [...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateLimitRangeSpec(specOf(obj))],
    validateUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateLimitRangeSpec(specOf(obj))],
  },
});
