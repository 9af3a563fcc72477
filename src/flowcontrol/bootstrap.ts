// The configuration objects every API server starts with: upstream's mandatory and suggested FlowSchemas and
// PriorityLevelConfigurations (k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap/default.go, v1.33 values).
import type { FlowSchemaSpec, PolicyRulesWithSubjects, PriorityLevelConfigurationSpec, ResourcePolicyRule, Subject } from './types.js';

/** Set on bootstrap objects; "true" lets the server keep their spec as it ships (ensurer). */
export const AUTO_UPDATE_ANNOTATION = 'apf.kubernetes.io/autoupdate-spec';

export interface BootstrapObject<Spec> { name: string; spec: Spec }

const group = (name: string): Subject => ({ kind: 'Group', group: { name } });
const user = (name: string): Subject => ({ kind: 'User', user: { name } });
const kubeSystemSA = (name: string): Subject => ({ kind: 'ServiceAccount', serviceAccount: { namespace: 'kube-system', name } });

const ALL_RESOURCES: ResourcePolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] };
const ALL_NON_RESOURCES = { verbs: ['*'], nonResourceURLs: ['*'] };

const limited = (shares: number, lendablePercent: number, queuing?: { queues: number; handSize: number; queueLengthLimit: number }): PriorityLevelConfigurationSpec => ({
  type: 'Limited',
  limited: { nominalConcurrencyShares: shares, lendablePercent, limitResponse: queuing ? { type: 'Queue', queuing } : { type: 'Reject' } },
});

const schema = (plName: string, precedence: number, distinguisher: 'ByUser' | 'ByNamespace' | undefined, ...rules: PolicyRulesWithSubjects[]): FlowSchemaSpec => ({
  priorityLevelConfiguration: { name: plName }, matchingPrecedence: precedence, ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}), rules,
});
const everything = (...subjects: Subject[]): PolicyRulesWithSubjects => ({ subjects, resourceRules: [ALL_RESOURCES], nonResourceRules: [ALL_NON_RESOURCES] });

export const MANDATORY_PRIORITY_LEVELS: BootstrapObject<PriorityLevelConfigurationSpec>[] = [
  { name: 'exempt', spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } } },
  { name: 'catch-all', spec: limited(5, 0) },
];

export const SUGGESTED_PRIORITY_LEVELS: BootstrapObject<PriorityLevelConfigurationSpec>[] = [
  { name: 'system', spec: limited(30, 33, { queues: 64, handSize: 6, queueLengthLimit: 50 }) },
  { name: 'node-high', spec: limited(40, 25, { queues: 64, handSize: 6, queueLengthLimit: 50 }) },
  { name: 'leader-election', spec: limited(10, 0, { queues: 16, handSize: 4, queueLengthLimit: 50 }) },
  { name: 'workload-high', spec: limited(40, 50, { queues: 128, handSize: 6, queueLengthLimit: 50 }) },
  { name: 'workload-low', spec: limited(100, 90, { queues: 128, handSize: 6, queueLengthLimit: 50 }) },
  { name: 'global-default', spec: limited(20, 50, { queues: 128, handSize: 6, queueLengthLimit: 50 }) },
];

export const MANDATORY_FLOW_SCHEMAS: BootstrapObject<FlowSchemaSpec>[] = [
  { name: 'exempt', spec: schema('exempt', 1, undefined, everything(group('system:masters'))) },
  { name: 'catch-all', spec: schema('catch-all', 10000, 'ByUser', everything(group('system:unauthenticated'), group('system:authenticated'))) },
];

const LEASES_GET_CREATE_UPDATE: ResourcePolicyRule = { verbs: ['get', 'create', 'update'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], namespaces: ['*'] };

export const SUGGESTED_FLOW_SCHEMAS: BootstrapObject<FlowSchemaSpec>[] = [
  {
    name: 'probes',
    spec: schema('exempt', 2, undefined, { subjects: [group('system:unauthenticated'), group('system:authenticated')], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }] }),
  },
  {
    name: 'system-leader-election',
    spec: schema('leader-election', 100, 'ByUser', { subjects: [user('system:kube-controller-manager'), user('system:kube-scheduler')], resourceRules: [LEASES_GET_CREATE_UPDATE] }),
  },
  {
    name: 'endpoint-controller',
    spec: schema('workload-high', 150, 'ByUser', {
      subjects: [user('system:kube-controller-manager'), kubeSystemSA('endpoint-controller'), kubeSystemSA('endpointslice-controller')],
      resourceRules: [{ verbs: ['get', 'create', 'update'], apiGroups: [''], resources: ['endpoints'], namespaces: ['*'] }],
    }),
  },
  {
    name: 'workload-leader-election',
    spec: schema('leader-election', 200, 'ByUser', { subjects: [kubeSystemSA('*')], resourceRules: [LEASES_GET_CREATE_UPDATE] }),
  },
  {
    name: 'system-node-high',
    spec: schema('node-high', 400, 'ByUser', {
      subjects: [group('system:nodes')],
      resourceRules: [
        { verbs: ['*'], apiGroups: [''], resources: ['nodes', 'nodes/status'], clusterScope: true },
        { verbs: ['*'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], namespaces: ['*'] },
      ],
    }),
  },
  { name: 'system-nodes', spec: schema('system', 500, 'ByUser', everything(group('system:nodes'))) },
  { name: 'kube-controller-manager', spec: schema('workload-high', 800, 'ByNamespace', everything(user('system:kube-controller-manager'))) },
  { name: 'kube-scheduler', spec: schema('workload-high', 800, 'ByNamespace', everything(user('system:kube-scheduler'))) },
  { name: 'kube-system-service-accounts', spec: schema('workload-high', 900, 'ByNamespace', everything(kubeSystemSA('*'))) },
  { name: 'service-accounts', spec: schema('workload-low', 9000, 'ByUser', everything(group('system:serviceaccounts'))) },
  { name: 'global-default', spec: schema('global-default', 9900, 'ByUser', everything(group('system:unauthenticated'), group('system:authenticated'))) },
];
