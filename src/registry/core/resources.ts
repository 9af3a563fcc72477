// Compute-resource names and quantities (validateResourceRequirements and helpers from
// kubernetes pkg/apis/core/validation and pkg/apis/core/helper).
import { duplicate, FieldError, FieldPath, forbidden, invalid, notFound, required } from '../../apimachinery/field-errors.js';
import { parseQuantity, Quantity, tryParseQuantity } from '../../apimachinery/quantity.js';
import { isDNS1123Label, isQualifiedName } from '../../apimachinery/validation/names.js';
import { arr, isObj, Obj } from './helpers.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu',
  'limits.memory', 'limits.ephemeral-storage', 'pods', 'quota', 'services', 'replicationcontrollers', 'resourcequotas',
  'secrets', 'persistentvolumeclaims', 'configmaps', 'storage', 'requests.storage', 'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set(['pods', 'quota', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets',
  'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

export const isHugePageResourceName = (n: string) => n.startsWith('hugepages-');
export const isNativeResource = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');
const isStandardResourceName = (n: string) => STANDARD_RESOURCES.has(n.replace(/^requests\.|^limits\./, '')) || STANDARD_RESOURCES.has(n) || isHugePageResourceName(n.replace(/^requests\./, ''));
const isStandardContainerResourceName = (n: string) => STANDARD_CONTAINER_RESOURCES.has(n) || isHugePageResourceName(n);
export function isExtendedResourceName(n: string): boolean {
  if (isNativeResource(n) || n.startsWith('requests.')) return false;
  return isQualifiedName('requests.' + n).length === 0;
}
export const isIntegerResourceName = (n: string) => INTEGER_RESOURCES.has(n) || isExtendedResourceName(n);
export const isOvercommitAllowed = (n: string) => isNativeResource(n) && !isHugePageResourceName(n);

export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(path.toString(), name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    errs.push(invalid(path.toString(), name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!isStandardContainerResourceName(name)) errs.push(invalid(path.toString(), name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path.toString(), name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a JSON quantity; unparsable text is reported the way the decoder would word it. */
function quantity(v: unknown, path: FieldPath, errs: FieldError[]): Quantity | null {
  if (typeof v === 'string' || typeof v === 'number') {
    try {
      return parseQuantity(String(v));
    } catch (e) {
      errs.push(invalid(path.toString(), v, (e as Error).message));
      return null;
    }
  }
  errs.push(invalid(path.toString(), v, 'must be a quantity'));
  return null;
}

export function validateResourceQuantityValue(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(invalid(path.toString(), q.toString(), 'must be greater than or equal to 0'));
  if (isIntegerResourceName(name) && q.milliValue() % 1000n !== 0n) errs.push(invalid(path.toString(), q.toString(), 'must be an integer'));
  return errs;
}

export function validatePositiveQuantityValue(q: Quantity, path: FieldPath): FieldError[] {
  return q.sign() <= 0 ? [invalid(path.toString(), q.toString(), 'must be greater than zero')] : [];
}

function hugePageErr(name: string, q: Quantity): string | null {
  const size = tryParseQuantity(name.slice('hugepages-'.length));
  if (!size || size.sign() <= 0) return null;
  const v = q.value();
  const s = size.value();
  return v > 0n && v % s === 0n ? null : `${q.toString()} is not positive integer multiple of ${name}`;
}

/** validateResourceRequirements for containers (and pod overhead). */
export function validateContainerResources(res: Obj | undefined, podClaimNames: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(res)) return errs;
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits: Record<string, Quantity> = {};
  let limCpuMem = false, reqCpuMem = false, limHuge = false, reqHuge = false;
  for (const [name, raw] of Object.entries(isObj(res.limits) ? res.limits : {})) {
    const fp = limPath.key(name);
    errs.push(...validateContainerResourceName(name, fp));
    const q = quantity(raw, fp, errs);
    if (!q) continue;
    limits[name] = q;
    errs.push(...validateResourceQuantityValue(name, q, fp));
    if (isHugePageResourceName(name)) {
      limHuge = true;
      const m = hugePageErr(name, q);
      if (m) errs.push(invalid(fp.toString(), q.toString(), m));
    }
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const [name, raw] of Object.entries(isObj(res.requests) ? res.requests : {})) {
    const fp = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, fp));
    const q = quantity(raw, fp, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, fp));
    const lim = limits[name];
    if (lim) {
      if (q.cmp(lim) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(reqPath.toString(), q.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
      } else if (q.cmp(lim) > 0) {
        errs.push(invalid(reqPath.toString(), q.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath.toString(), 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      reqHuge = true;
      const m = hugePageErr(name, q);
      if (m) errs.push(invalid(fp.toString(), q.toString(), m));
    }
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge)) errs.push(forbidden(path.toString(), 'HugePages require cpu or memory'));
  errs.push(...validateResourceClaimNames(arr(res.claims), podClaimNames, path.child('claims')));
  return errs;
}

function validateResourceClaimNames(claims: Obj[], podClaimNames: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  claims.forEach((c, i) => {
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) {
      errs.push(required(path.index(i).toString()));
      return;
    }
    if (names.has(name)) errs.push(duplicate(path.index(i).toString(), name));
    else {
      let key = name;
      if (c.request) {
        errs.push(...isDNS1123Label(c.request).map((m) => invalid(path.index(i).child('request').toString(), c.request, m)));
        key += '/' + c.request;
      }
      if (names.has(key)) errs.push(duplicate(path.index(i).toString(), key));
      names.add(key);
    }
    if (!podClaimNames.has(name)) {
      const e = notFound(path.index(i).toString(), name);
      const detail = 'must be one of the names in pod.spec.resourceClaims' +
        (podClaimNames.size === 0 ? ' which is empty' : ': ' + [...podClaimNames].sort().join(', '));
      errs.push(new FieldError(e.type, e.field, e.badValue, detail));
    }
  });
  return errs;
}

export { computeQOSClass } from './qos.js';
