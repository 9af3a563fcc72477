// The nftables rules for Services, laid out as kube-proxy's nftables mode lays them out (pkg/proxy/nftables/
// proxier.go and its README): one table; base chains for the filter, DNAT and SNAT hooks; a `services` chain that
// dispatches through the `service-ips` (address . protocol . port) and `service-nodeports` (protocol . port)
// verdict maps; per service port a chain choosing an endpoint with `numgen random mod N`, per endpoint a chain that
// DNATs (and marks hairpin traffic for masquerade); `no-endpoint-*` maps that reject (no endpoints at all) or drop
// (none for that traffic policy) before NAT; masquerade by packet mark in postrouting.
//
// What differs, and why: NodePorts answer on 127.0.0.1 and the node addresses only (never the machine's outside
// interfaces); the forward hook keeps pod and Service traffic on the instance's bridge; arriving traffic is checked
// for "no endpoints" in prerouting right after DNAT rather than in input/forward (see skeleton); anything still
// addressed to the Service range after DNAT is rejected at once (the range is routed to the bridge so the host can
// reach ClusterIPs); "Local" traffic policy is decided per Berth node (see topology.ts).
import { createHash } from 'node:crypto';
import { endpointString, EndpointInfo } from './endpoints.js';
import { ServicePortInfo, externallyAccessible, usesClusterEndpoints, usesLocalEndpoints } from './service-port.js';
import type { CategorizedEndpoints, NodeZone } from './topology.js';

export interface TableLayout {
  /** `inet berth-<id>` */
  table: string;
  bridge: string;
  clusterCidr: string;
  serviceCidr: string;
  nodes: readonly NodeZone[];
  /** Addresses NodePorts answer on: 127.0.0.1 and every node address. */
  nodePortAddresses: readonly string[];
  /** The packet mark bit meaning "masquerade this" (kube-proxy uses bit 14; Berth another, so both can coexist). */
  masqueradeMark: string;
  /** Text for the table's comment. */
  comment: string;
}

export const DEFAULT_MASQUERADE_MARK = '0x00100000';

// Map and chain names of the table skeleton.
export const SERVICE_IPS = 'service-ips';
export const SERVICE_NODEPORTS = 'service-nodeports';
export const NO_ENDPOINT_SERVICES = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports';
const REJECT_CHAIN = 'reject-chain';
const MARK_MASQ = 'mark-for-masquerade';

export interface MapElement {
  map: string;
  key: string;
  value: string;
}

/** Everything one service port owns in the table. */
export interface RuleUnit {
  /** chain name → its rules, in order */
  chains: Map<string, string[]>;
  /** set name → its definition (`{ type …; }`) */
  sets: Map<string, string>;
  elements: MapElement[];
}

export const emptyUnit = (): RuleUnit => ({ chains: new Map(), sets: new Map(), elements: [] });

