// The root CA publisher (pkg/controller/certificates/rootcacertpublisher/publisher.go): every namespace has the
// `kube-root-ca.crt` ConfigMap holding the cluster CA, so pods can verify kubernetes.default.svc; it is recreated
// when deleted and put back when edited. Keys are namespace names.
import { isNotFound } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { QueueController, type QueueControllerOptions } from '../common/queue-controller.js';
import { isNamespaceTerminating } from '../common/errors.js';
import type { ConfigMap } from '../../api/core.js';

export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the '
  + 'internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCACertPublisher extends QueueController {
  private readonly configMaps: SharedInformer<ConfigMap>;
  private readonly namespaces: SharedInformer<KubeObject>;

  /** `rootCA` is the PEM bundle published as `ca.crt`. */
  constructor(client: KubeClient, factory: SharedInformerFactory, private readonly rootCA: string, opts: QueueControllerOptions = {}) {
    super(client, 'root-ca-cert-publisher', 'root_ca_cert_publisher', { workers: 1, ...opts });
    this.configMaps = factory.informerFor<ConfigMap>(builtin.configMaps);
    this.namespaces = factory.informerFor<KubeObject>(builtin.namespaces);
    const ours = (cm: ConfigMap) => cm.metadata.name === ROOT_CA_CONFIG_MAP;
    this.configMaps.addEventHandler({
      onDelete: (cm) => { if (ours(cm)) this.queue.add(cm.metadata.namespace ?? ''); },
      onUpdate: (_old, cm) => { if (ours(cm)) this.queue.add(cm.metadata.namespace ?? ''); },
    });
    this.namespaces.addEventHandler(this.enqueueHandlers());
  }

  protected caches() {
    return [this.configMaps, this.namespaces];
  }

  /** syncNamespace: create the ConfigMap, or restore its data and description annotation. */
  protected async sync(namespace: string): Promise<ReconcileResult> {
    const data = { 'ca.crt': this.rootCA };
    const cm = this.configMaps.store.getByName(namespace, ROOT_CA_CONFIG_MAP);
    if (!cm) {
      try {
        await this.client.create(builtin.configMaps, {
          apiVersion: 'v1', kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIG_MAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data,
        });
      } catch (e) {
        // no retry when the namespace is gone or going
        if (isNotFound(e)) return;
        if (isNamespaceTerminating(e)) return;
        throw e;
      }
      return;
    }
    const sameData = Object.keys(cm.data ?? {}).length === 1 && cm.data?.['ca.crt'] === this.rootCA;
    if (sameData && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return;
    await this.client.update(builtin.configMaps, {
      ...cm, data, metadata: { ...cm.metadata, annotations: { ...(cm.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
    });
  }
}
