// What an object costs against a ResourceQuota, after pkg/quota/v1/evaluator/core (pods, services, persistent
// volume claims) and the generic object-count evaluator: the resource names each kind is charged under, the usage of
// one object, which quotas (by scope) it falls under, and the constraints a quota imposes (pods must state cpu and
// memory requests or limits a quota restricts). Shared by the ResourceQuota admission plugin and controller.
import { Quantity } from '../apimachinery/quantity.js';
import type { KubeObject } from '../apimachinery/types.js';
import { add, count, fromWire, type ResourceList } from './resources.js';
import type { PersistentVolumeClaim, Pod, ResourceQuotaSpec, ScopedResourceSelectorRequirement, Service } from '../api/generated/core-v1.js';

/** The quota's scopes and scope selector, as requirements (getScopeSelectorsFromQuota). */

export interface Evaluator {
  /** group/resource of the objects it charges. */
  group: string;
  resource: string;
  /** Whether updates change usage (services and claims can change type or size; pods cannot). */
  chargesUpdates: boolean;
  /** MatchingResources: the names among `names` this evaluator charges. */
  matchingResources(names: string[]): string[];
  /** Usage of one object. */
  usage(obj: KubeObject, nowMs: number): ResourceList;
  /** Whether the object falls under the quota's scopes (objects of kinds without scopes always do). */
  matchesScopes(spec: ResourceQuotaSpec, obj: KubeObject): boolean;
  /** Constraints: an error text when the object fails what `required` resources demand of it. */
  constraints(required: string[], obj: KubeObject): string | undefined;
}

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

export function scopeRequirements(spec: ResourceQuotaSpec): ScopedResourceSelectorRequirement[] {
  return [
    ...(spec.scopes ?? []).map((s) => ({ scopeName: s, operator: 'Exists' })),
    ...(spec.scopeSelector?.matchExpressions ?? []),
  ];
}

// ---- pods ------------------------------------------------------------------------------------------------------

const POD_COMPUTE = ['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage'];
/** The resources a pod must state when a quota restricts them (validationSet). */
const POD_VALIDATION_SET = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

function isPodResource(name: string): boolean {
  if (name === 'pods' || name === 'count/pods' || POD_COMPUTE.includes(name)) return true;
  if (name.startsWith('hugepages-') || name.startsWith('requests.hugepages-')) return true;
  // requests.<extended resource>
  return name.startsWith('requests.') && name.slice('requests.'.length).includes('/');
}

function maxInto(into: ResourceList, other: ResourceList): void {
  for (const [k, v] of other) {
    const cur = into.get(k);
    if (!cur || v.cmp(cur) > 0) into.set(k, v);
  }
}

/** resourcehelper.PodRequests / PodLimits: app containers summed, init containers at their peak, sidecars alongside, plus overhead. */
export function podResources(pod: Pod, which: 'requests' | 'limits'): ResourceList {
  let total: ResourceList = new Map();
  for (const c of pod.spec?.containers ?? []) total = add(total, fromWire(c.resources?.[which]));
  let sidecars: ResourceList = new Map();
  const initPeak: ResourceList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    let during = fromWire(c.resources?.[which]);
    if (c.restartPolicy === 'Always') {
      total = add(total, during);
      sidecars = add(sidecars, during);
      during = sidecars;
    } else {
      during = add(during, sidecars);
    }
    maxInto(initPeak, during);
  }
  maxInto(total, initPeak);
  return add(total, fromWire(pod.spec?.overhead));
}

/** podComputeUsageHelper: requests under both the bare and `requests.` names, limits under `limits.`. */
function podComputeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([['pods', count(1)]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [r, q] of requests) {
    if (r.startsWith('hugepages-')) {
      out.set(r, q);
      out.set(`requests.${r}`, q);
    } else if (r.includes('/') && !r.includes('kubernetes.io/')) {
      // extended resources are charged as requests.<name> only
      out.set(`requests.${r}`, q);
    }
  }
  return out;
}

/** QuotaV1Pod: finished pods, and pods past their deletion grace period, are not charged compute resources. */
function quotaV1Pod(pod: Pod, nowMs: number): boolean {
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') return false;
  const del = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (del && grace !== undefined && nowMs > Date.parse(del) + grace * 1000) return false;
  return true;
}

const isTerminating = (pod: Pod) => pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds !== null && pod.spec.activeDeadlineSeconds >= 0;
const isBestEffort = (pod: Pod) => pod.status?.qosClass === 'BestEffort';

function podMatchesScope(req: ScopedResourceSelectorRequirement, pod: Pod): boolean {
  switch (req.scopeName) {
    case 'Terminating': return isTerminating(pod);
    case 'NotTerminating': return !isTerminating(pod);
    case 'BestEffort': return isBestEffort(pod);
    case 'NotBestEffort': return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc = pod.spec?.priorityClassName ?? '';
      if (req.operator === 'Exists') return pc !== '';
      if (req.operator === 'DoesNotExist') return pc === '';
      if (req.operator === 'In') return (req.values ?? []).includes(pc);
      if (req.operator === 'NotIn') return !(req.values ?? []).includes(pc);
      return false;
    }
    case 'CrossNamespacePodAffinity': {
      const terms = JSON.stringify(pod.spec?.affinity ?? {});
      return terms.includes('"namespaceSelector"') || /"namespaces":\["/.test(terms);
    }
    default:
      return false;
  }
}

