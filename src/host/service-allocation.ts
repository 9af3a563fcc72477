// `berth up` component: Service ClusterIP/NodePort allocation (admission + storage watch) and the `kubernetes`
// Service. Not a "controller": allocation is part of the API's contract, so it runs with --no-controllers too.
import { hostAddressOnPodNetwork } from '../networking/host-network.js';
import type { HostComponent } from './host-context.js';
import { ensureDnsEndpointSlice, ensureDnsService, ensureKubernetesService, startServiceAllocation } from '../registry/core-service-alloc/index.js';
import { clusterDnsIP } from '../registry/core-service-alloc/ranges.js';

export const serviceAllocationComponent: HostComponent = {
  name: 'service-allocation', controller: false,
  async start(ctx) {
    const deps = { objects: ctx.objects, registry: ctx.registry, store: ctx.store };
    const running = await startServiceAllocation(deps, { serviceCIDR: ctx.options.serviceCidr });
    const url = new URL(ctx.url);
    const port = Number(url.port) || 443;
    // With real pods the API server is published where pods reach it: the host's address on the pod network (the
    // service proxy forwards it); otherwise where it listens.
    const podNetwork = ctx.options.runtime === 'process' && ctx.options.nodes > 0 ? hostAddressOnPodNetwork(ctx.options.clusterCidr) : undefined;
    const ip = podNetwork ?? (/^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) ? url.hostname : '127.0.0.1');
    await ensureKubernetesService(deps, running.allocator, { ip, port });
    await ensureDnsService(deps, clusterDnsIP(ctx.options.serviceCidr));
    if (podNetwork) await ensureDnsEndpointSlice(deps, podNetwork);
    return running;
  },
};
