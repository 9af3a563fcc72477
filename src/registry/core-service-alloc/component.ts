// `berth up` component: Service ClusterIP/NodePort allocation (admission + storage watch) and the `kubernetes`
// Service. Not a "controller": allocation is part of the API's contract, so it runs with --no-controllers too.
import type { Component } from '../../server/components.js';
import { ensureDnsService, ensureKubernetesService, startServiceAllocation } from './index.js';
import { clusterDnsIP } from './ranges.js';

export const serviceAllocationComponent: Component = {
  name: 'service-allocation', controller: false,
  async start(ctx) {
    const deps = { objects: ctx.objects, registry: ctx.registry, store: ctx.store };
    const running = await startServiceAllocation(deps, { serviceCIDR: ctx.options.serviceCidr });
    const url = new URL(ctx.url);
    const ip = /^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) ? url.hostname : '127.0.0.1';
    const port = Number(url.port) || 443;
    await ensureKubernetesService(deps, running.allocator, { ip, port });
    await ensureDnsService(deps, clusterDnsIP(ctx.options.serviceCidr));
    return running;
  },
};
