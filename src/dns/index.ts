// Cluster DNS: the `dns` component of `berth up` (informers → ClusterDnsData → ClusterResolver → ClusterDnsServer).
import { KubeClient } from '../client/client.js';
import { SharedInformerFactory } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { builtin } from '../client/resources.js';
import type { EndpointSlice, Pod, Service } from '../controllers/endpointslice/types.js';
import type { Component } from '../server/components.js';
import { ClusterDnsData } from './data.js';
import { ClusterResolver, ResolverOptions } from './resolver.js';
import { ClusterDnsServer } from './server.js';

export { ClusterDnsData } from './data.js';
export { ClusterResolver, SCHEMA_VERSION } from './resolver.js';
export type { Resolution, ResolverOptions, Rcode } from './resolver.js';
export { ClusterDnsServer, answerQuery } from './server.js';

export interface RunningClusterDns {
  port: number;
  data: ClusterDnsData;
  server: ClusterDnsServer;
  stop(): Promise<void>;
}

export interface StartClusterDnsOptions extends ResolverOptions {
  /** Where to connect when no `informers` are given. */
  kubeconfigPath?: string;
  /** An informer factory to register on (inside `berth up`, the one all components share); the caller stops it. */
  informers?: SharedInformerFactory;
  port?: number;
  host?: string;
}

/** Starts informers on the API server and serves DNS from them once they have synced. */
export async function startClusterDns(opts: StartClusterDnsOptions): Promise<RunningClusterDns> {
  const client = opts.informers ? undefined : new KubeClient({ connection: loadKubeconfig({ path: opts.kubeconfigPath }), userAgent: 'berth-dns/v1.33.0' });
  const factory = opts.informers ?? new SharedInformerFactory(client!);
  const services = factory.informerFor<Service>(builtin.services);
  const slices = factory.informerFor<EndpointSlice>(builtin.endpointSlices);
  const pods = factory.informerFor<Pod>(builtin.pods);
  const data = new ClusterDnsData(services.store, slices.store, pods.store);
  factory.start();
  await Promise.all([services.waitForSync(), slices.waitForSync(), pods.waitForSync()]);
  const server = new ClusterDnsServer(new ClusterResolver(data, opts), { host: opts.host, port: opts.port });
  const port = await server.start();
  return {
    port, data, server,
    async stop() {
      await server.stop();
      if (client) {
        await factory.stop();
        await client.close();
      }
    },
  };
}

export const clusterDnsComponent: Component = {
  name: 'dns', controller: true,
  async start(ctx) {
    const dns = await startClusterDns({ informers: ctx.informers, port: ctx.options.dnsPort });
    ctx.announce(`dns: 127.0.0.1:${dns.port}`);
    return dns;
  },
};