/** The skeleton: base chains, dispatch maps and helper chains, as commands after `add table`. */
export function skeleton(l: TableLayout): string[] {
  const t = l.table;
  const out: string[] = [`add table ${t} { comment ${quote(l.comment)}; }`];
  const base: [string, string, string, number][] = [
    // Arriving traffic is checked right after DNAT, still in prerouting: rejected there, a pod's packet is never
    // routed back out of the bridge, which would send the pod an ICMP redirect first (and the redirect spends the
    // per-host ICMP allowance, so the reject would not reach the pod). The host's own traffic is checked just
    // before DNAT, and right after it for the Service range.
    ['filter-prerouting-post-dnat', 'filter', 'prerouting', -90],
    ['filter-input', 'filter', 'input', -110],
    ['filter-forward', 'filter', 'forward', -110],
    ['filter-output', 'filter', 'output', -110],
    ['filter-output-post-dnat', 'filter', 'output', -90],
    ['nat-prerouting', 'nat', 'prerouting', -100],
    ['nat-output', 'nat', 'output', -100],
    ['nat-postrouting', 'nat', 'postrouting', 100],
  ];
  for (const [name, type, hook, prio] of base) out.push(`add chain ${t} ${name} { type ${type} hook ${hook} priority ${prio}; policy accept; }`);
  for (const name of ['services', 'endpoints-check', 'service-range-check', MARK_MASQ, 'masquerading', REJECT_CHAIN]) out.push(`add chain ${t} ${name}`);
  out.push(`add set ${t} nodeport-ips { type ipv4_addr; comment "addresses NodePorts answer on"; ${l.nodePortAddresses.length ? `elements = { ${l.nodePortAddresses.join(', ')} }; ` : ''}}`);
  out.push(`add map ${t} ${SERVICE_IPS} { type ipv4_addr . inet_proto . inet_service : verdict; comment "ClusterIP and LoadBalancer traffic"; }`);
  out.push(`add map ${t} ${SERVICE_NODEPORTS} { type inet_proto . inet_service : verdict; comment "NodePort traffic"; }`);
  out.push(`add map ${t} ${NO_ENDPOINT_SERVICES} { type ipv4_addr . inet_proto . inet_service : verdict; comment "Services without usable endpoints: reject or drop"; }`);
  out.push(`add map ${t} ${NO_ENDPOINT_NODEPORTS} { type inet_proto . inet_service : verdict; comment "NodePorts without usable endpoints: reject or drop"; }`);
  const b = quote(l.bridge);
  const rule = (chain: string, r: string) => out.push(`add rule ${t} ${chain} ${r}`);
  // Pod and Service traffic stays on this instance's bridge: nothing the bridge brings in is forwarded anywhere
  // else, and nothing from elsewhere is forwarded onto it.
  rule('filter-forward', `iifname ${b} oifname != ${b} drop`);
  rule('filter-forward', `iifname != ${b} oifname ${b} drop`);
  rule('filter-prerouting-post-dnat', 'ct state new jump endpoints-check');
  rule('filter-prerouting-post-dnat', 'ct state new jump service-range-check');
  // route_localnet is on for the bridge (NodePorts on 127.0.0.1 reach pods through it); like kube-proxy's
  // iptables mode, never let a packet from the bridge open a connection to the host's loopback services.
  rule('filter-input', `iifname ${b} ip daddr 127.0.0.0/8 ct state != { established, related } drop`);
  rule('filter-output', 'ct state new jump endpoints-check');
  rule('filter-output-post-dnat', 'ct state new jump service-range-check');
  rule('nat-prerouting', 'jump services');
  rule('nat-output', 'jump services');
  rule('nat-postrouting', 'jump masquerading');
  rule('services', `ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS}`);
  rule('services', `ip daddr @nodeport-ips meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`);
  rule('endpoints-check', `ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES}`);
  rule('endpoints-check', `ip daddr @nodeport-ips meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS}`);
  // Still addressed to the Service range after DNAT: no such Service (or port). Fail at once, as the unreachable
  // route did before the proxy routed the range to the bridge. The cluster DNS address is local and answers itself.
  rule('service-range-check', `ip daddr ${l.serviceCidr} fib daddr type != local reject with icmp type host-unreachable`);
  rule(MARK_MASQ, `mark set mark or ${l.masqueradeMark}`);
  rule('masquerading', `mark and ${l.masqueradeMark} == 0 return`);
  rule('masquerading', `mark set mark xor ${l.masqueradeMark}`);
  rule('masquerading', 'masquerade fully-random');
  rule(REJECT_CHAIN, 'reject');
  return out;
}

/** nftables names: at most 255 characters; a hash prefix keeps truncated names unique and tells similar ones apart. */
function hashed(name: string): string {
  const h = createHash('sha256').update(name).digest('hex').slice(0, 8).toUpperCase();
  const full = `${h}-${name}`;
  return full.length > 230 ? `${full.slice(0, 227)}...` : full;
}

export interface PortChainNames {
  cluster: string;
  local: string;
  external: string;
  endpoint(ep: EndpointInfo): string;
  affinity(ep: EndpointInfo): string;
}

export function chainNames(p: ServicePortInfo): PortChainNames {
  const base = `${p.namespace}/${p.name}/${p.protocol.toLowerCase()}/${p.portName}`;
  const hb = hashed(base);
  const epBase = (ep: EndpointInfo) => hashed(`${base}__${ep.ip}/${ep.port}`);
  return {
    cluster: `svc-${hb}`,
    local: `local-${hb}`,
    external: `ext-${hb}`,
    endpoint: (ep) => `ep-${epBase(ep)}`,
    // The timeout is part of the set's identity: a set's timeout cannot be changed in place.
    affinity: (ep) => `aff${p.stickySeconds}-${epBase(ep)}`,
  };
}

