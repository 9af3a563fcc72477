// The components `berth up` starts, in order. API-side components (controller: false) start before /readyz says
// ok; controllers start right after, so their modules are loaded lazily and stay off the start-up path.
import { ApiError } from '../apimachinery/errors.js';
import { GarbageCollector } from '../controllers/garbagecollector/garbage-collector.js';
import { NamespaceController } from '../controllers/namespace/namespace-controller.js';
import { subresourceKey, type Component, type ComponentContext, type RunningComponent } from './components.js';
import { handlePodBinding } from './pod-binding.js';

/** A component whose module is imported only when it starts. */
function lazy(name: string, controller: boolean, load: () => Promise<Component>): Component {
  return { name, controller, start: async (ctx: ComponentContext): Promise<RunningComponent> => (await load()).start(ctx) };
}

/** A component running a client-side loop (scheduler, node agent) on its own KubeClient. */
function clientComponent(name: string, run: (ctx: ComponentContext) => Promise<RunningComponent>): Component {
  return { name, controller: true, start: run };
}

export const COMPONENTS: Component[] = [
  // serves CRD kinds; first, so they exist before the other components look
  lazy('apiextensions-controller', false, async () => (await import('../apiextensions/index.js')).apiextensionsComponent),
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
  lazy('storage-admission', false, async () => (await import('../controllers/volume/components.js')).storageAdmissionComponent),
  lazy('service-allocation', false, async () => (await import('../registry/core-service-alloc/component.js')).serviceAllocationComponent),
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
  clientComponent('kube-controller-manager', async (ctx) => (await import('../controllers/manager.js')).startControllerManager({
    kubeconfigPath: ctx.kubeconfigPath,
    features: { maxUnavailableStatefulSet: ctx.options.featureGates.MaxUnavailableStatefulSet },
  })),
  lazy('deployment-controllers', true, async () => (await import('../controllers/deployment/component.js')).deploymentControllersComponent),
  lazy('persistentvolume-controllers', true, async () => (await import('../controllers/volume/components.js')).volumeControllersComponent),
  lazy('local-provisioner', true, async () => (await import('../controllers/volume/components.js')).localProvisionerComponent),
  clientComponent('scheduler', async (ctx) => {
    const [{ KubeClient }, { startScheduler }] = await Promise.all([import('../client/client.js'), import('../scheduler/index.js')]);
    const client = KubeClient.fromKubeconfig({ path: ctx.kubeconfigPath }, { userAgent: 'berth-scheduler' });
    const scheduler = await startScheduler(client);
    return { async stop() { await scheduler.stop(); await client.close(); } };
  }),
  clientComponent('node-agent', async (ctx) => {
    const [{ KubeClient }, { startNodeAgent }] = await Promise.all([import('../client/client.js'), import('../nodeagent/index.js')]);
    const client = KubeClient.fromKubeconfig({ path: ctx.kubeconfigPath }, { userAgent: 'berth-node-agent' });
    const agent = await startNodeAgent(client, { nodes: ctx.options.nodes, simStartDelayMs: ctx.options.simStartDelayMs });
    return { async stop() { await agent.stop(); await client.close(); } };
  }),
  lazy('endpoint-controllers', true, async () => (await import('../controllers/endpointslice/component.js')).endpointControllersComponent),
  lazy('dns', true, async () => (await import('../dns/index.js')).clusterDnsComponent),
  {
    name: 'etcd-operator', controller: true, // only with `berth up --operator etcd`
    async start(ctx) {
      if (!ctx.options.operators?.includes('etcd')) return { stop() {} };
      return (await import('../operators/etcd/component.js')).etcdOperatorComponent.start(ctx);
    },
  },
];

function methodNotAllowed(): never {
  throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}
