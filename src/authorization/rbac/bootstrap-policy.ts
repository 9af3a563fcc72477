// The default roles and bindings every cluster starts with, after upstream's bootstrap policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy: policy.go, controller_policy.go, namespace_policy.go) at v1.33
// with its default feature gates. Each object carries the `kubernetes.io/bootstrapping: rbac-defaults` label and the
// `rbac.authorization.kubernetes.io/autoupdate: "true"` annotation; reconcile.ts keeps them present at every start.
import type { KubeObject } from '../../apimachinery/types.js';
import { RBAC_GROUP } from './index.js';
import type { PolicyRule } from './rules.js';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_WRITE = [...READ, ...WRITE];

const core = '';
const apps = 'apps';
const authn = 'authentication.k8s.io';
const authz = 'authorization.k8s.io';
const autoscaling = 'autoscaling';
const batch = 'batch';
const certificates = 'certificates.k8s.io';
const coordination = 'coordination.k8s.io';
const discovery = 'discovery.k8s.io';
const extensions = 'extensions';
const policy = 'policy';
const storage = 'storage.k8s.io';
const networking = 'networking.k8s.io';
const events = 'events.k8s.io';

/** rbacv1helpers.NewRule(verbs…).Groups(…).Resources(…).Names(…) / .URLs(…) */
class Rule {
  private readonly rule: PolicyRule;
  constructor(verbs: string[]) {
    this.rule = { verbs: [...verbs] };
  }
  groups(...g: string[]) { this.rule.apiGroups = g; return this; }
  resources(...r: string[]) { this.rule.resources = r; return this; }
  names(...n: string[]) { this.rule.resourceNames = n; return this; }
  urls(...u: string[]) { this.rule.nonResourceURLs = u; return this; }
  get(): PolicyRule {
    // upstream's RuleOrDie sorts each list (the objects are stored as the yaml fixtures show them)
    const r = this.rule;
    const sorted: PolicyRule = { verbs: [...r.verbs].sort() };
    if (r.apiGroups) sorted.apiGroups = [...r.apiGroups];
    if (r.resources) sorted.resources = [...r.resources].sort();
    if (r.resourceNames) sorted.resourceNames = [...r.resourceNames].sort();
    if (r.nonResourceURLs) sorted.nonResourceURLs = [...r.nonResourceURLs].sort();
    return sorted;
  }
}
const rule = (...verbs: string[]) => new Rule(verbs);
const eventsRule = () => rule('create', 'update', 'patch').groups(core, events).resources('events').get();

export const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

function meta(name: string, namespace?: string, labels: Record<string, string> = {}): KubeObject['metadata'] {
  return {
    name, ...(namespace ? { namespace } : {}),
    labels: { ...BOOTSTRAP_LABELS, ...labels }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
  };
}

function clusterRole(name: string, rules: PolicyRule[], extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): KubeObject {
  const obj: KubeObject = { apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: meta(name, undefined, extra.labels) };
  if (extra.aggregateFrom) obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: 'true' } }] };
  else obj.rules = rules;
  return obj;
}

type SubjectSpec = { kind: 'User' | 'Group'; name: string } | { kind: 'ServiceAccount'; name: string; namespace: string };

function subjectOf(s: SubjectSpec) {
  return s.kind === 'ServiceAccount' ? { kind: s.kind, name: s.name, namespace: s.namespace } : { kind: s.kind, apiGroup: RBAC_GROUP, name: s.name };
}

function clusterBinding(role: string, ...subjects: SubjectSpec[]): KubeObject {
  const obj: KubeObject = {
    apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRoleBinding', metadata: meta(role),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
  };
  if (subjects.length) obj.subjects = subjects.map(subjectOf);
  return obj;
}

const user = (name: string): SubjectSpec => ({ kind: 'User', name });
const group = (name: string): SubjectSpec => ({ kind: 'Group', name });
const sa = (namespace: string, name: string): SubjectSpec => ({ kind: 'ServiceAccount', namespace, name });

const AGG_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
const AGG_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
const AGG_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

