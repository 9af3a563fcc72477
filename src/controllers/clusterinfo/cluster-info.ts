// kube-public/cluster-info, as kubeadm's bootstraptoken/clusterinfo phase writes it: a kubeconfig with only the
// cluster (the CA and the API server's address, no name, no users) that a joining node or client can read before
// it has credentials. Written at start, and rewritten when the address or CA changed since (a new port). As kubeadm,
// the Role and RoleBinding `kubeadm:bootstrap-signer-clusterinfo` let system:anonymous get it (and nothing else).
import { stringify } from 'yaml';
import { isAlreadyExists, isNotFound, isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import type { KubeClient } from '../../client/client.js';
import { builtin } from '../../client/resources.js';
import type { ConfigMap } from '../../api/core.js';

export const CLUSTER_INFO_NAMESPACE = 'kube-public';
export const CLUSTER_INFO_NAME = 'cluster-info';
export const KUBECONFIG_KEY = 'kubeconfig';

/** The kubeconfig clientcmd writes for a config with one unnamed cluster and nothing else (keys in its order). */
export function clusterInfoKubeconfig(server: string, caPem: string): string {
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(caPem, 'utf8').toString('base64'), server }, name: '' }],
    contexts: null,
    'current-context': '',
    kind: 'Config',
    preferences: {},
    users: null,
  }, { lineWidth: 0, indentSeq: false });
}

export const CLUSTER_INFO_RBAC_NAME = 'kubeadm:bootstrap-signer-clusterinfo';

/** CreateClusterInfoRBACRules: anonymous users may get cluster-info; left as they are once they exist. */
async function ensureClusterInfoAccess(client: KubeClient): Promise<void> {
  const metadata = { name: CLUSTER_INFO_RBAC_NAME, namespace: CLUSTER_INFO_NAMESPACE };
  const objects: [typeof builtin.roles, Record<string, unknown>][] = [
    [builtin.roles, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: [CLUSTER_INFO_NAME] }] }],
    [builtin.roleBindings, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CLUSTER_INFO_RBAC_NAME },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }],
    }],
  ];
  for (const [resource, obj] of objects) {
    try {
      await client.create(resource, obj as never, { namespace: CLUSTER_INFO_NAMESPACE });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
}

export async function ensureClusterInfo(client: KubeClient, opts: { server: string; caPem: string }): Promise<void> {
  await ensureClusterInfoAccess(client);
  const kubeconfig = clusterInfoKubeconfig(opts.server, opts.caPem);
  for (;;) {
    let cm: ConfigMap | undefined;
    try {
      cm = await client.get<ConfigMap>(builtin.configMaps, CLUSTER_INFO_NAME, { namespace: CLUSTER_INFO_NAMESPACE });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    try {
      if (!cm) {
        await client.create(builtin.configMaps, {
          apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CLUSTER_INFO_NAME, namespace: CLUSTER_INFO_NAMESPACE }, data: { [KUBECONFIG_KEY]: kubeconfig },
        });
      } else if (cm.data?.[KUBECONFIG_KEY] !== kubeconfig) {
        await client.update(builtin.configMaps, { ...cm, data: { ...(cm.data ?? {}), [KUBECONFIG_KEY]: kubeconfig } });
      }
      return;
    } catch (e) {
      // someone else wrote it meanwhile: look again
      if (!isAlreadyExistsOrConflict(e)) throw e;
    }
  }
}
