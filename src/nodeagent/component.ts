// The node agent inside `berth up`: pods run as processes on this machine (the process runtime) or simulated,
// as chosen at start (`--runtime`). With real pods the nodes report this machine and the cluster DNS answers pods
// at the kube-dns Service IP on the node bridge.
import type { KubeObject } from '../apimachinery/types.js';
import { builtin } from '../client/resources.js';
import { clusterDnsIP } from '../registry/core-service-alloc/ranges.js';
import type { ComponentContext, RunningComponent } from '../server/components.js';
import { startNodeAgent } from './agent.js';
import { nodeSubnet } from './ipam.js';

export async function startNodeAgentComponent(ctx: ComponentContext): Promise<RunningComponent> {
  const client = ctx.clientAs({ userAgent: 'berth-node-agent' });
  const o = ctx.options;
  const base = { nodes: o.nodes, simStartDelayMs: o.simStartDelayMs, podCidr: o.clusterCidr, informers: ctx.informers };
  if (o.runtime !== 'process') return startNodeAgent(client, base);

  const [{ ProcessRuntime }, { machineNodeInfo }, { gatewayOf }] = await Promise.all([
    import('./process/runtime.js'), import('./machine.js'), import('../networking/host-network.js'),
  ]);
  const prefix = 'berth-node-';
  const nodeSubnets = new Map<string, string>();
  for (let i = 0; i < o.nodes; i++) nodeSubnets.set(`${prefix}${i + 1}`, nodeSubnet(o.clusterCidr, i));
  const f = ctx.informers;
  const stores = {
    configMaps: f.informerFor<KubeObject>(builtin.configMaps).store,
    secrets: f.informerFor<KubeObject>(builtin.secrets).store,
    claims: f.informerFor<KubeObject>(builtin.persistentVolumeClaims).store,
    volumes: f.informerFor<KubeObject>(builtin.persistentVolumes).store,
    services: f.informerFor<KubeObject>(builtin.services).store,
  };
  const { capacity, machine } = machineNodeInfo(ctx.dataDir);
  const runtime = await ProcessRuntime.start({
    dataDir: ctx.dataDir, clusterCidr: o.clusterCidr, serviceCidr: o.serviceCidr, nodeSubnets,
    clusterDNS: clusterDnsIP(o.serviceCidr),
    view: {
      configMap: (ns, name) => stores.configMaps.get(`${ns}/${name}`),
      secret: (ns, name) => stores.secrets.get(`${ns}/${name}`),
      persistentVolumeClaim: (ns, name) => stores.claims.get(`${ns}/${name}`),
      persistentVolume: (name) => stores.volumes.get(name),
      services: () => stores.services.list(),
      nodeAllocatable: () => machine.allocatable,
    },
  });
  try {
    return await startNodeAgent(client, { ...base, namePrefix: prefix, runtime, machine: { capacity, info: machine, internalIP: gatewayOf } });
  } catch (e) {
    await runtime.close();
    throw e;
  }
}
