// Token discovery of the cluster CA, as `kubeadm join --discovery-token-ca-cert-hash` does it
// (cmd/kubeadm/app/discovery/token): read kube-public/cluster-info over a connection that does not verify the
// server yet (anonymous), check the JWS the bootstrap signer made of it with the bootstrap token, take the CA from its
// kubeconfig only if that CA's public key is one of the pinned ones, then read cluster-info again through a
// connection that trusts that CA (the server must hold its key).
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { KubeClient } from '../client/client.js';
import { builtin } from '../client/resources.js';
import type { ConfigMap } from '../api/core.js';
import { detachedSignatureIsValid, JWS_KEY_PREFIX } from '../authentication/bootstrap-jws.js';
import { CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE, KUBECONFIG_KEY } from '../controllers/clusterinfo/cluster-info.js';
import { publicKeyPin } from '../pki/pubkey-pin.js';

export interface TokenDiscoveryOptions {
  server: string;
  /** `<id>.<secret>`. */
  token: string;
  /** Accepted CA public key pins (`sha256:<hex>`). */
  pins: string[];
  userAgent: string;
  /** How long to wait for the signature to appear (the bootstrap signer may not have signed with a new token yet); kubeadm's default 5 min. */
  timeoutMs?: number;
}

/** The CA certificate (PEM) of the cluster at `server`, verified with the token and the pins. */
export async function discoverClusterCA(opts: TokenDiscoveryOptions): Promise<string> {
  const [id = '', secret = ''] = opts.token.split('.');
  const deadline = Date.now() + (opts.timeoutMs ?? 5 * 60_000);
  for (;;) {
    const cm = await readClusterInfo(opts.server, undefined, opts.userAgent);
    const kubeconfig = cm.data?.[KUBECONFIG_KEY];
    if (kubeconfig === undefined) throw new Error(`there is no ${KUBECONFIG_KEY} key in the ${CLUSTER_INFO_NAME} ConfigMap. This API Server isn't set up for token bootstrap, can't connect`);
    const signature = cm.data?.[`${JWS_KEY_PREFIX}${id}`];
    if (signature === undefined) {
      if (Date.now() > deadline) throw new Error(`token id ${JSON.stringify(id)} is invalid for this cluster or it has expired. Use "berth token create" on the control-plane node to create a new valid token`);
      await sleep(1000);
      continue;
    }
    if (!detachedSignatureIsValid(signature, kubeconfig, id, secret)) throw new Error('failed to verify JWS signature of received cluster info object, can\'t trust this API Server');
    const caPem = clusterCA(kubeconfig);
    const pin = publicKeyPin(caPem);
    if (!opts.pins.includes(pin)) throw new Error(`cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${pin}" are pinned`);
    // The server must prove it holds the CA's key: the same cluster-info again, through a connection that trusts it.
    const again = await readClusterInfo(opts.server, caPem, opts.userAgent);
    if (again.data?.[KUBECONFIG_KEY] !== kubeconfig) throw new Error(`${CLUSTER_INFO_NAME} changed while it was being verified; try again`);
    return caPem;
  }
}

async function readClusterInfo(server: string, caPem: string | undefined, userAgent: string): Promise<ConfigMap> {
  const connection = caPem ? { server, ca: caPem, namespace: 'default' } : { server, insecureSkipTlsVerify: true, namespace: 'default' };
  const client = new KubeClient({ connection, userAgent });
  try {
    return await client.get<ConfigMap>(builtin.configMaps, CLUSTER_INFO_NAME, { namespace: CLUSTER_INFO_NAMESPACE });
  } finally {
    await client.close();
  }
}

/** The CA of cluster-info's one cluster. */
function clusterCA(kubeconfig: string): string {
  const config = parse(kubeconfig) as { clusters?: { cluster?: { 'certificate-authority-data'?: string } }[] };
  const data = config.clusters?.[0]?.cluster?.['certificate-authority-data'];
  if (!data) throw new Error(`the ${CLUSTER_INFO_NAME} kubeconfig names no certificate authority`);
  return Buffer.from(data, 'base64').toString('utf8');
}