/** The chains, sets and map elements of one service port, given its categorized endpoints. */
export function servicePortUnit(p: ServicePortInfo, c: CategorizedEndpoints, l: TableLayout): RuleUnit {
  const unit = emptyUnit();
  const names = chainNames(p);
  const proto = p.protocol.toLowerCase();
  const accessible = externallyAccessible(p);

  const usesClusterChain = c.cluster.length > 0 && usesClusterEndpoints(p);
  const usesLocalChain = usesLocalEndpoints(p) && (c.localByNode.size > 0 || c.hostLocal.length > 0);
  const internalChain = p.internalPolicyLocal ? names.local : names.cluster;
  const hasInternal = c.hasAny && (p.internalPolicyLocal ? usesLocalChain : usesClusterChain);
  const externalPolicyChain = p.externalPolicyLocal ? names.local : names.cluster;
  const hasExternal = c.hasAny && (p.externalPolicyLocal ? c.hostLocal.length > 0 : usesClusterChain);
  const usesExternalChain = c.hasAny && accessible;

  // No endpoints at all: reject. Endpoints, but none for this policy: drop (as upstream).
  const internalFilter = !c.hasAny ? `goto ${REJECT_CHAIN}` : 'drop';
  const externalFilter = internalFilter;
  const key = (ip: string, port: number) => `${ip} . ${proto} . ${port}`;

  if (hasInternal) unit.elements.push({ map: SERVICE_IPS, key: key(p.clusterIP, p.port), value: `goto ${internalChain}` });
  else unit.elements.push({ map: NO_ENDPOINT_SERVICES, key: key(p.clusterIP, p.port), value: internalFilter });
  for (const vip of p.loadBalancerVIPs) {
    if (c.hasAny) unit.elements.push({ map: SERVICE_IPS, key: key(vip, p.port), value: `goto ${names.external}` });
    if (!hasExternal) unit.elements.push({ map: NO_ENDPOINT_SERVICES, key: key(vip, p.port), value: externalFilter });
  }
  if (p.nodePort) {
    if (c.hasAny) unit.elements.push({ map: SERVICE_NODEPORTS, key: `${proto} . ${p.nodePort}`, value: `goto ${names.external}` });
    if (!hasExternal) unit.elements.push({ map: NO_ENDPOINT_NODEPORTS, key: `${proto} . ${p.nodePort}`, value: externalFilter });
  }

  // Traffic to the ClusterIP from outside the pod network is masqueraded (so replies come back here).
  const masqueradeOffCluster = `ip daddr ${p.clusterIP} ${proto} dport ${p.port} ip saddr != ${l.clusterCidr} jump ${MARK_MASQ}`;

  if (usesExternalChain) {
    const rules: string[] = [];
    if (!p.externalPolicyLocal) {
      rules.push(`jump ${MARK_MASQ}`); // the endpoint may be on another node: replies must come back through here
    } else {
      // Pods reaching an external address are not subject to the traffic policy (as if out to a load balancer and
      // back); traffic from the host is masqueraded (its source would be the VIP itself) and goes to every endpoint.
      rules.push(`ip saddr ${l.clusterCidr} goto ${names.cluster}`);
      rules.push(`fib saddr type local jump ${MARK_MASQ}`);
      rules.push(`fib saddr type local goto ${names.cluster}`);
    }
    if (hasExternal) rules.push(`goto ${externalPolicyChain}`);
    unit.chains.set(names.external, rules);
  }

  const affinityRules = (eps: EndpointInfo[]) => (p.stickySeconds ? eps.map((ep) => `ip saddr @${names.affinity(ep)} goto ${names.endpoint(ep)}`) : []);
  const pick = (eps: EndpointInfo[]) => (eps.length === 1
    ? `goto ${names.endpoint(eps[0])}`
    : `numgen random mod ${eps.length} vmap { ${eps.map((ep, i) => `${i} : goto ${names.endpoint(ep)}`).join(', ')} }`);

  if (usesClusterChain) {
    const rules: string[] = [];
    if (hasInternal && internalChain === names.cluster) rules.push(masqueradeOffCluster);
    rules.push(...affinityRules(c.cluster), pick(c.cluster));
    unit.chains.set(names.cluster, rules);
  }
  if (usesLocalChain) {
    const rules: string[] = [];
    if (hasInternal && internalChain === names.local) rules.push(masqueradeOffCluster);
    const localEndpoints = new Map<string, EndpointInfo>();
    for (const ep of [...[...c.localByNode.values()].flat(), ...c.hostLocal]) localEndpoints.set(endpointString(ep), ep);
    rules.push(...affinityRules([...localEndpoints.values()]));
    // A pod's traffic is local to its node; anything else (the host, every node's host network) to all of them.
    for (const node of l.nodes) {
      const eps = c.localByNode.get(node.name);
      rules.push(`ip saddr ${node.subnet} ${eps ? pick(eps) : 'drop'}`);
    }
    rules.push(c.hostLocal.length ? pick(c.hostLocal) : 'drop');
    unit.chains.set(names.local, rules);
  }

  for (const ep of c.reachable) {
    const rules = [`ip saddr ${ep.ip} jump ${MARK_MASQ}`]; // hairpin: a pod reaching itself through its Service
    if (p.stickySeconds) {
      unit.sets.set(names.affinity(ep), `{ type ipv4_addr; flags dynamic,timeout; timeout ${p.stickySeconds}s; }`);
      rules.push(`update @${names.affinity(ep)} { ip saddr }`);
    }
    rules.push(`meta l4proto ${proto} dnat ip to ${ep.ip}:${ep.port}`);
    unit.chains.set(names.endpoint(ep), rules);
  }
  return unit;
}

/** Commands that create a unit from nothing (full sync). */
export function unitCommands(table: string, u: RuleUnit): { define: string[]; fill: string[]; elements: string[] } {
  const define: string[] = [];
  const fill: string[] = [];
  for (const [name, spec] of u.sets) define.push(`add set ${table} ${name} ${spec}`);
  for (const [name, rules] of u.chains) {
    define.push(`add chain ${table} ${name}`);
    for (const r of rules) fill.push(`add rule ${table} ${name} ${r}`);
  }
  return { define, fill, elements: u.elements.map((e) => addElement(table, e)) };
}

export const addElement = (table: string, e: MapElement) => `add element ${table} ${e.map} { ${e.key} : ${e.value} }`;
export const deleteElement = (table: string, e: MapElement) => `delete element ${table} ${e.map} { ${e.key} }`;

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '')}"`;
}