/** NodeRules: what the Node authorizer lets a node do beyond the objects its pods reference. */
export function nodeRules(): PolicyRule[] {
  return [
    rule('create').groups(authn).resources('tokenreviews').get(),
    rule('create').groups(authz).resources('subjectaccessreviews', 'localsubjectaccessreviews').get(),
    rule(...READ).groups(core).resources('services').get(),
    rule('create', 'get', 'list', 'watch').groups(core).resources('nodes').get(),
    rule('update', 'patch').groups(core).resources('nodes/status').get(),
    rule('update', 'patch').groups(core).resources('nodes').get(),
    rule('create', 'update', 'patch').groups(core).resources('events').get(),
    rule(...READ).groups(core).resources('pods').get(),
    rule('create', 'delete').groups(core).resources('pods').get(),
    rule('update', 'patch').groups(core).resources('pods/status').get(),
    rule('create').groups(core).resources('pods/eviction').get(),
    rule('get', 'list', 'watch').groups(core).resources('secrets', 'configmaps').get(),
    rule('get').groups(core).resources('persistentvolumeclaims', 'persistentvolumes').get(),
    rule('get').groups(core).resources('endpoints').get(),
    rule('create', 'get', 'list', 'watch').groups(certificates).resources('certificatesigningrequests').get(),
    rule('get', 'create', 'update', 'patch', 'delete').groups(coordination).resources('leases').get(),
    rule('get').groups(storage).resources('volumeattachments').get(),
    rule('create').groups(core).resources('serviceaccounts/token').get(),
    rule('get', 'update', 'patch').groups(core).resources('persistentvolumeclaims/status').get(),
    rule('get', 'watch', 'list').groups(storage).resources('csidrivers').get(),
    rule('get', 'create', 'update', 'patch', 'delete').groups(storage).resources('csinodes').get(),
    rule('get', 'list', 'watch').groups('node.k8s.io').resources('runtimeclasses').get(),
  ];
}

