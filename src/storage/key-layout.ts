// Where objects live in the key space, as kube-apiserver lays them out in etcd: `/registry/<resource prefix>/
// [<namespace>/]<name>`. The resource prefix is the plain resource name for the groups kube-apiserver stores itself,
// with the exceptions compiled into upstream (pkg/kubeapiserver/default_storage_factory_builder.go
// SpecialDefaultResourcePrefixes: services under services/specs, endpoints under services/endpoints, nodes as
// minions, replicationcontrollers as controllers, ingresses as ingress); the servers that keep their own storage
// (apiextensions-apiserver for CRDs and custom resources, the aggregator) use `<group>/<resource>`.

/** The root every key starts with; a store may map it onto another prefix (etcd's --etcd-prefix). */
export const KEY_ROOT = '/registry';

const SPECIAL_PREFIXES: Record<string, string> = {
  '/replicationcontrollers': 'controllers',
  '/endpoints': 'services/endpoints',
  '/nodes': 'minions',
  '/services': 'services/specs',
  'extensions/ingresses': 'ingress',
  'networking.k8s.io/ingresses': 'ingress',
  'extensions/podsecuritypolicies': 'podsecuritypolicy',
  'policy/podsecuritypolicies': 'podsecuritypolicy',
};

/** The API groups kube-apiserver itself stores: their resources are keyed by the plain resource name. */
const KUBE_APISERVER_GROUPS = new Set([
  '', 'admissionregistration.k8s.io', 'apps', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch',
  'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'extensions',
  'flowcontrol.apiserver.k8s.io', 'internal.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io', 'policy',
  'rbac.authorization.k8s.io', 'resource.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io', 'storagemigration.k8s.io',
]);

/** The resource's part of its keys: `pods`, `services/specs`, `apiextensions.k8s.io/customresourcedefinitions`. */
export function resourcePrefix(group: string, resource: string): string {
  const special = SPECIAL_PREFIXES[`${group}/${resource}`];
  if (special) return special;
  return KUBE_APISERVER_GROUPS.has(group) ? resource : `${group}/${resource}`;
}

/**
 * `/registry/<resource prefix>/<namespace>/<name>`, or `/registry/<resource prefix>/<name>` for cluster-scoped
 * objects (namespace '' or undefined).
 */
export function keyFor(group: string, resource: string, namespace: string | undefined, name: string): string {
  return `${prefixFor(group, resource, namespace)}${name}`;
}

/** `/registry/<resource prefix>/` (all namespaces) or `/registry/<resource prefix>/<namespace>/`. */
export function prefixFor(group: string, resource: string, namespace?: string): string {
  const base = `${KEY_ROOT}/${resourcePrefix(group, resource)}/`;
  return namespace ? `${base}${namespace}/` : base;
}

/**
 * The `/registry/<resource prefix>/` part of a key or prefix (watch fan-out indexes watchers by it); undefined when
 * the string is too short to name a resource. A prefix is one segment, or two when the first is a group (it has a
 * dot) or `services` (specs and endpoints).
 */
export function resourceBucket(keyOrPrefix: string): string | undefined {
  const rootEnd = keyOrPrefix.indexOf('/', 1);
  if (rootEnd < 0) return undefined;
  const first = keyOrPrefix.indexOf('/', rootEnd + 1);
  if (first < 0) return undefined;
  const segment = keyOrPrefix.slice(rootEnd + 1, first);
  if (!segment.includes('.') && segment !== 'services') return keyOrPrefix.slice(0, first + 1);
  const second = keyOrPrefix.indexOf('/', first + 1);
  return second < 0 ? undefined : keyOrPrefix.slice(0, second + 1);
}

/**
 * A key of the layout before upstream's (schema 3 of the SQLite store: `/registry/<group or core>/<resource>/…`) in
 * today's layout; keys that do not have the old shape come back unchanged.
 */
export function upstreamKeyOf(legacyKey: string): string {
  const m = /^\/registry\/([^/]+)\/([^/]+)\/(.+)$/.exec(legacyKey);
  if (!m) return legacyKey;
  const group = m[1] === 'core' ? '' : m[1]!;
  return `${KEY_ROOT}/${resourcePrefix(group, m[2]!)}/${m[3]}`;
}