export const podEvaluator: Evaluator = {
  group: '', resource: 'pods', chargesUpdates: false,
  matchingResources: (names) => names.filter(isPodResource),
  usage(obj, nowMs) {
    const pod = obj as Pod;
    // count/pods tracks every pod in storage; the rest only live ones
    const out: ResourceList = new Map([['count/pods', count(1)]]);
    if (!quotaV1Pod(pod, nowMs)) return out;
    return add(out, podComputeUsage(podResources(pod, 'requests'), podResources(pod, 'limits')));
  },
  matchesScopes: (spec, obj) => scopeRequirements(spec).every((r) => podMatchesScope(r, obj as Pod)),
  constraints(required, obj) {
    const pod = obj as Pod;
    const want = required.filter((r) => POD_VALIDATION_SET.has(r));
    if (want.length === 0) return undefined;
    const missing = new Map<string, Set<string>>();
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      const has = new Set(podComputeUsage(fromWire(c.resources?.requests), fromWire(c.resources?.limits)).keys());
      for (const r of want) {
        if (has.has(r)) continue;
        if (!missing.has(r)) missing.set(r, new Set());
        missing.get(r)!.add(c.name ?? '');
      }
    }
    if (missing.size === 0) return undefined;
    const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
    return `must specify ${parts.join('; ')}`;
  },
};

// ---- services ----------------------------------------------------------------------------------------------------

const SERVICE_RESOURCES = ['services', 'count/services', 'services.nodeports', 'services.loadbalancers'];

export const serviceEvaluator: Evaluator = {
  group: '', resource: 'services', chargesUpdates: true,
  matchingResources: (names) => names.filter((n) => SERVICE_RESOURCES.includes(n)),
  usage(obj) {
    const svc = obj as Service;
    const out: ResourceList = new Map([['services', count(1)], ['count/services', count(1)]]);
    const ports = svc.spec?.ports ?? [];
    if (svc.spec?.type === 'NodePort') out.set('services.nodeports', count(ports.length));
    if (svc.spec?.type === 'LoadBalancer') {
      // without node-port allocation only ports that name one count
      const n = svc.spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
      out.set('services.nodeports', count(n));
      out.set('services.loadbalancers', count(1));
    }
    return out;
  },
  matchesScopes: () => true,
  constraints: () => undefined,
};

// ---- persistent volume claims ----------------------------------------------------------------------------------

function claimClass(claim: PersistentVolumeClaim): string {
  const beta = claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return beta ?? claim.spec?.storageClassName ?? '';
}

export const claimEvaluator: Evaluator = {
  group: '', resource: 'persistentvolumeclaims', chargesUpdates: true,
  matchingResources: (names) => names.filter((n) => ['persistentvolumeclaims', 'count/persistentvolumeclaims', 'requests.storage'].includes(n)
    || n.endsWith(`${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`) || n.endsWith(`${STORAGE_CLASS_SUFFIX}requests.storage`)),
  usage(obj) {
    const claim = obj as PersistentVolumeClaim;
    const out: ResourceList = new Map([['persistentvolumeclaims', count(1)], ['count/persistentvolumeclaims', count(1)]]);
    const cls = claimClass(claim);
    if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, count(1));
    const storage = fromWire(claim.spec?.resources?.requests).get('storage');
    if (storage) {
      // rounded up to whole bytes
      const rounded = new Quantity(storage.value(), 0, storage.format);
      out.set('requests.storage', rounded);
      if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`, rounded);
    }
    return out;
  },
  matchesScopes: () => true,
  constraints: () => undefined,
};

// ---- object counts ----------------------------------------------------------------------------------------------

/** The generic evaluator: `count/<resource>[.<group>]`, plus the legacy name some core kinds have. */
export function objectCountEvaluator(group: string, resource: string, legacyName?: string): Evaluator {
  const countName = group ? `count/${resource}.${group}` : `count/${resource}`;
  const names = legacyName ? [countName, legacyName] : [countName];
  return {
    group, resource, chargesUpdates: false,
    matchingResources: (list) => list.filter((n) => names.includes(n)),
    usage: () => new Map(names.map((n) => [n, count(1)])),
    matchesScopes: () => true,
    constraints: () => undefined,
  };
}

const LEGACY_COUNTED = new Set(['configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas']);

/** The evaluator for a group/resource. */
export function evaluatorFor(group: string, resource: string): Evaluator {
  if (group === '') {
    if (resource === 'pods') return podEvaluator;
    if (resource === 'services') return serviceEvaluator;
    if (resource === 'persistentvolumeclaims') return claimEvaluator;
    if (LEGACY_COUNTED.has(resource)) return objectCountEvaluator('', resource, resource);
  }
  return objectCountEvaluator(group, resource);
}

/** A `count/<resource>[.<group>]` name as group/resource, if it is one. */
export function parseCountName(name: string): { group: string; resource: string } | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