function clusterRoles(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [rule('*').groups('*').resources('*').get(), rule('*').urls('*').get()]),
    clusterRole('system:discovery', [rule('get').urls('/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*').get()]),
    clusterRole('system:monitoring', [rule('get').urls('/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*').get()]),
    clusterRole('system:basic-user', [
      rule('create').groups(authz).resources('selfsubjectaccessreviews', 'selfsubjectrulesreviews').get(),
      rule('create').groups(authn).resources('selfsubjectreviews').get(),
    ]),
    clusterRole('system:public-info-viewer', [rule('get').urls('/livez', '/readyz', '/healthz', '/version', '/version/').get()]),
    clusterRole('admin', [], { aggregateFrom: AGG_ADMIN }),
    clusterRole('edit', [], { labels: { [AGG_ADMIN]: 'true' }, aggregateFrom: AGG_EDIT }),
    clusterRole('view', [], { labels: { [AGG_EDIT]: 'true' }, aggregateFrom: AGG_VIEW }),
    clusterRole('system:aggregate-to-admin', [
      rule('create').groups(authz).resources('localsubjectaccessreviews').get(),
      rule(...READ_WRITE).groups(RBAC_GROUP).resources('roles', 'rolebindings').get(),
    ], { labels: { [AGG_ADMIN]: 'true' } }),
    clusterRole('system:aggregate-to-edit', [
      rule(...READ).groups(core).resources('pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy').get(),
      rule('impersonate').groups(core).resources('serviceaccounts').get(),
      rule(...WRITE).groups(core).resources('pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward').get(),
      rule('create').groups(core).resources('pods/eviction').get(),
      rule(...WRITE).groups(core).resources('replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy',
        'persistentvolumeclaims', 'configmaps', 'secrets', 'events').get(),
      rule('create').groups(core).resources('serviceaccounts/token').get(),
      rule(...WRITE).groups(apps).resources('statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback',
        'replicasets', 'replicasets/scale').get(),
      rule(...WRITE).groups(autoscaling).resources('horizontalpodautoscalers').get(),
      rule(...WRITE).groups(batch).resources('jobs', 'cronjobs').get(),
      rule(...WRITE).groups(extensions).resources('daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets',
        'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies').get(),
      rule(...WRITE).groups(policy).resources('poddisruptionbudgets').get(),
      rule(...WRITE).groups(networking).resources('networkpolicies', 'ingresses').get(),
    ], { labels: { [AGG_EDIT]: 'true' } }),
    clusterRole('system:aggregate-to-view', [
      rule(...READ).groups(core).resources('pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status',
        'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps').get(),
      rule(...READ).groups(core).resources('limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status',
        'replicationcontrollers/status', 'pods/log').get(),
      rule(...READ).groups(core).resources('namespaces').get(),
      rule(...READ).groups(discovery).resources('endpointslices').get(),
      rule(...READ).groups(apps).resources('controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status',
        'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale').get(),
      rule(...READ).groups(autoscaling).resources('horizontalpodautoscalers', 'horizontalpodautoscalers/status').get(),
      rule(...READ).groups(batch).resources('jobs', 'cronjobs', 'cronjobs/status', 'jobs/status').get(),
      rule(...READ).groups(extensions).resources('daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses',
        'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies').get(),
      rule(...READ).groups(policy).resources('poddisruptionbudgets', 'poddisruptionbudgets/status').get(),
      rule(...READ).groups(networking).resources('networkpolicies', 'ingresses', 'ingresses/status').get(),
    ], { labels: { [AGG_VIEW]: 'true' } }),
    clusterRole('system:heapster', [
      rule(...READ).groups(core).resources('events', 'pods', 'nodes', 'namespaces').get(),
      rule(...READ).groups(extensions).resources('deployments').get(),
    ]),
    clusterRole('system:node', nodeRules()),
    clusterRole('system:node-problem-detector', [
      rule('get').groups(core).resources('nodes').get(),
      rule('patch').groups(core).resources('nodes/status').get(),
      eventsRule(),
    ]),
    clusterRole('system:kubelet-api-admin', [
      rule('get', 'list', 'watch').groups(core).resources('nodes').get(),
      rule('proxy').groups(core).resources('nodes').get(),
      rule('*').groups(core).resources('nodes/proxy', 'nodes/metrics', 'nodes/stats', 'nodes/log').get(),
    ]),
    clusterRole('system:node-bootstrapper', [rule('create', 'get', 'list', 'watch').groups(certificates).resources('certificatesigningrequests').get()]),
    clusterRole('system:auth-delegator', [
      rule('create').groups(authn).resources('tokenreviews').get(),
      rule('create').groups(authz).resources('subjectaccessreviews').get(),
    ]),
    clusterRole('system:kube-aggregator', [rule(...READ).groups(core).resources('services', 'endpoints').get()]),
    clusterRole('system:kube-controller-manager', [
      eventsRule(),
      rule('create').groups(coordination).resources('leases').get(),
      rule('get', 'update').groups(coordination).resources('leases').names('kube-controller-manager').get(),
      rule('create').groups(core).resources('secrets', 'serviceaccounts').get(),
      rule('delete').groups(core).resources('secrets').get(),
      rule('get').groups(core).resources('namespaces', 'secrets', 'serviceaccounts', 'configmaps').get(),
      rule('update').groups(core).resources('secrets', 'serviceaccounts').get(),
      rule('create').groups(authn).resources('tokenreviews').get(),
      rule('create').groups(authz).resources('subjectaccessreviews').get(),
      rule('list', 'watch').groups('*').resources('*').get(),
      rule('create').groups(core).resources('serviceaccounts/token').get(),
    ]),
    clusterRole('system:kube-dns', [rule('list', 'watch').groups(core).resources('endpoints', 'services').get()]),
    clusterRole('system:persistent-volume-provisioner', [
      rule('get', 'list', 'watch', 'create', 'delete').groups(core).resources('persistentvolumes').get(),
      rule('get', 'list', 'watch', 'update').groups(core).resources('persistentvolumeclaims').get(),
      rule(...READ).groups(storage).resources('storageclasses').get(),
      rule('watch').groups(core).resources('events').get(),
      eventsRule(),
    ]),
    clusterRole('system:certificates.k8s.io:kubelet-serving-approver', [rule('approve').groups(certificates).resources('signers').names('kubernetes.io/kubelet-serving').get()]),
    clusterRole('system:certificates.k8s.io:kube-apiserver-client-approver', [rule('approve').groups(certificates).resources('signers').names('kubernetes.io/kube-apiserver-client').get()]),
    clusterRole('system:certificates.k8s.io:kube-apiserver-client-kubelet-approver', [rule('approve').groups(certificates).resources('signers').names('kubernetes.io/kube-apiserver-client-kubelet').get()]),
    clusterRole('system:certificates.k8s.io:legacy-unknown-approver', [rule('approve').groups(certificates).resources('signers').names('kubernetes.io/legacy-unknown').get()]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [rule('create').groups(certificates).resources('certificatesigningrequests/nodeclient').get()]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [rule('create').groups(certificates).resources('certificatesigningrequests/selfnodeclient').get()]),
    clusterRole('system:node-proxier', [
      rule('list', 'watch').groups(core).resources('services', 'endpoints').get(),
      rule('get', 'list', 'watch').groups(core).resources('nodes').get(),
      eventsRule(),
      rule('list', 'watch').groups(discovery).resources('endpointslices').get(),
    ]),
    clusterRole('system:kube-scheduler', [
      eventsRule(),
      rule('create').groups(coordination).resources('leases').get(),
      rule('get', 'update').groups(coordination).resources('leases').names('kube-scheduler').get(),
      rule(...READ).groups(core).resources('nodes').get(),
      rule('get', 'list', 'watch', 'delete').groups(core).resources('pods').get(),
      rule('create').groups(core).resources('pods/binding', 'bindings').get(),
      rule('patch', 'update').groups(core).resources('pods/status').get(),
      rule(...READ).groups(core).resources('replicationcontrollers', 'services').get(),
      rule(...READ).groups(apps, extensions).resources('replicasets').get(),
      rule(...READ).groups(apps).resources('statefulsets').get(),
      rule(...READ).groups(policy).resources('poddisruptionbudgets').get(),
      rule(...READ).groups(core).resources('persistentvolumeclaims', 'persistentvolumes').get(),
      rule('create').groups(authn).resources('tokenreviews').get(),
      rule('create').groups(authz).resources('subjectaccessreviews').get(),
      rule(...READ).groups(storage).resources('csinodes').get(),
      rule(...READ).groups(core).resources('namespaces').get(),
      rule(...READ).groups(storage).resources('csidrivers').get(),
      rule(...READ).groups(storage).resources('csistoragecapacities').get(),
    ]),
    clusterRole('system:volume-scheduler', [
      rule('get', 'list', 'watch', 'patch', 'update').groups(core).resources('persistentvolumes').get(),
      rule(...READ).groups(storage).resources('storageclasses').get(),
      rule('get', 'list', 'watch', 'patch', 'update').groups(core).resources('persistentvolumeclaims').get(),
    ]),
    clusterRole('system:service-account-issuer-discovery', [rule('get').urls('/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/').get()]),
  ];
}

