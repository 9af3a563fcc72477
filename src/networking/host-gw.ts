// Routes between machines as flannel's host-gw backend sets them: every other node's podCIDR via that node's
// InternalIP, which must be on the same L2 network as this machine (the next hop is resolved by ARP, no tunnel).
// These /24 routes are more specific than the unreachable route for the whole cluster range (host-network.ts), so
// pod traffic goes to the owning machine and nowhere else; a podCIDR whose node is gone becomes unreachable again.
import { runQuiet } from './command.js';
import { cidrContains, parseCidr, parseIPv4 } from './ipv4.js';

export interface NodeRoute {
  podCIDR: string;
  nodeIP: string;
}

export class HostGwRoutes {
  /** podCIDR → next hop, as installed. */
  private readonly installed = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { clusterCidr: string; ownNode: string; log?: (line: string) => void }) {}

  /** Makes the routes those of `nodes` (name → route), this machine's own node left out. Serialised. */
  sync(nodes: Map<string, NodeRoute>): Promise<void> {
    this.queue = this.queue.then(() => this.apply(nodes));
    return this.queue;
  }

  private async apply(nodes: Map<string, NodeRoute>): Promise<void> {
    const cluster = parseCidr(this.opts.clusterCidr)!;
    const want = new Map<string, string>();
    for (const [name, r] of nodes) {
      const c = parseCidr(r.podCIDR);
      // Only routes inside the cluster range, via an IPv4 next hop: nothing else is this agent's to route.
      if (name === this.opts.ownNode || !c || !cidrContains(cluster, c.base) || parseIPv4(r.nodeIP) === undefined) continue;
      want.set(r.podCIDR, r.nodeIP);
    }
    for (const [cidr, via] of this.installed) {
      if (want.get(cidr) === via) continue;
      await runQuiet('ip', ['route', 'del', cidr, 'via', via]);
      this.installed.delete(cidr);
      this.opts.log?.(`route ${cidr} via ${via} removed`);
    }
    for (const [cidr, via] of want) {
      if (this.installed.get(cidr) === via) continue;
      if ((await runQuiet('ip', ['route', 'replace', cidr, 'via', via])) === undefined) {
        this.opts.log?.(`route ${cidr} via ${via}: ip route replace failed`);
        continue;
      }
      this.installed.set(cidr, via);
      this.opts.log?.(`route ${cidr} via ${via}`);
    }
  }

  /** Removes every route this agent added. */
  async close(): Promise<void> {
    await this.sync(new Map());
  }
}
