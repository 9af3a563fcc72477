// The EndpointSlice controller (pkg/controller/endpointslice): keeps, for every Service with a selector, the
// discovery.k8s.io/v1 EndpointSlices labelled `kubernetes.io/service-name` and managed by
// endpointslice-controller.k8s.io in step with the Service's pods. An API client on the client toolkit.
import { isNotFound, isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import type { KubeClient } from '../../client/client.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { splitObjectKey } from '../../client/store.js';
import { reconcileSlices } from './reconciler.js';
import { podsForService, WriteExpectations, wireServiceAndPodEvents } from './service-pods.js';
import { CONTROLLER_NAME, EndpointSlice, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, Pod, Service } from './types.js';
import { errorText, QueueController } from '../common/queue-controller.js';
import { warnSyncError } from '../common/sync-errors.js';

export const SERVICE_NAME_INDEX = 'serviceName';

export interface EndpointSliceControllerOptions {
  workers?: number;
  maxEndpointsPerSlice?: number;
  onError?: (key: string, err: unknown) => void;
}

export class EndpointSliceController extends QueueController {
  private readonly services: SharedInformer<Service>;
  private readonly pods: SharedInformer<Pod>;
  private readonly slices: SharedInformer<EndpointSlice>;
  private readonly expectations = new WriteExpectations();

  constructor(client: KubeClient, factory: SharedInformerFactory, private readonly opts: EndpointSliceControllerOptions = {}) {
    super(client, 'endpointslice-controller', 'endpoint_slice', {
      workers: opts.workers,
      onError: opts.onError ?? ((key, err) => warnSyncError(err, `endpointslice-controller: error syncing service ${key}: ${errorText(err)}`)),
    });
    this.services = factory.informerFor<Service>(builtin.services);
    this.pods = factory.informerFor<Pod>(builtin.pods);
    this.slices = factory.informerFor<EndpointSlice>(builtin.endpointSlices, { labelSelector: `${LABEL_MANAGED_BY}=${CONTROLLER_NAME}` });
    this.slices.addIndexers({ [SERVICE_NAME_INDEX]: (s) => [`${s.metadata.namespace}/${s.metadata.labels?.[LABEL_SERVICE_NAME] ?? ''}`] });
    wireServiceAndPodEvents(this.services, this.pods, this.queue);
    // someone else touching our slices: look at the service again
    const bySlice = (s: EndpointSlice) => {
      const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
      if (svc) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    this.slices.addEventHandler({ onUpdate: (_o, s) => bySlice(s), onDelete: bySlice });
  }

  protected caches() {
    return [this.services, this.pods, this.slices];
  }

  /** Managed slices of a Service from the cache. */
  slicesFor(namespace: string, name: string): EndpointSlice[] {
    return this.slices.store.byIndex(SERVICE_NAME_INDEX, `${namespace}/${name}`);
  }

  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace = '', name } = splitObjectKey(key);
    const lookup = (n: string) => this.slices.store.getByName(namespace, n);
    if (!this.expectations.satisfied(key, lookup)) return { requeueAfter: 20 };
    const svc = this.services.store.get(key);
    if (!svc) {
      // the garbage collector would remove them through the owner reference; doing it here is quicker
      this.expectations.forget(key);
      for (const s of this.slicesFor(namespace, name)) await this.deleteSlice(key, s);
      return;
    }
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0 || svc.spec.type === 'ExternalName') return;
    if (svc.metadata.deletionTimestamp) return;
    const changes = reconcileSlices(svc, podsForService(this.pods, svc), this.slicesFor(namespace, name), { maxEndpointsPerSlice: this.opts.maxEndpointsPerSlice });
    for (const s of changes.delete) await this.deleteSlice(key, s);
    for (const s of changes.update) {
      const out = await this.client.update<EndpointSlice>(builtin.endpointSlices, s);
      this.expectations.expectWritten(key, out);
    }
    for (const s of changes.create) {
      const out = await this.client.create<EndpointSlice>(builtin.endpointSlices, s, { namespace });
      this.expectations.expectWritten(key, out);
    }
  }

  private async deleteSlice(serviceKey: string, s: EndpointSlice): Promise<void> {
    try {
      await this.client.delete(builtin.endpointSlices, s.metadata.name ?? '', { namespace: s.metadata.namespace, preconditions: { uid: s.metadata.uid } });
    } catch (e) {
      if (!(isNotFound(e) || isAlreadyExistsOrConflict(e))) throw e;
    }
    this.expectations.expectDeleted(serviceKey, s.metadata.name ?? '');
  }
}

