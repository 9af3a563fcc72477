// kube-public/cluster-info, as kubeadm's bootstraptoken/clusterinfo phase writes it: a kubeconfig with only the
// cluster (the CA and the API server's address, no name, no users) that a joining node or client can read before
// it has credentials. Written at start, and rewritten when the address or CA changed since (a new port).
import { stringify } from 'yaml';
import { isNotFound, isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
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

export async function ensureClusterInfo(client: KubeClient, opts: { server: string; caPem: string }): Promise<void> {
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
