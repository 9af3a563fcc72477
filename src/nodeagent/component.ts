// The node agent inside `berth up`: pods run as processes on this machine (the process runtime) or simulated,
// as chosen at start (`--runtime`). With real pods the nodes report this machine and the cluster DNS answers pods
// at the kube-dns Service IP on the node bridge.
import type { KubeObject } from '../apimachinery/types.js';
import { builtin } from '../client/resources.js';
import { clusterDnsIP } from '../registry/core-service-alloc/ranges.js';
import { join } from 'node:path';
import type { Component, ComponentContext, RunningComponent } from '../component/contract.js';
import { NodeAgent, startNodeAgent } from './agent.js';
import { NODE_NAME_PREFIX, nodeSubnets } from './ipam.js';
import type { Runtime } from './runtime.js';
import { TokenManager, type IssuedToken } from './kubelet/token-manager.js';
import type { KubeClient } from '../client/client.js';
import type { UserInfo } from '../api/identity.js';
import { KUBE_VERSION } from '../apimachinery/version.js';

const KUBELET_USER_AGENT = `kubelet/${KUBE_VERSION} (linux/amd64) kubernetes/berth`;
/** The identity a node's kubelet authenticates as (its client certificate's CN and O upstream). */
export const nodeUser = (node: string): UserInfo => ({ username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] });

export interface NodeAgentComponentOptions {
  /** A runtime other than the configured one (tests); `logDir` is where its containers' CRI logs belong. */
  runtime?: (ctx: ComponentContext, logDir: string) => Runtime;
}

/** Container logs of `berth up` live under the data dir, as the kubelet's under /var/log/pods. */
export const podLogDir = (dataDir: string) => join(dataDir, 'logs', 'pods');

/**
 * Starts the agent and registers its runtime's KubeletApi for each of its nodes with the API server
 * (ServerContext.kubelets): how pods/exec, attach, portforward and log reach the node — in-process, where upstream
 * the API server dials the kubelet.
 */
export async function startNodeAgentComponent(ctx: ComponentContext, opts: NodeAgentComponentOptions = {}): Promise<RunningComponent> {
  const agent = await startAgent(ctx, opts);
  for (const node of agent.nodeNames) ctx.kubelets.set(node, agent.kubelet);
  return {
    async stop() {
      for (const node of agent.nodeNames) {
        if (ctx.kubelets.get(node) === agent.kubelet) ctx.kubelets.delete(node);
      }
      await agent.stop();
    },
  };
}

/** The node-agent component with a runtime of the caller's (tests); `berth up` lists startNodeAgentComponent. */
export function nodeAgentComponent(opts: NodeAgentComponentOptions): Component {
  return { name: 'node-agent', controller: true, start: (ctx) => startNodeAgentComponent(ctx, opts) };
}

async function startAgent(ctx: ComponentContext, opts: NodeAgentComponentOptions): Promise<NodeAgent> {
  const client = ctx.clientAs({ userAgent: 'berth-node-agent' });
  // Each node writes as itself (system:node:<name> in system:nodes), held by the Node authorizer and NodeRestriction.
  const nodeClients = new Map<string, KubeClient>();
  const clientFor = (node: string) => {
    let c = nodeClients.get(node);
    if (!c) nodeClients.set(node, (c = ctx.clientAs({ userAgent: KUBELET_USER_AGENT, fieldManager: 'kubelet', user: nodeUser(node) })));
    return c;
  };
  const o = ctx.options;
  const logDir = podLogDir(ctx.dataDir);
  const base = { nodes: o.nodes, simStartDelayMs: o.simStartDelayMs, podCidr: o.clusterCidr, informers: ctx.informers, logDir, clientFor };
  if (opts.runtime) return startNodeAgent(client, { ...base, runtime: opts.runtime(ctx, logDir) });
  if (o.runtime !== 'process') return startNodeAgent(client, base);

  const [{ ProcessRuntime }, { machineNodeInfo }, { gatewayOf }] = await Promise.all([
    import('./process/runtime.js'), import('./machine.js'), import('../networking/host-network.js'),
  ]);
  const subnets = nodeSubnets(o.clusterCidr, o.nodes);
  const f = ctx.informers;
  const stores = {
    configMaps: f.informerFor<KubeObject>(builtin.configMaps).store,
    secrets: f.informerFor<KubeObject>(builtin.secrets).store,
    claims: f.informerFor<KubeObject>(builtin.persistentVolumeClaims).store,
    volumes: f.informerFor<KubeObject>(builtin.persistentVolumes).store,
    services: f.informerFor<KubeObject>(builtin.services).store,
  };
  const { capacity, machine } = machineNodeInfo(ctx.dataDir);
  const tokensFor = nodeTokenManagers(clientFor);
  const runtime = await ProcessRuntime.start({
    dataDir: ctx.dataDir, clusterCidr: o.clusterCidr, serviceCidr: o.serviceCidr, nodeSubnets: subnets,
    clusterDNS: clusterDnsIP(o.serviceCidr),
    view: {
      configMap: (ns, name) => stores.configMaps.get(`${ns}/${name}`),
      secret: (ns, name) => stores.secrets.get(`${ns}/${name}`),
      persistentVolumeClaim: (ns, name) => stores.claims.get(`${ns}/${name}`),
      persistentVolume: (name) => stores.volumes.get(name),
      services: () => stores.services.list(),
      nodeAllocatable: () => machine.allocatable,
      serviceAccountToken: (node, r) => tokensFor(node).get(r),
    },
  });
  try {
    return await startNodeAgent(client, { ...base, namePrefix: NODE_NAME_PREFIX, runtime, machine: { capacity, info: machine, internalIP: gatewayOf } });
  } catch (e) {
    await runtime.close();
    throw e;
  }
}

/**
 * The kubelet's token manager, one per node asking as that node: TokenRequests bound to the pod, refreshed at 80%
 * of their lifetime.
 */
export function nodeTokenManagers(clientFor: (node: string) => KubeClient): (node: string) => TokenManager {
  const tokenManagers = new Map<string, TokenManager>();
  return (node: string) => {
    let m = tokenManagers.get(node);
    if (!m) {
      tokenManagers.set(node, (m = new TokenManager(async (r) => {
        const body = {
          apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
          spec: { audiences: r.audiences, expirationSeconds: r.expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: r.boundPod.name, uid: r.boundPod.uid } },
        };
        const out = await clientFor(node).rest.request<{ status: IssuedToken }>({
          method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(r.namespace)}/serviceaccounts/${encodeURIComponent(r.serviceAccountName)}/token`, body,
        });
        return out.status;
      })));
    }
    return m;
  };
}
