// `berth up` component: the service proxy (kube-proxy's job) for real pods, with the load-balancer status writer
// (ServiceLB's) and the API server's address on the pod network. Only with the process runtime; with simulated pods
// it just removes a table a killed process-runtime run may have left.
import { hostname } from 'node:os';
import { controllerIdentity, KUBE_PROXY_IDENTITY } from '../authentication/component-users.js';
import { EventRecorder } from '../client/events.js';
import { SharedInformerFactory } from '../client/informer.js';
import { builtin } from '../client/resources.js';
import type { EndpointSlice } from '../controllers/endpointslice/types.js';
import { findProgram, run } from '../networking/command.js';
import { gatewayOf, hostAddressOnPodNetwork } from '../networking/host-network.js';
import { instanceNames } from '../networking/instance.js';
import { parseCidr } from '../networking/ipv4.js';
import { nodeSubnets } from '../nodeagent/ipam.js';
import type { Service } from '../api/generated/core-v1.js';
import type { Component, ComponentContext, RunningComponent } from '../component/contract.js';
import { RunningForwarder, startTcpForwarder } from './apiserver-endpoint.js';
import { ConntrackCleaner } from './conntrack.js';
import { HostSettings } from './host.js';
import { LoadBalancerController } from './loadbalancer.js';
import { TableMonitor } from './monitor.js';
import { NFT_MISSING, NftTable } from './nft.js';
import { Proxier, ProxyEvent } from './proxier.js';
import { DEFAULT_MASQUERADE_MARK, TableLayout } from './rules.js';

export interface RunningServiceProxy extends RunningComponent {
  proxier: Proxier;
  table: NftTable;
}

export const serviceProxyComponent: Component = {
  name: 'service-proxy', controller: true,
  async start(ctx) {
    if (ctx.options.runtime === 'process') return startServiceProxy(ctx);
    await removeLeftoverTable(instanceNames(ctx.dataDir).nftTable);
    return { stop() {} };
  },
};

/** A table a Berth killed with -9 left, when this run has no proxy to replace it (root with nft only). */
async function removeLeftoverTable(name: string): Promise<void> {
  const nft = process.getuid?.() === 0 ? findProgram('nft') : undefined;
  if (nft) await run(nft, ['delete', 'table', 'inet', name]).catch(() => undefined);
}

export async function startServiceProxy(ctx: ComponentContext): Promise<RunningServiceProxy> {
  const o = ctx.options;
  const nftPath = findProgram('nft');
  if (!nftPath) throw new Error(NFT_MISSING);
  const names = instanceNames(ctx.dataDir);
  const table = new NftTable(nftPath, 'inet', names.nftTable);
  const nodes = [...nodeSubnets(o.clusterCidr, o.nodes)].map(([name, subnet]) => ({ name, subnet, address: gatewayOf(subnet) }));
  const hostAddress = nodes.length ? hostAddressOnPodNetwork(o.clusterCidr) : undefined;
  const layout: TableLayout = {
    table: table.ref, bridge: names.bridge, clusterCidr: o.clusterCidr, serviceCidr: o.serviceCidr, nodes,
    nodePortAddresses: ['127.0.0.1', ...nodes.map((n) => n.address)],
    masqueradeMark: DEFAULT_MASQUERADE_MARK,
    comment: `Services of the Berth with data dir ${ctx.dataDir}`,
  };
  const log = (m: string) => console.warn(`service proxy: ${m}`);
  // kube-proxy's own user (system:node-proxier) for its informers and events; the load balancer's status writes are
  // the cloud service controller's (its ServiceAccount).
  const proxyClient = ctx.clientAs(KUBE_PROXY_IDENTITY);
  const informers = new SharedInformerFactory(proxyClient);
  const recorder = new EventRecorder(proxyClient, { component: 'kube-proxy', host: hostname() });
  const event: ProxyEvent = (svc, type, reason, message) => recorder.event(svc, type, reason, message, { kind: 'Service', apiVersion: 'v1' });

  const host = new HostSettings({ bridge: names.bridge, serviceCidr: o.serviceCidr, hostSource: hostAddress });
  let forwarder: RunningForwarder | undefined;
  let monitor: TableMonitor | undefined;
  let lb: LoadBalancerController | undefined;
  let proxier: Proxier | undefined;
  const teardown = async () => {
    lb?.stop();
    monitor?.stop();
    await proxier?.stop();
    await forwarder?.close();
    table.close();
    await table.delete();
    await host.revert();
    await recorder.flush();
    await informers.stop();
  };
  try {
    await host.apply();
    const services = informers.informerFor<Service>(builtin.services);
    const slices = informers.informerFor<EndpointSlice>(builtin.endpointSlices);
    proxier = new Proxier({
      layout, nft: table, services, slices,
      loadBalancerAddresses: new Set(nodes.map((n) => n.address)),
      endpointRange: parseCidr(o.clusterCidr)!,
      conntrack: new ConntrackCleaner(log), event, log,
    });
    const api = new URL(ctx.url);
    const apiPort = Number(api.port) || 443;
    if (hostAddress) forwarder = await startApiForwarder(hostAddress, api.hostname, apiPort, log);
    lb = new LoadBalancerController({
      client: ctx.clientAs(controllerIdentity('service-controller')), services, addresses: nodes.map((n) => n.address), event, log,
      reserved: new Map([[`TCP/${apiPort}`, 'the API server'], ['UDP/53', 'the cluster DNS'], ['TCP/53', 'the cluster DNS']]),
    });
    informers.start();
    const p = proxier;
    monitor = new TableMonitor(table, {
      onForeignChange: () => {
        log(`table ${table.ref} was changed by another process: rewriting it`);
        p.resync();
      },
      onRestart: () => p.resync(),
      log,
    });
    monitor.start();
    await proxier.start();
  } catch (e) {
    await teardown();
    throw new Error(`service proxy: ${(e as Error).message}`);
  }
  return { proxier, table, stop: teardown };
}

/** Pods reach the API server at the host's pod-network address; when the server already listens there, nothing to do. */
async function startApiForwarder(address: string, apiHost: string, port: number, log: (m: string) => void): Promise<RunningForwarder | undefined> {
  try {
    return await startTcpForwarder({ host: address, port }, { host: apiHost, port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    log(`${address}:${port} is already served (the API server listens there itself)`);
    return undefined;
  }
}
