// Which endpoints a service port sends traffic to, as kube-proxy's CategorizeEndpoints (pkg/proxy/topology.go)
// decides it: "Cluster" policy uses the ready endpoints, or, when none is ready anywhere, the serving terminating
// ones; "Local" policy uses the node's own ready endpoints, or its serving terminating ones. Topology hints are not
// used (one machine has one zone).
//
// Upstream runs one kube-proxy per node. Here one proxy serves every Berth node of the machine, so "local" is
// worked out per node: a pod's traffic is local to the node whose pod subnet holds its address; traffic from the
// host itself (which is every node's host network) counts as local to all of them.
import { endpointString, EndpointInfo } from './endpoints.js';
import { ServicePortInfo, usesClusterEndpoints, usesLocalEndpoints } from './service-port.js';

export interface NodeZone {
  name: string;
  /** The node's pod subnet (a /24 of the cluster CIDR). */
  subnet: string;
  /** The node's address (its gateway on the bridge, the Node's InternalIP). */
  address: string;
}

export interface CategorizedEndpoints {
  /** Endpoints for "Cluster" policy (empty when the port never uses it). */
  cluster: EndpointInfo[];
  /** Endpoints for "Local" policy, per node (only nodes that have some). */
  localByNode: Map<string, EndpointInfo[]>;
  /** "Local" endpoints for traffic from the host. */
  hostLocal: EndpointInfo[];
  /** Every endpoint some rule may send to, once each. */
  reachable: EndpointInfo[];
  /** Whether the Service has any usable endpoint anywhere (false: connections are rejected). */
  hasAny: boolean;
}

const usable = (ep: EndpointInfo) => ep.ready || (ep.serving && ep.terminating);

/** The local endpoints among `eps`: the ready ones, else the serving terminating ones. */
function localChoice(eps: EndpointInfo[]): EndpointInfo[] {
  const ready = eps.filter((ep) => ep.ready);
  return ready.length ? ready : eps.filter((ep) => ep.serving && ep.terminating);
}

export function categorizeEndpoints(endpoints: EndpointInfo[], port: ServicePortInfo, nodes: readonly NodeZone[]): CategorizedEndpoints {
  const out: CategorizedEndpoints = { cluster: [], localByNode: new Map(), hostLocal: [], reachable: [], hasAny: false };
  if (usesClusterEndpoints(port)) {
    out.cluster = endpoints.filter((ep) => ep.ready);
    if (!out.cluster.length) out.cluster = endpoints.filter((ep) => ep.serving && ep.terminating);
    out.hasAny = out.cluster.length > 0;
  }
  if (usesLocalEndpoints(port)) {
    if (endpoints.some(usable)) out.hasAny = true;
    const ours = new Set(nodes.map((n) => n.name));
    for (const node of nodes) {
      const local = localChoice(endpoints.filter((ep) => ep.nodeName === node.name));
      if (local.length) out.localByNode.set(node.name, local);
    }
    out.hostLocal = localChoice(endpoints.filter((ep) => ep.nodeName !== undefined && ours.has(ep.nodeName)));
  }
  const seen = new Map<string, EndpointInfo>();
  for (const ep of [...out.cluster, ...[...out.localByNode.values()].flat(), ...out.hostLocal]) seen.set(endpointString(ep), ep);
  out.reachable = [...seen.values()];
  return out;
}
