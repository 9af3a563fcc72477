// Cluster DNS: the `dns` component of `berth up` (informers → ClusterDnsData → ClusterResolver → ClusterDnsServer).
import { DNS_IDENTITY } from '../authentication/component-users.js';
import { KubeClient } from '../client/client.js';
import { SharedInformerFactory } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { builtin } from '../client/resources.js';
import type { EndpointSlice, Pod, Service } from '../controllers/endpointslice/types.js';
import type { Component } from '../component/contract.js';
import { ClusterDnsData } from './data.js';
import { ClusterResolver, ResolverOptions } from './resolver.js';
import { ClusterDnsServer, nameserversOf } from './server.js';
import { readFileSync } from 'node:fs';
import { clusterDnsIP } from '../registry/core-service-alloc/ranges.js';
import { hostAddressOnPodNetwork } from '../networking/host-network.js';
import { KUBE_VERSION } from '../apimachinery/version.js';

function readHostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

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
  /** More addresses to answer on, e.g. the kube-dns Service IP on port 53 for pods. */
  extraListeners?: { host: string; port: number }[];
  /** Nameservers for names outside the cluster zone. */
  forwardTo?: string[];
}

/** Starts informers on the API server and serves DNS from them once they have synced. */
export async function startClusterDns(opts: StartClusterDnsOptions): Promise<RunningClusterDns> {
  const client = opts.informers ? undefined : new KubeClient({ connection: loadKubeconfig({ path: opts.kubeconfigPath }), userAgent: `berth-dns/${KUBE_VERSION}` });
  const factory = opts.informers ?? new SharedInformerFactory(client!);
  const services = factory.informerFor<Service>(builtin.services);
  const slices = factory.informerFor<EndpointSlice>(builtin.endpointSlices);
  const pods = factory.informerFor<Pod>(builtin.pods);
  const data = new ClusterDnsData(services.store, slices.store, pods.store);
  factory.start();
  await Promise.all([services.waitForSync(), slices.waitForSync(), pods.waitForSync()]);
  const resolver = new ClusterResolver(data, opts);
  const server = new ClusterDnsServer(resolver, { host: opts.host, port: opts.port, forwardTo: opts.forwardTo });
  const port = await server.start();
  const extra: ClusterDnsServer[] = [];
  try {
    for (const l of opts.extraListeners ?? []) {
      const s = new ClusterDnsServer(resolver, { ...l, forwardTo: opts.forwardTo });
      await s.start();
      extra.push(s);
    }
  } catch (e) {
    await Promise.all([server, ...extra].map((s) => s.stop()));
    throw e;
  }
  return {
    port, data, server,
    async stop() {
      await Promise.all([server, ...extra].map((s) => s.stop()));
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
    // With real pods, pods ask the kube-dns Service IP (a local address on the node bridge) on port 53; the
    // Service's endpoint, where the service proxy sends that traffic, is the host's address on the pod network.
    const realPods = ctx.options.runtime === 'process';
    const listeners = realPods ? [{ host: clusterDnsIP(ctx.options.serviceCidr), port: 53 }] : [];
    if (realPods && ctx.options.nodes > 0) listeners.push({ host: hostAddressOnPodNetwork(ctx.options.clusterCidr), port: 53 });
    // CoreDNS's own account (kubeadm's system:coredns role) for its informers, not the controller manager's cache.
    const informers = new SharedInformerFactory(ctx.clientAs(DNS_IDENTITY));
    const dns = await startClusterDns({
      informers, port: ctx.options.dnsPort,
      extraListeners: listeners,
      forwardTo: nameserversOf(readHostResolvConf()),
    });
    ctx.announce(`dns: 127.0.0.1:${dns.port}`);
    return {
      async stop() {
        await dns.stop();
        await informers.stop();
      },
    };
  },
};
