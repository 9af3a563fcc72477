// How the client names a resource: group, version, plural resource and scope, plus the table of built-in kinds
// the controllers use.
export interface ResourceDescriptor {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
  /** Kind of the objects, used for event involvedObject and owner matching. */
  kind?: string;
}

const d = (group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceDescriptor =>
  ({ group, version, resource, kind, namespaced });

export const builtin = {
  pods: d('', 'v1', 'pods', 'Pod', true),
  services: d('', 'v1', 'services', 'Service', true),
  endpoints: d('', 'v1', 'endpoints', 'Endpoints', true),
  persistentVolumeClaims: d('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true),
  persistentVolumes: d('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  namespaces: d('', 'v1', 'namespaces', 'Namespace', false),
  nodes: d('', 'v1', 'nodes', 'Node', false),
  events: d('', 'v1', 'events', 'Event', true),
  configMaps: d('', 'v1', 'configmaps', 'ConfigMap', true),
  secrets: d('', 'v1', 'secrets', 'Secret', true),
  serviceAccounts: d('', 'v1', 'serviceaccounts', 'ServiceAccount', true),
  replicationControllers: d('', 'v1', 'replicationcontrollers', 'ReplicationController', true),
  resourceQuotas: d('', 'v1', 'resourcequotas', 'ResourceQuota', true),
  limitRanges: d('', 'v1', 'limitranges', 'LimitRange', true),
  statefulSets: d('apps', 'v1', 'statefulsets', 'StatefulSet', true),
  deployments: d('apps', 'v1', 'deployments', 'Deployment', true),
  replicaSets: d('apps', 'v1', 'replicasets', 'ReplicaSet', true),
  daemonSets: d('apps', 'v1', 'daemonsets', 'DaemonSet', true),
  controllerRevisions: d('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  certificateSigningRequests: d('certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', false),
  leases: d('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  endpointSlices: d('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  storageClasses: d('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false),
  roles: d('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  roleBindings: d('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  podDisruptionBudgets: d('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true),
  horizontalPodAutoscalers: d('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true),
  jobs: d('batch', 'v1', 'jobs', 'Job', true),
  cronJobs: d('batch', 'v1', 'cronjobs', 'CronJob', true),
  customResourceDefinitions: d('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
} as const satisfies Record<string, ResourceDescriptor>;

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(r: Pick<ResourceDescriptor, 'group' | 'version'>): string {
  return r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
}

/**
 * Path of a collection (no name) or an object, optionally a subresource. A namespaced resource without a
 * namespace addresses all namespaces (valid for list and watch only).
 */
export function resourcePath(r: ResourceDescriptor, namespace?: string, name?: string, subresource?: string): string {
  let p = groupVersionPath(r);
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** Human label `statefulsets.apps` for error messages. */
export function resourceLabel(r: ResourceDescriptor): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}
