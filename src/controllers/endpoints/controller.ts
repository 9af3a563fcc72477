// The v1 Endpoints controller (pkg/controller/endpoint): one Endpoints object per Service with a selector, named
// like it, listing its pods. Deleted with the Service. An API client on the client toolkit.
import { isNotFound } from '../../apimachinery/errors.js';
import type { KubeClient } from '../../client/client.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { splitObjectKey } from '../../client/store.js';
import { podsForService, WriteExpectations, wireServiceAndPodEvents } from '../endpointslice/service-pods.js';
import type { Pod, Service } from '../endpointslice/types.js';
import { canonical } from '../endpointslice/utils.js';
import { desiredSubsets, endpointsLabels } from './subsets.js';
import { errorText, QueueController } from '../common/queue-controller.js';
import { warnSyncError } from '../common/sync-errors.js';
import type { Endpoints } from '../../api/generated/core-v1.js';
export type { Endpoints } from '../../api/generated/core-v1.js';

export interface EndpointsControllerOptions {
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

export class EndpointsController extends QueueController {
  private readonly services: SharedInformer<Service>;
  private readonly pods: SharedInformer<Pod>;
  private readonly endpoints: SharedInformer<Endpoints>;
  private readonly expectations = new WriteExpectations();

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: EndpointsControllerOptions = {}) {
    super(client, 'endpoint-controller', 'endpoint', {
      workers: opts.workers,
      onError: opts.onError ?? ((key, err) => warnSyncError(err, `endpoints-controller: error syncing service ${key}: ${errorText(err)}`)),
    });
    this.services = factory.informerFor<Service>(builtin.services);
    this.pods = factory.informerFor<Pod>(builtin.pods);
    this.endpoints = factory.informerFor<Endpoints>(builtin.endpoints);
    wireServiceAndPodEvents(this.services, this.pods, this.queue);
    // an Endpoints someone removed or edited is put back
    const byEndpoints = (e: Endpoints) => {
      if (this.services.store.get(`${e.metadata.namespace}/${e.metadata.name}`)) this.queue.add(`${e.metadata.namespace}/${e.metadata.name}`);
    };
    this.endpoints.addEventHandler({ onUpdate: (_o, e) => byEndpoints(e), onDelete: byEndpoints });
  }

  protected caches() {
    return [this.services, this.pods, this.endpoints];
  }

  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace = '', name } = splitObjectKey(key);
    const lookup = (n: string) => this.endpoints.store.getByName(namespace, n);
    if (!this.expectations.satisfied(key, lookup)) return { requeueAfter: 20 };
    const svc = this.services.store.get(key);
    if (!svc) {
      this.expectations.forget(key);
      // as upstream: the Service is gone, so is its Endpoints (whoever wrote it)
      if (lookup(name)) await this.deleteIgnoringMissing(namespace, name);
      return;
    }
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0 || svc.spec.type === 'ExternalName') return;
    if (svc.metadata.deletionTimestamp) return;
    const subsets = desiredSubsets(svc, podsForService(this.pods, svc));
    const labels = endpointsLabels(svc);
    const current = lookup(name);
    if (!current) {
      const out = await this.client.create<Endpoints>(builtin.endpoints, {
        apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets,
      }, { namespace });
      this.expectations.expectWritten(key, out);
      return;
    }
    if (canonical(current.subsets ?? []) === canonical(subsets) && canonical(current.metadata.labels ?? {}) === canonical(labels)) return;
    const next: Endpoints = { ...structuredClone(current), subsets };
    next.metadata.labels = labels;
    const out = await this.client.update<Endpoints>(builtin.endpoints, next);
    this.expectations.expectWritten(key, out);
  }

  private async deleteIgnoringMissing(namespace: string, name: string): Promise<void> {
    try {
      await this.client.delete(builtin.endpoints, name, { namespace });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
