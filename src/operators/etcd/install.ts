// Installing the operator: the CRD on start (out of cluster, as etcd-operator v0.9 created its own CRD), and the
// manifest `berth operator etcd --print-manifest` prints for `kubectl apply -f`: CRD, ServiceAccount, ClusterRole,
// ClusterRoleBinding and a Deployment running `berth operator etcd` in the cluster.
import { stringify } from 'yaml';
import { isNotFound, isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import { sleep } from '../../client/http.js';
import { builtin } from '../../client/resources.js';
import { etcdClusterCRD } from './crd.js';
import { ETCD_CRD_NAME, ETCD_GROUP, etcdClusters } from './types.js';

/** Creates the EtcdCluster CRD if it is missing and waits until its resource is served. */
export async function ensureEtcdClusterCRD(client: KubeClient, timeoutMs = 30_000): Promise<'created' | 'exists'> {
  let outcome: 'created' | 'exists' = 'exists';
  try {
    await client.get(builtin.customResourceDefinitions, ETCD_CRD_NAME);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await client.create(builtin.customResourceDefinitions, etcdClusterCRD());
      outcome = 'created';
    } catch (err) {
      if (!isAlreadyExistsOrConflict(err)) throw err;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const crd = await client.get(builtin.customResourceDefinitions, ETCD_CRD_NAME);
      const conditions = ((crd.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions) ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) {
        await client.list(etcdClusters, { limit: 1 }); // served, not just accepted
        return outcome;
      }
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (Date.now() > deadline) throw new Error(`CRD ${ETCD_CRD_NAME} was not established within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface ManifestOptions {
  /** Namespace of the operator's ServiceAccount and Deployment (default 'default'). */
  namespace?: string;
  /** Image with the `berth` CLI (default 'ghcr.io/berth-dev/berth:0.1.0'). */
  image?: string;
  replicas?: number;
}

export const OPERATOR_NAME = 'etcd-operator';

/** The installable manifest as objects, in apply order. */
export function operatorManifest(opts: ManifestOptions = {}): KubeObject[] {
  const namespace = opts.namespace ?? 'default';
  const labels = { name: OPERATOR_NAME };
  const replicas = opts.replicas ?? 1;
  return [
    etcdClusterCRD(),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: OPERATOR_NAME, namespace } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: OPERATOR_NAME },
      rules: [
        { apiGroups: [ETCD_GROUP], resources: ['etcdclusters', 'etcdclusters/status'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
        { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'create'] },
        { apiGroups: [''], resources: ['pods', 'services', 'persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: OPERATOR_NAME },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME },
      subjects: [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace }],
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: OPERATOR_NAME, namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: OPERATOR_NAME,
            containers: [{
              name: OPERATOR_NAME,
              image: opts.image ?? 'ghcr.io/berth-dev/berth:0.1.0',
              command: ['berth', 'operator', 'etcd', '--in-cluster', ...(replicas > 1 ? ['--leader-elect'] : [])],
              env: [
                { name: 'MY_POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'MY_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/readyz', port: 8080 } },
              livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
            }],
          },
        },
      },
    },
  ];
}

export function operatorManifestYaml(opts: ManifestOptions = {}): string {
  return operatorManifest(opts).map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
}
