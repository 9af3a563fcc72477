// A node agent on a machine of its own (`berth node join`), as a kubelet joining a kubeadm cluster: TLS bootstrap
// with a bootstrap token (tls-bootstrap.ts), then one Node named after the machine, registered without a podCIDR
// and waiting until the controller manager's node IPAM gives it one; its pods get IPs from that podCIDR and, with
// real pods, reach pods on other machines through host-gw routes (../networking/host-gw.ts). Everything is done
// as system:node:<name> over HTTPS: the Node authorizer limits what it reads to its own pods' objects.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/types.js';
import { KubeClient } from '../client/client.js';
import { SharedInformerFactory } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { builtin } from '../client/resources.js';
import { clusterDnsIP } from '../registry/core-service-alloc/ranges.js';
import { type NodeAgent, startNodeAgent } from './agent.js';
import { nodeTokenManagers, podLogDir } from './component.js';
import type { KubeletApi, StartKubeletServer } from '../component/kubelet-api.js';
import { buildNode, DEFAULT_KUBELET_PORT } from './node-object.js';
import { tlsBootstrap } from './tls-bootstrap.js';
import type { Node, Pod } from '../api/core.js';

export const KUBELET_USER_AGENT = 'kubelet/v1.33.0 (linux/amd64) kubernetes/berth';

export interface JoinOptions {
  server: string;
  caPem: string;
  token: string;
  dataDir: string;
  nodeName?: string;
  /** This machine's address other machines reach it at (the node's InternalIP, the next hop of host-gw routes). */
  nodeIP: string;
  /** Where the kubelet server listens (the kubelet's --address; default 0.0.0.0). */
  kubeletAddress?: string;
  /** The kubelet server's port (default 10250; 0: any free port), published in the Node's daemonEndpoints. */
  kubeletPort?: number;
  /** Starts the kubelet server (src/server/kubelet-server.ts, given by the command line). */
  startKubeletServer: StartKubeletServer;
  runtime: 'process' | 'sim';
  clusterCidr: string;
  serviceCidr: string;
  simStartDelayMs?: number;
  log?: (line: string) => void;
}

export interface JoinedNode {
  nodeName: string;
  podCIDR: string;
  agent: NodeAgent;
  stop(): Promise<void>;
}

