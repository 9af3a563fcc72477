// The components `berth up` starts, in order. Add new ones here (one line each).
import { GarbageCollector } from '../controllers/garbagecollector/garbage-collector.js';
import { NamespaceController } from '../controllers/namespace/namespace-controller.js';
import { startControllerManager } from '../controllers/manager.js';
import { localProvisionerComponent, storageAdmissionComponent, volumeControllersComponent } from '../controllers/volume/components.js';
import { ApiError } from '../apimachinery/errors.js';
import { KubeClient } from '../client/client.js';
import { startNodeAgent } from '../nodeagent/index.js';
import { startScheduler } from '../scheduler/index.js';
import { subresourceKey, type Component } from './components.js';
import { handlePodBinding } from './pod-binding.js';
import { deploymentControllersComponent } from '../controllers/deployment/component.js';
import { serviceAllocationComponent } from '../registry/core-service-alloc/component.js';
import { endpointControllersComponent } from '../controllers/endpointslice/component.js';
import { clusterDnsComponent } from '../dns/index.js';
import { apiextensionsComponent } from '../apiextensions/index.js';
import { etcdOperatorComponent } from '../operators/etcd/component.js';

export const COMPONENTS: Component[] = [
  apiextensionsComponent, // serves CRD kinds; first, so they exist before the other components look
  {
    name: 'pod-binding', controller: false, // pods/binding (and the older POST bindings) are part of the core API
    async start(ctx) {
      ctx.server.subresources.set(subresourceKey('', 'pods', 'binding'), (sctx, req, res, info, query) =>
        info.verb === 'create' ? handlePodBinding(sctx, req, res, info.namespace, info.name, query) : methodNotAllowed());
      ctx.server.subresources.set(subresourceKey('', 'bindings', ''), (sctx, req, res, info, query) =>
        info.verb === 'create' && !info.name ? handlePodBinding(sctx, req, res, info.namespace, '', query) : methodNotAllowed());
      return { stop() {} };
    },
  },
  storageAdmissionComponent,
  serviceAllocationComponent,
  {
    name: 'namespace-controller', controller: false, // namespace deletion is part of the API's contract
    async start(ctx) {
      const c = new NamespaceController(ctx.objects, ctx.registry);
      await c.start();
      return c;
    },
  },
  {
    name: 'garbage-collector', controller: false, // so are deletion propagation policies
    async start(ctx) {
      const gc = new GarbageCollector(ctx.objects, ctx.registry);
      await gc.start();
      return gc;
    },
  },
  {
    name: 'kube-controller-manager', controller: true,
    start: (ctx) => startControllerManager({
      kubeconfigPath: ctx.kubeconfigPath,
      features: { maxUnavailableStatefulSet: ctx.options.featureGates.MaxUnavailableStatefulSet },
    }),
  },
  deploymentControllersComponent,
  volumeControllersComponent,
  localProvisionerComponent,
  {
    name: 'scheduler', controller: true,
    async start(ctx) {
      const client = KubeClient.fromKubeconfig({ path: ctx.kubeconfigPath }, { userAgent: 'berth-scheduler' });
      const scheduler = await startScheduler(client);
      return { async stop() { await scheduler.stop(); await client.close(); } };
    },
  },
  {
    name: 'node-agent', controller: true,
    async start(ctx) {
      const client = KubeClient.fromKubeconfig({ path: ctx.kubeconfigPath }, { userAgent: 'berth-node-agent' });
      const agent = await startNodeAgent(client, { nodes: ctx.options.nodes, simStartDelayMs: ctx.options.simStartDelayMs });
      return { async stop() { await agent.stop(); await client.close(); } };
    },
  },
  endpointControllersComponent,
  clusterDnsComponent,
  etcdOperatorComponent, // only with `berth up --operator etcd`
];

function methodNotAllowed(): never {
  throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}
