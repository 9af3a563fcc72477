// The components `berth up` starts, in order. API-side components (controller: false) start before /readyz says
// ok; controllers start right after, so their modules are loaded lazily and stay off the start-up path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../apimachinery/errors.js';
import { controllerIdentity, SCHEDULER_IDENTITY } from '../authentication/component-users.js';
import { caCertPath } from '../pki/index.js';
import { subresourceKey } from '../server/context.js';
import type { ComponentContext, RunningComponent } from '../component/contract.js';
import type { HostComponent, HostContext } from './host-context.js';
import { handlePodBinding } from '../server/pod-binding.js';

/** A component whose module is imported only when it starts. */
function lazy(name: string, controller: boolean, load: () => Promise<HostComponent>): HostComponent {
  return { name, controller, start: async (ctx: HostContext): Promise<RunningComponent> => (await load()).start(ctx) };
}

/** A component running a client-side loop (controllers, scheduler, node agent) on the shared client and informers. */
function clientComponent(name: string, run: (ctx: ComponentContext) => Promise<RunningComponent>): HostComponent {
  return { name, controller: true, start: run };
}

export const COMPONENTS: HostComponent[] = [
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
  {
    name: 'pod-eviction', controller: false, // pods/eviction (policy/v1 Eviction), honouring PodDisruptionBudgets
    async start(ctx) {
      const [{ EvictionREST }, { handlePodEviction }] = await Promise.all([import('../registry/core/eviction.js'), import('../server/pod-eviction.js')]);
      const rest = new EvictionREST({ objects: ctx.objects, registry: ctx.registry });
      ctx.server.subresources.set(subresourceKey('', 'pods', 'eviction'), (sctx, req, res, info, query, user) =>
        info.verb === 'create' ? handlePodEviction(sctx, rest, req, res, info.namespace, info.name, query, user) : methodNotAllowed());
      return { stop() {} };
    },
  },
  // pods/log, exec, attach and portforward (the kubelet's streaming endpoints, reached through ServerContext.kubelets)
  lazy('pod-streaming', false, async () => (await import('./pod-streaming.js')).podStreamingComponent),
  lazy('access-reviews', false, async () => (await import('./access-reviews.js')).accessReviewComponent),
  lazy('storage-admission', false, async () => (await import('./storage-admission.js')).storageAdmissionComponent),
  lazy('service-allocation', false, async () => (await import('./service-allocation.js')).serviceAllocationComponent),
  {
    // ServiceAccount admission needs the accounts kube-controller-manager makes; like envtest, an API server started
    // without controllers runs without it.
    name: 'serviceaccount-admission', controller: false,
    async start(ctx) {
      if (ctx.options.controllers) ctx.objects.useAdmission((await import('../admission/service-account.js')).serviceAccountAdmission(ctx.objects, ctx.registry));
      return { stop() {} };
    },
  },
  {
    name: 'quota-admission', controller: false, // LimitRanger, then ResourceQuota (last, as upstream's plugin order)
    async start(ctx) {
      const [{ limitRanger }, { resourceQuotaAdmission }] = await Promise.all([import('../admission/limit-ranger.js'), import('../admission/resource-quota.js')]);
      ctx.objects.useAdmission(limitRanger(ctx.objects, ctx.registry));
      ctx.objects.useAdmission(resourceQuotaAdmission(ctx.objects, ctx.registry));
      return { stop() {} };
    },
  },
  // namespace deletion and deletion propagation policies are part of the API's contract
  // what kubeadm leaves in a cluster it sets up (kube-public/cluster-info, the default StorageClass), made with the
  // setup's admin credentials: the API server's loopback user, not a controller's
  lazy('kubeadm-addons', false, async () => (await import('../controllers/clusterinfo/addons-component.js')).kubeadmAddonsComponent),
  { ...lazy('namespace-controller', false, async () => (await import('../controllers/namespace/component.js')).namespaceControllerComponent), afterReady: true },
  { ...lazy('garbage-collector', false, async () => (await import('../controllers/garbagecollector/component.js')).garbageCollectorComponent), afterReady: true },
  // every built-in controller of kube-controller-manager, each as its kube-system ServiceAccount: the workload
  // controllers, endpoints, csrapproving and csrsigning (kubelet TLS bootstrap with the cluster CA), nodeipam (a
  // podCIDR for every Node from --cluster-cidr), node lifecycle (NotReady/Unknown, taints, NoExecute eviction), and
  // the PV binder and protection controllers
  clientComponent('kube-controller-manager', async (ctx) => (await import('../controllers/manager.js')).startControllerManager({
    client: ctx.client, informers: ctx.informers,
    clientFor: (serviceAccount) => ctx.clientAs(controllerIdentity(serviceAccount)),
    features: { maxUnavailableStatefulSet: ctx.options.featureGates.MaxUnavailableStatefulSet },
    rootCA: readFileSync(caCertPath(ctx.dataDir), 'utf8'),
    csrSigning: { certFile: join(ctx.dataDir, 'pki', 'ca.crt'), keyFile: join(ctx.dataDir, 'pki', 'ca.key') },
    clusterCidr: ctx.options.clusterCidr,
    nodeMonitor: { gracePeriodMs: ctx.options.nodeMonitorGracePeriodMs, monitorPeriodMs: ctx.options.nodeMonitorPeriodMs },
  })),
  lazy('local-provisioner', true, async () => (await import('../controllers/volume/components.js')).localProvisionerComponent),
  clientComponent('scheduler', async (ctx) => (await import('../scheduler/index.js'))
    .startScheduler(ctx.clientAs(SCHEDULER_IDENTITY), { informers: ctx.informers })),
  // runs the pods and registers each node's kubelet (ServerContext.kubelets) for exec, attach, portforward, log
  clientComponent('node-agent', async (ctx) => (await import('../nodeagent/component.js')).startNodeAgentComponent(ctx)),
  lazy('dns', true, async () => (await import('../dns/index.js')).clusterDnsComponent),
  // kube-proxy's job for real pods (process runtime only); after DNS, whose Service it also serves
  lazy('service-proxy', true, async () => (await import('../proxy/component.js')).serviceProxyComponent),
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