function clusterRoleBindings(): KubeObject[] {
  return [
    clusterBinding('cluster-admin', group('system:masters')),
    clusterBinding('system:monitoring', group('system:monitoring')),
    clusterBinding('system:discovery', group('system:authenticated')),
    clusterBinding('system:basic-user', group('system:authenticated')),
    clusterBinding('system:public-info-viewer', group('system:authenticated'), group('system:unauthenticated')),
    clusterBinding('system:node-proxier', user('system:kube-proxy')),
    clusterBinding('system:kube-controller-manager', user('system:kube-controller-manager')),
    clusterBinding('system:kube-dns', sa('kube-system', 'kube-dns')),
    clusterBinding('system:kube-scheduler', user('system:kube-scheduler')),
    clusterBinding('system:volume-scheduler', user('system:kube-scheduler')),
    clusterBinding('system:node'),
    clusterBinding('system:service-account-issuer-discovery', group('system:serviceaccounts')),
  ];
}

/** controller_policy.go: one role per kube-controller-manager controller, bound to its service account in kube-system. */
export const CONTROLLER_ROLES: Record<string, PolicyRule[]> = {
  'attachdetach-controller': [
    rule('list', 'watch').groups(core).resources('persistentvolumes', 'persistentvolumeclaims').get(),
    rule(...READ).groups(core).resources('nodes').get(),
    rule('patch', 'update').groups(core).resources('nodes/status').get(),
    rule('list', 'watch').groups(core).resources('pods').get(),
    eventsRule(),
    rule('get', 'create', 'delete', 'list', 'watch').groups(storage).resources('volumeattachments').get(),
    rule('get', 'watch', 'list').groups(storage).resources('csidrivers').get(),
    rule('get', 'watch', 'list').groups(storage).resources('csinodes').get(),
  ],
  'clusterrole-aggregation-controller': [rule('escalate', 'get', 'list', 'watch', 'update', 'patch').groups(RBAC_GROUP).resources('clusterroles').get()],
  'cronjob-controller': [
    rule('get', 'list', 'watch', 'update').groups(batch).resources('cronjobs').get(),
    rule('get', 'list', 'watch', 'create', 'update', 'delete', 'patch').groups(batch).resources('jobs').get(),
    rule('update').groups(batch).resources('cronjobs/status').get(),
    rule('update').groups(batch).resources('cronjobs/finalizers').get(),
    rule('list', 'delete').groups(core).resources('pods').get(),
    eventsRule(),
  ],
  'daemon-set-controller': [
    rule(...READ).groups(extensions, apps).resources('daemonsets').get(),
    rule('update').groups(extensions, apps).resources('daemonsets/status').get(),
    rule('update').groups(extensions, apps).resources('daemonsets/finalizers').get(),
    rule('list', 'watch').groups(core).resources('nodes').get(),
    rule('list', 'watch', 'create', 'delete', 'patch').groups(core).resources('pods').get(),
    rule('create').groups(core).resources('pods/binding').get(),
    rule('get', 'list', 'watch', 'create', 'delete', 'update', 'patch').groups(apps).resources('controllerrevisions').get(),
    eventsRule(),
  ],
  'deployment-controller': [
    rule('get', 'list', 'watch', 'update').groups(extensions, apps).resources('deployments').get(),
    rule('update').groups(extensions, apps).resources('deployments/status').get(),
    rule('update').groups(extensions, apps).resources('deployments/finalizers').get(),
    rule('get', 'list', 'watch', 'create', 'update', 'patch', 'delete').groups(apps, extensions).resources('replicasets').get(),
    rule('get', 'list', 'watch', 'update').groups(core).resources('pods').get(),
    eventsRule(),
  ],
  'disruption-controller': [
    rule(...READ).groups(extensions, apps).resources('deployments').get(),
    rule(...READ).groups(apps, extensions).resources('replicasets').get(),
    rule(...READ).groups(core).resources('replicationcontrollers').get(),
    rule(...READ).groups(policy).resources('poddisruptionbudgets').get(),
    rule(...READ).groups(apps).resources('statefulsets').get(),
    rule('update').groups(policy).resources('poddisruptionbudgets/status').get(),
    rule('patch', 'update').groups(core).resources('pods/status').get(),
    rule('get').groups('*').resources('*/scale').get(),
    eventsRule(),
  ],
  'endpoint-controller': [
    rule(...READ).groups(core).resources('services', 'pods').get(),
    rule('get', 'list', 'create', 'update', 'delete').groups(core).resources('endpoints').get(),
    rule('create').groups(core).resources('endpoints/restricted').get(),
    eventsRule(),
  ],
  'endpointslice-controller': [
    rule(...READ).groups(core).resources('services', 'pods', 'nodes').get(),
    rule('update').groups(core).resources('services/finalizers').get(),
    rule('get', 'list', 'create', 'update', 'delete').groups(discovery).resources('endpointslices').get(),
    eventsRule(),
  ],
  'endpointslicemirroring-controller': [
    rule(...READ).groups(core).resources('services', 'endpoints').get(),
    rule('update').groups(core).resources('services/finalizers').get(),
    rule('update').groups(core).resources('endpoints/finalizers').get(),
    rule('get', 'list', 'create', 'update', 'delete').groups(discovery).resources('endpointslices').get(),
    eventsRule(),
  ],
  'expand-controller': [
    rule('get', 'list', 'watch', 'update', 'patch').groups(core).resources('persistentvolumes').get(),
    rule('update', 'patch').groups(core).resources('persistentvolumeclaims/status').get(),
    rule(...READ).groups(core).resources('persistentvolumeclaims').get(),
    rule(...READ).groups(storage).resources('storageclasses').get(),
    rule('get').groups(core).resources('services', 'endpoints').get(),
    rule('get').groups(core).resources('secrets').get(),
    eventsRule(),
  ],
  'ephemeral-volume-controller': [
    rule(...READ).groups(core).resources('pods').get(),
    rule('update').groups(core).resources('pods/finalizers').get(),
    rule('get', 'list', 'watch', 'create').groups(core).resources('persistentvolumeclaims').get(),
    eventsRule(),
  ],
  'generic-garbage-collector': [rule('get', 'list', 'watch', 'patch', 'update', 'delete').groups('*').resources('*').get(), eventsRule()],
  'horizontal-pod-autoscaler': [
    rule(...READ).groups(autoscaling).resources('horizontalpodautoscalers').get(),
    rule('update').groups(autoscaling).resources('horizontalpodautoscalers/status').get(),
    rule('get', 'update').groups('*').resources('*/scale').get(),
    rule('list').groups(core).resources('pods').get(),
    rule('list').groups('metrics.k8s.io').resources('pods').get(),
    rule('get', 'list').groups('custom.metrics.k8s.io').resources('*').get(),
    rule('get', 'list').groups('external.metrics.k8s.io').resources('*').get(),
    eventsRule(),
  ],
  'job-controller': [
    rule('get', 'list', 'watch', 'update', 'patch').groups(batch).resources('jobs').get(),
    rule('update').groups(batch).resources('jobs/status').get(),
    rule('update').groups(batch).resources('jobs/finalizers').get(),
    rule('list', 'watch', 'create', 'delete', 'patch').groups(core).resources('pods').get(),
    eventsRule(),
  ],
  'namespace-controller': [
    rule('get', 'list', 'watch', 'delete').groups(core).resources('namespaces').get(),
    rule('update').groups(core).resources('namespaces/finalize', 'namespaces/status').get(),
    rule('get', 'list', 'delete', 'deletecollection').groups('*').resources('*').get(),
  ],
  'node-controller': [
    rule('get', 'list', 'update', 'delete', 'patch').groups(core).resources('nodes').get(),
    rule('patch', 'update').groups(core).resources('nodes/status').get(),
    rule('patch', 'update').groups(core).resources('pods/status').get(),
    rule('list', 'get', 'delete').groups(core).resources('pods').get(),
    eventsRule(),
  ],
  'persistent-volume-binder': [
    rule('get', 'list', 'watch', 'update', 'create', 'delete').groups(core).resources('persistentvolumes').get(),
    rule('update').groups(core).resources('persistentvolumes/status').get(),
    rule('get', 'list', 'watch', 'update').groups(core).resources('persistentvolumeclaims').get(),
    rule('update').groups(core).resources('persistentvolumeclaims/status').get(),
    rule('list', 'watch', 'get', 'create', 'delete').groups(core).resources('pods').get(),
    rule(...READ).groups(storage).resources('storageclasses').get(),
    rule('get', 'create', 'update', 'delete').groups(core).resources('endpoints').get(),
    rule('get', 'create', 'delete').groups(core).resources('services').get(),
    rule('get').groups(core).resources('secrets').get(),
    rule('get', 'list').groups(core).resources('nodes').get(),
    rule('watch').groups(core).resources('events').get(),
    eventsRule(),
  ],
  'pod-garbage-collector': [
    rule('list', 'watch', 'delete').groups(core).resources('pods').get(),
    rule('get', 'list').groups(core).resources('nodes').get(),
    rule('patch').groups(core).resources('pods/status').get(),
  ],
  'replicaset-controller': [
    rule('get', 'list', 'watch', 'update').groups(apps, extensions).resources('replicasets').get(),
    rule('update').groups(apps, extensions).resources('replicasets/status').get(),
    rule('update').groups(apps, extensions).resources('replicasets/finalizers').get(),
    rule('list', 'watch', 'patch', 'create', 'delete').groups(core).resources('pods').get(),
    eventsRule(),
  ],
  'replication-controller': [
    rule('get', 'list', 'watch', 'update').groups(core).resources('replicationcontrollers').get(),
    rule('update').groups(core).resources('replicationcontrollers/status').get(),
    rule('update').groups(core).resources('replicationcontrollers/finalizers').get(),
    rule('list', 'watch', 'patch', 'create', 'delete').groups(core).resources('pods').get(),
    eventsRule(),
  ],
  'resourcequota-controller': [
    rule('list', 'watch').groups('*').resources('*').get(),
    rule('update').groups(core).resources('resourcequotas/status').get(),
    eventsRule(),
  ],
  'route-controller': [
    rule('list', 'watch').groups(core).resources('nodes').get(),
    rule('patch').groups(core).resources('nodes/status').get(),
    eventsRule(),
  ],
  'service-account-controller': [rule('create').groups(core).resources('serviceaccounts').get(), eventsRule()],
  'service-controller': [
    rule(...READ).groups(core).resources('services').get(),
    rule('patch', 'update').groups(core).resources('services/status').get(),
    rule('list', 'watch').groups(core).resources('nodes').get(),
    eventsRule(),
  ],
  'statefulset-controller': [
    rule('list', 'watch').groups(core).resources('pods').get(),
    rule(...READ).groups(apps).resources('statefulsets').get(),
    rule('update').groups(apps).resources('statefulsets/status').get(),
    rule('update').groups(apps).resources('statefulsets/finalizers').get(),
    rule('get', 'create', 'delete', 'update', 'patch').groups(core).resources('pods').get(),
    rule('get', 'create', 'delete', 'update', 'patch', 'list', 'watch').groups(apps).resources('controllerrevisions').get(),
    rule('get', 'create').groups(core).resources('persistentvolumeclaims').get(),
    eventsRule(),
    rule('update', 'delete').groups(core).resources('persistentvolumeclaims').get(),
  ],
  'ttl-controller': [rule('update', 'patch', 'list', 'watch').groups(core).resources('nodes').get(), eventsRule()],
  'certificate-controller': [
    rule('get', 'list', 'watch', 'delete').groups(certificates).resources('certificatesigningrequests').get(),
    rule('update').groups(certificates).resources('certificatesigningrequests/status', 'certificatesigningrequests/approval').get(),
    rule('approve').groups(certificates).resources('signers').names('kubernetes.io/kube-apiserver-client-kubelet').get(),
    rule('sign').groups(certificates).resources('signers').names('kubernetes.io/legacy-unknown', 'kubernetes.io/kube-apiserver-client',
      'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving').get(),
    rule('create').groups(authz).resources('subjectaccessreviews').get(),
    eventsRule(),
  ],
  'pvc-protection-controller': [
    rule('get', 'list', 'watch', 'update').groups(core).resources('persistentvolumeclaims').get(),
    rule('list', 'watch', 'get').groups(core).resources('pods').get(),
    eventsRule(),
  ],
  'pv-protection-controller': [rule('get', 'list', 'watch', 'update').groups(core).resources('persistentvolumes').get(), eventsRule()],
  'ttl-after-finished-controller': [rule('get', 'list', 'watch', 'delete').groups(batch).resources('jobs').get(), eventsRule()],
  'root-ca-cert-publisher': [rule('create', 'update').groups(core).resources('configmaps').get(), eventsRule()],
  'legacy-service-account-token-cleaner': [
    rule('get').groups(core).resources('configmaps').names('kube-apiserver-legacy-service-account-token-tracking').get(),
    rule('patch', 'delete').groups(core).resources('secrets').get(),
  ],
  'validatingadmissionpolicy-status-controller': [
    rule(...READ).groups('admissionregistration.k8s.io').resources('validatingadmissionpolicies').get(),
    rule('get', 'patch', 'update').groups('admissionregistration.k8s.io').resources('validatingadmissionpolicies/status').get(),
    eventsRule(),
  ],
};

