// The bootstrap signer (pkg/controller/bootstrap/bootstrapsigner.go): kube-public/cluster-info carries, for every
// bootstrap token that may sign (usage-bootstrap-signing: "true", not expired), a detached JWS of its kubeconfig
// under `jws-kubeconfig-<token id>`; signatures of tokens that are gone or expired are removed. A node joining with
// such a token verifies the CA it discovers through cluster-info with it (kubeadm join's token discovery).
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import type { ConfigMap, Secret } from '../../api/core.js';
import { BOOTSTRAP_TOKEN_SECRET_TYPE, isTokenExpired, tokenExpiration, tokenField } from '../../authentication/bootstrap-token.js';
import { computeDetachedSignature, JWS_KEY_PREFIX } from '../../authentication/bootstrap-jws.js';
import { CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE, KUBECONFIG_KEY } from '../clusterinfo/cluster-info.js';
import { QueueController, type QueueControllerOptions } from '../common/queue-controller.js';

const TOKEN_SECRET_PREFIX = 'bootstrap-token-';
const TOKEN_ID = /^[a-z0-9]{6}$/;
const TOKEN_SECRET = /^[a-z0-9]{16}$/;

/** validateSecretForSigning: the token id and secret of a Secret that may sign, or undefined. */
export function signingToken(secret: Secret, now: number): { id: string; secret: string } | undefined {
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata.deletionTimestamp) return undefined;
  const id = tokenField(secret, 'token-id'), tokenSecret = tokenField(secret, 'token-secret');
  if (!TOKEN_ID.test(id) || !TOKEN_SECRET.test(tokenSecret) || secret.metadata.name !== `${TOKEN_SECRET_PREFIX}${id}`) return undefined;
  if (isTokenExpired(secret, now) || tokenField(secret, 'usage-bootstrap-signing') !== 'true') return undefined;
  return { id, secret: tokenSecret };
}

export class BootstrapSigner extends QueueController {
  private readonly configMaps: SharedInformer<ConfigMap>;
  private readonly secrets: SharedInformer<Secret>;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: QueueControllerOptions = {}) {
    super(client, 'bootstrap-signer', 'bootstrap_signer_queue', { workers: 1, ...opts });
    this.configMaps = factory.informerFor<ConfigMap>(builtin.configMaps, { namespace: CLUSTER_INFO_NAMESPACE });
    this.secrets = factory.informerFor<Secret>(builtin.secrets, { namespace: 'kube-system' });
    // one key: every change to cluster-info or to a token Secret means cluster-info is signed again
    const signAgain = () => this.queue.add(CLUSTER_INFO_NAME);
    this.configMaps.addEventHandler({ onAdd: (cm) => cm.metadata.name === CLUSTER_INFO_NAME && signAgain(), onUpdate: (_o, cm) => cm.metadata.name === CLUSTER_INFO_NAME && signAgain() });
    const tokenChanged = (s: Secret) => s.type === BOOTSTRAP_TOKEN_SECRET_TYPE && signAgain();
    this.secrets.addEventHandler({ onAdd: tokenChanged, onUpdate: (_o, s) => tokenChanged(s), onDelete: tokenChanged });
  }

  protected caches() {
    return [this.configMaps, this.secrets];
  }

  /** signConfigMap. */
  protected async sync(): Promise<ReconcileResult> {
    const cm = this.configMaps.store.getByName(CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME);
    const content = cm?.data?.[KUBECONFIG_KEY];
    if (!cm || content === undefined) return;
    const now = this.now();
    const data: Record<string, string> = Object.fromEntries(Object.entries(cm.data ?? {}).filter(([k]) => !k.startsWith(JWS_KEY_PREFIX)));
    let nextExpiry = Infinity;
    for (const s of this.secrets.store.list()) {
      const token = signingToken(s, now);
      if (!token) continue;
      data[`${JWS_KEY_PREFIX}${token.id}`] = computeDetachedSignature(content, token.id, token.secret);
      const expiration = tokenExpiration(s);
      if (expiration !== undefined) nextExpiry = Math.min(nextExpiry, expiration);
    }
    const same = JSON.stringify(Object.entries(data).sort()) === JSON.stringify(Object.entries(cm.data ?? {}).sort());
    if (!same) await this.client.update(builtin.configMaps, { ...cm, data });
    // an expiring token's signature goes when it expires (upstream's token cleaner deletes the Secret then)
    return Number.isFinite(nextExpiry) ? { requeueAfter: Math.min(nextExpiry - now + 1000, 2 ** 31 - 1) } : undefined;
  }
}