export async function joinNode(opts: JoinOptions): Promise<JoinedNode> {
  const nodeName = (opts.nodeName ?? hostname()).toLowerCase();
  const log = opts.log ?? (() => {});
  const kubeconfig = await tlsBootstrap({ server: opts.server, caPem: opts.caPem, token: opts.token, nodeName, dataDir: opts.dataDir, userAgent: KUBELET_USER_AGENT, log });
  const client = new KubeClient({ connection: loadKubeconfig({ path: kubeconfig }), userAgent: KUBELET_USER_AGENT, fieldManager: 'kubelet' });
  const cleanups: (() => Promise<void> | void)[] = [() => client.close()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const podCIDR = await registerAndAwaitPodCidr(client, nodeName, opts, log);
    log(`node ${nodeName}: podCIDR ${podCIDR}`);
    const informers = new SharedInformerFactory(client);
    cleanups.push(() => informers.stop());
    // the kubelet server listens first, so the Node publishes the port it really got
    const tls = loadKubeconfig({ path: kubeconfig });
    let agentRef: NodeAgent | undefined;
    const server = await opts.startKubeletServer({
      nodeName, host: opts.kubeletAddress ?? '0.0.0.0', port: opts.kubeletPort ?? DEFAULT_KUBELET_PORT, caPem: opts.caPem, certPem: tls.cert ?? '', keyPem: tls.key ?? '', client,
      kubelet: lateKubelet(() => agentRef?.kubelet), log,
    });
    cleanups.push(() => server.close());
    const named = [{ name: nodeName, podCIDR, internalIP: opts.nodeIP, kubeletPort: server.port }];
    const logDir = podLogDir(opts.dataDir);
    let agent: NodeAgent;
    if (opts.runtime === 'sim') {
      agent = await startNodeAgent(client, { named, simStartDelayMs: opts.simStartDelayMs, podCidr: opts.clusterCidr, informers, logDir });
      informers.start();
    } else {
      agent = await startProcessNode(client, informers, { ...opts, nodeName, podCIDR, named, logDir, cleanups, log });
    }
    agentRef = agent;
    cleanups.push(() => agent.stop());
    return { nodeName, podCIDR, agent, stop: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Creates the Node without a podCIDR (or finds it) and waits for the node IPAM to assign one. */
async function registerAndAwaitPodCidr(client: KubeClient, nodeName: string, opts: JoinOptions, log: (l: string) => void): Promise<string> {
  const node = buildNode({ name: nodeName, podCIDR: '', internalIP: opts.nodeIP, capacity: {}, machine: opts.runtime === 'process' ? { containerRuntimeVersion: 'berth', osImage: '', kernelVersion: '', allocatable: {} } : undefined }, new Date());
  delete node.spec!.podCIDR;
  delete node.spec!.podCIDRs;
  delete node.status;
  try {
    await client.create<Node>(builtin.nodes, node);
    log(`node ${nodeName} registered`);
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
  }
  for (let i = 0; ; i++) {
    const current = await client.get<Node>(builtin.nodes, nodeName);
    if (current.spec?.podCIDR) return current.spec.podCIDR;
    if (i === 20) log(`node ${nodeName}: waiting for a podCIDR (is the controller manager running with --cluster-cidr?)`);
    await sleep(500);
  }
}

interface ProcessNodeOptions extends JoinOptions {
  nodeName: string;
  podCIDR: string;
  named: { name: string; podCIDR: string; internalIP: string }[];
  logDir: string;
  cleanups: (() => Promise<void> | void)[];
  log: (line: string) => void;
}

/** The process runtime on this machine's own bridge (its node's podCIDR), with host-gw routes to the other nodes. */
async function startProcessNode(client: KubeClient, informers: SharedInformerFactory, o: ProcessNodeOptions): Promise<NodeAgent> {
  const [{ ProcessRuntime }, { machineNodeInfo }, { HostGwRoutes }, { ReferencedObjects }] = await Promise.all([
    import('./process/runtime.js'), import('./machine.js'), import('../networking/host-gw.js'), import('./kubelet/referenced-objects.js'),
  ]);
  const pods = informers.informerFor<Pod>(builtin.pods);
  const nodes = informers.informerFor<Node>(builtin.nodes);
  const services = informers.informerFor<KubeObject>(builtin.services);
  // A node may read only its own pods' ConfigMaps, Secrets and volumes (Node authorizer): fetched one by one.
  const refs = new ReferencedObjects(client, o.nodeName, (e) => o.log(`referenced objects: ${e instanceof Error ? e.message : String(e)}`));
  pods.addEventHandler({ onAdd: (p) => refs.track(p), onUpdate: (_a, p) => refs.track(p), onDelete: (p) => refs.forget(p) });
  o.cleanups.push(() => refs.stop());
  const routes = new HostGwRoutes({ clusterCidr: o.clusterCidr, ownNode: o.nodeName, log: o.log });
  const syncRoutes = () => {
    const byName = new Map<string, { podCIDR: string; nodeIP: string }>();
    for (const n of nodes.store.list()) {
      const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      if (n.spec?.podCIDR && ip) byName.set(n.metadata.name!, { podCIDR: n.spec.podCIDR, nodeIP: ip });
    }
    void routes.sync(byName);
  };
  nodes.addEventHandler({ onAdd: syncRoutes, onUpdate: syncRoutes, onDelete: syncRoutes });
  informers.start();
  const { capacity, machine } = machineNodeInfo(o.dataDir);
  const tokensFor = nodeTokenManagers(() => client);
  const runtime = await ProcessRuntime.start({
    dataDir: o.dataDir, clusterCidr: o.clusterCidr, serviceCidr: o.serviceCidr, nodeSubnets: new Map([[o.nodeName, o.podCIDR]]), onLinkCidr: o.podCIDR,
    clusterDNS: clusterDnsIP(o.serviceCidr),
    view: {
      configMap: (ns, name) => refs.get('configmaps', ns, name),
      secret: (ns, name) => refs.get('secrets', ns, name),
      persistentVolumeClaim: (ns, name) => refs.get('persistentvolumeclaims', ns, name),
      persistentVolume: (name) => refs.get('persistentvolumes', '', name),
      services: () => services.store.list(),
      nodeAllocatable: () => machine.allocatable,
      serviceAccountToken: (node, r) => tokensFor(node).get(r),
    },
  });
  o.cleanups.push(async () => {
    await routes.close();
  });
  try {
    return await startNodeAgent(client, { named: o.named, podCidr: o.clusterCidr, informers, logDir: o.logDir, runtime, machine: { capacity, info: machine, internalIP: () => o.nodeIP } });
  } catch (e) {
    await runtime.close();
    throw e;
  }
}


/** The agent's KubeletApi once it started (the server listens before): until then, 503 as an unready kubelet. */
function lateKubelet(get: () => KubeletApi | undefined): KubeletApi {
  const k = (): KubeletApi => {
    const kubelet = get();
    if (!kubelet) throw new ApiError(503, 'ServiceUnavailable', 'the node agent is starting');
    return kubelet;
  };
  return {
    prepare: (t) => k().prepare?.(t),
    exec: (pod, c, cmd, s) => k().exec(pod, c, cmd, s),
    attach: (pod, c, s) => k().attach(pod, c, s),
    portForward: (pod, port, signal) => k().portForward(pod, port, signal),
    logs: (pod, c, o, out, signal) => k().logs(pod, c, o, out, signal),
  };
}