/** Roles and bindings inside namespaces (namespace_policy.go). */
function namespacedObjects(): KubeObject[] {
  const role = (ns: string, name: string, rules: PolicyRule[]): KubeObject => ({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'Role', metadata: meta(name, ns), rules });
  const binding = (ns: string, name: string, roleName: string, ...subjects: SubjectSpec[]): KubeObject => ({
    apiVersion: `${RBAC_GROUP}/v1`, kind: 'RoleBinding', metadata: meta(name, ns),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: roleName }, subjects: subjects.map(subjectOf),
  });
  return [
    role('kube-system', 'extension-apiserver-authentication-reader', [rule(...READ).groups(core).resources('configmaps').names('extension-apiserver-authentication').get()]),
    role('kube-system', 'system::leader-locking-kube-controller-manager', [
      rule('watch').groups(core).resources('configmaps').get(),
      rule('get', 'update').groups(core).resources('configmaps').names('kube-controller-manager').get(),
    ]),
    role('kube-system', 'system::leader-locking-kube-scheduler', [
      rule('watch').groups(core).resources('configmaps').get(),
      rule('get', 'update').groups(core).resources('configmaps').names('kube-scheduler').get(),
    ]),
    role('kube-system', 'system:controller:bootstrap-signer', [rule(...READ).groups(core).resources('secrets').get()]),
    role('kube-system', 'system:controller:cloud-provider', [rule('create', 'get', 'list', 'watch').groups(core).resources('configmaps').get()]),
    role('kube-system', 'system:controller:token-cleaner', [rule('delete', 'get', 'list', 'watch').groups(core).resources('secrets').get(), eventsRule()]),
    role('kube-public', 'system:controller:bootstrap-signer', [
      rule(...READ).groups(core).resources('configmaps').get(),
      rule('update').groups(core).resources('configmaps').names('cluster-info').get(),
      eventsRule(),
    ]),
    binding('kube-system', 'system::extension-apiserver-authentication-reader', 'extension-apiserver-authentication-reader',
      user('system:kube-controller-manager'), user('system:kube-scheduler')),
    binding('kube-system', 'system::leader-locking-kube-controller-manager', 'system::leader-locking-kube-controller-manager',
      user('system:kube-controller-manager'), sa('kube-system', 'kube-controller-manager')),
    binding('kube-system', 'system::leader-locking-kube-scheduler', 'system::leader-locking-kube-scheduler', user('system:kube-scheduler'), sa('kube-system', 'kube-scheduler')),
    binding('kube-system', 'system:controller:bootstrap-signer', 'system:controller:bootstrap-signer', sa('kube-system', 'bootstrap-signer')),
    binding('kube-system', 'system:controller:cloud-provider', 'system:controller:cloud-provider', sa('kube-system', 'cloud-provider')),
    binding('kube-system', 'system:controller:token-cleaner', 'system:controller:token-cleaner', sa('kube-system', 'token-cleaner')),
    binding('kube-public', 'system:controller:bootstrap-signer', 'system:controller:bootstrap-signer', sa('kube-system', 'bootstrap-signer')),
  ];
}

