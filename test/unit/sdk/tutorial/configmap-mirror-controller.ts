// A controller written the way kube-controller-manager's are (docs/sdk.md, "Controllers on QueueController"): every
// ConfigMap labelled mirror=yes gets a `<name>-mirror` copy it controls. QueueController brings the rate-limited queue,
// the workers, the wait for the caches and the drain on stop; OwnerMapping maps a changed mirror back to its source.
import {
  builtin, newControllerRef, OwnerMapping, QueueController, splitObjectKey,
  type KubeClient, type KubeObject, type SharedInformer, type SharedInformerFactory,
} from '../../../../src/sdk/index.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const sameData = (a: ConfigMap, b: ConfigMap) => JSON.stringify(a.data ?? {}) === JSON.stringify(b.data ?? {});

export class ConfigMapMirrorController extends QueueController {
  private readonly configMaps: SharedInformer<ConfigMap>;
  private readonly owners: OwnerMapping<ConfigMap>;

  constructor(client: KubeClient, informers: SharedInformerFactory) {
    super(client, 'configmap-mirror', 'configmap-mirror', { workers: 2 });
    this.configMaps = informers.informerFor<ConfigMap>(builtin.configMaps);
    // mirrors are never adopted, so no owner selects them: only their controller reference counts
    this.owners = new OwnerMapping(this.configMaps.store, 'ConfigMap', () => undefined);
    const handle = (cm: ConfigMap) => {
      const source = this.owners.controllerOf(cm);
      if (source) this.enqueue(source);
      else if (cm.metadata.labels?.mirror === 'yes') this.enqueue(cm);
    };
    this.configMaps.addEventHandler({ onAdd: handle, onUpdate: (_old, cm) => handle(cm), onDelete: handle });
  }

  protected caches() {
    return [this.configMaps];
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const source = this.configMaps.store.getByName(namespace, name);
    if (source?.metadata.labels?.mirror !== 'yes') return; // the garbage collector removes orphaned mirrors
    const mirror = this.configMaps.store.getByName(namespace, `${name}-mirror`);
    if (!mirror) {
      await this.client.create<ConfigMap>(builtin.configMaps, {
        apiVersion: 'v1', kind: 'ConfigMap', data: source.data,
        metadata: { name: `${name}-mirror`, namespace, ownerReferences: [newControllerRef(source, 'v1', 'ConfigMap')] },
      });
      this.recorder.event(source, 'Normal', 'Mirrored', `created ${name}-mirror`, { apiVersion: 'v1', kind: 'ConfigMap' });
    } else if (!sameData(mirror, source)) {
      // a conflict (the cache was behind) throws: the key is retried with back-off
      await this.client.update<ConfigMap>(builtin.configMaps, { ...mirror, data: source.data });
    }
  }
}
