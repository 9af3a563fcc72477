// The host side of the pod network, like a CNI bridge plugin's: one Linux bridge per Berth instance holding the
// gateway address of every node's pod subnet (pods of all Berth nodes share it, so they reach each other directly),
// the cluster DNS address, and unreachable routes for the whole pod and Service ranges, so that traffic for those
// ranges never leaves the machine by the default route (a Service IP nothing answers fails at once instead).
import { ipBatch, run, runQuiet } from './command.js';
import { formatCidr, formatIPv4, parseCidr } from './ipv4.js';

export interface HostNetworkOptions {
  bridge: string;
  clusterCidr: string;
  serviceCidr: string;
  /** Each node's pod subnet (`a.b.c.0/24`); its first address is that node's gateway on the bridge. */
  nodeSubnets: string[];
  /** Extra local addresses on the bridge (/32), e.g. the cluster DNS Service IP the DNS server listens on. */
  localAddresses: string[];
}

/** The gateway (first address) of a pod subnet. */
export function gatewayOf(subnet: string): string {
  const c = parseCidr(subnet);
  if (!c) throw new Error(`invalid subnet ${subnet}`);
  return formatIPv4(c.base + 1);
}

/**
 * The host's address on the pod network, where pods reach Berth's own servers (API server, cluster DNS): the first
 * node's gateway, i.e. the first address of the cluster range. It exists on the bridge once there is a node.
 */
export function hostAddressOnPodNetwork(clusterCidr: string): string {
  const c = parseCidr(clusterCidr);
  if (!c) throw new Error(`invalid cluster CIDR ${clusterCidr}`);
  return formatIPv4(c.base + 1);
}

export class HostNetwork {
  constructor(readonly opts: HostNetworkOptions) {}

  /** Creates the bridge (replacing one a killed instance left), its addresses and the routes. */
  async setup(): Promise<void> {
    const { bridge } = this.opts;
    await runQuiet('ip', ['link', 'del', bridge]);
    const lines = [`link add ${bridge} type bridge`, `link set ${bridge} up`];
    for (const subnet of this.opts.nodeSubnets) lines.push(`addr add ${gatewayOf(subnet)}/${subnet.split('/')[1]} dev ${bridge}`);
    for (const ip of this.opts.localAddresses) lines.push(`addr add ${ip}/32 dev ${bridge}`);
    for (const cidr of this.ranges()) lines.push(`route replace unreachable ${cidr}`);
    await ipBatch(lines);
    // The bridge's own IPv6 link-local chatter is not wanted on a pod network that is IPv4 only.
    await runQuiet('sysctl', ['-q', '-w', `net.ipv6.conf.${bridge}.disable_ipv6=1`]);
  }

  /** Removes the bridge (its veths went with their pods) and the routes. Safe to call twice. */
  async teardown(): Promise<void> {
    await runQuiet('ip', ['link', 'del', this.opts.bridge]);
    for (const cidr of this.ranges()) await runQuiet('ip', ['route', 'del', 'unreachable', cidr]);
  }

  /** Whether the unreachable routes are in place (tests, and a check after start). */
  async unreachableRoutes(): Promise<string[]> {
    const out = await run('ip', ['-4', 'route', 'show', 'type', 'unreachable']);
    return this.ranges().filter((cidr) => out.split('\n').some((l) => l.trim().startsWith(`unreachable ${cidr}`)));
  }

  private ranges(): string[] {
    return [this.opts.clusterCidr, this.opts.serviceCidr].map((c) => formatCidr(parseCidr(c)!));
  }
}