/**
 * What the cluster's add-ons run as, as kubeadm and minikube set them up (not kube-apiserver's own policy): CoreDNS's
 * system:coredns role for ServiceAccount kube-system/coredns, and the local provisioner's ServiceAccount bound to the
 * bootstrap role system:persistent-volume-provisioner (minikube's storage-provisioner binding) and, as it also grows
 * volumes, to a role like the CSI external-resizer's (which patches; Berth's provisioner updates).
 */
function addonPolicy(): Pick<BootstrapPolicy, 'clusterRoles' | 'clusterRoleBindings'> {
  const provisioner = clusterBinding('system:persistent-volume-provisioner', sa('kube-system', 'berth-local-provisioner'));
  provisioner.metadata.name = 'berth:local-provisioner';
  const resizer = clusterBinding('berth:local-volume-resizer', sa('kube-system', 'berth-local-provisioner'));
  return {
    clusterRoles: [clusterRole('system:coredns', [
      rule('list', 'watch').groups(core).resources('endpoints', 'services', 'pods', 'namespaces').get(),
      rule('list', 'watch').groups(discovery).resources('endpointslices').get(),
    ]), clusterRole('berth:local-volume-resizer', [
      rule('get', 'list', 'watch', 'patch', 'update').groups(core).resources('persistentvolumes').get(),
      rule('patch', 'update').groups(core).resources('persistentvolumeclaims/status').get(),
      eventsRule(),
    ])],
    clusterRoleBindings: [clusterBinding('system:coredns', sa('kube-system', 'coredns')), provisioner, resizer],
  };
}

/** The group bootstrap tokens made by `berth token create` carry (kubeadm's), allowed to request node certificates. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';

export interface BootstrapPolicy {
  clusterRoles: KubeObject[];
  clusterRoleBindings: KubeObject[];
  /** Roles and RoleBindings in kube-system and kube-public. */
  namespaced: KubeObject[];
}

export function bootstrapPolicy(): BootstrapPolicy {
  const controllerRoles = Object.entries(CONTROLLER_ROLES).map(([name, rules]) => clusterRole(`system:controller:${name}`, rules));
  const controllerBindings = Object.keys(CONTROLLER_ROLES).map((name) => clusterBinding(`system:controller:${name}`, sa('kube-system', name)));
  // what kubeadm adds for nodes joining with a bootstrap token
  const kubeletBootstrap = clusterBinding('system:node-bootstrapper', group(DEFAULT_NODE_TOKEN_GROUP));
  kubeletBootstrap.metadata.name = 'kubeadm:kubelet-bootstrap';
  // kubeadm's auto-approval: the csrapproving controller approves node client CSRs of the token's group, and
  // renewals by a node of its own certificate
  const autoApprove = clusterBinding('system:certificates.k8s.io:certificatesigningrequests:nodeclient', group(DEFAULT_NODE_TOKEN_GROUP));
  autoApprove.metadata.name = 'kubeadm:node-autoapprove-bootstrap';
  const autoRenew = clusterBinding('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', group('system:nodes'));
  autoRenew.metadata.name = 'kubeadm:node-autoapprove-certificate-rotation';
  const addons = addonPolicy();
  return {
    clusterRoles: [...clusterRoles(), ...controllerRoles, ...addons.clusterRoles],
    clusterRoleBindings: [...clusterRoleBindings(), ...controllerBindings, kubeletBootstrap, autoApprove, autoRenew, ...addons.clusterRoleBindings],
    namespaced: namespacedObjects(),
  };
}
