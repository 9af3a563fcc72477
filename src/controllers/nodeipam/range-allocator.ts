// The node IPAM controller's range allocator (pkg/controller/nodeipam/ipam/range_allocator.go and cidrset): the
// cluster CIDR is cut into subnets of --node-cidr-mask-size (24) bits; podCIDRs nodes already carry are marked used
// at start and as nodes appear (nodes that `berth up` registers bring their own), a node without one gets the next
// free subnet after the last one handed out, and a deleted node's subnet is free again.
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import type { KubeClient } from '../../client/client.js';
import { cidrsOverlap, formatCidr, parseCidr, type Cidr } from '../../networking/ipv4.js';
import { QueueController, type Syncable } from '../common/queue-controller.js';
import type { Node } from '../../api/core.js';

/** cidrset.CidrSet: which of the cluster range's node subnets are taken. */
export class CidrSet {
  private readonly cluster: Cidr;
  private readonly count: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(clusterCidr: string, readonly maskSize: number) {
    const c = parseCidr(clusterCidr);
    if (!c) throw new Error(`invalid cluster CIDR ${clusterCidr}`);
    if (maskSize < c.bits || maskSize > 32) throw new Error(`--node-cidr-mask-size ${maskSize} does not fit the cluster CIDR ${clusterCidr}`);
    this.cluster = c;
    this.count = 2 ** (maskSize - c.bits);
  }

  private subnet(i: number): string {
    return formatCidr({ base: (this.cluster.base + i * 2 ** (32 - this.maskSize)) >>> 0, bits: this.maskSize, size: 2 ** (32 - this.maskSize) });
  }

  /** The indexes of the node subnets `cidr` covers (none when it lies outside the cluster range). */
  private indexes(cidr: string): number[] {
    const c = parseCidr(cidr);
    if (!c || !cidrsOverlap(c, this.cluster)) return [];
    const size = 2 ** (32 - this.maskSize);
    const from = Math.max(c.base, this.cluster.base), to = Math.min(c.base + c.size, this.cluster.base + this.cluster.size);
    const out: number[] = [];
    for (let a = from - ((from - this.cluster.base) % size); a < to; a += size) out.push((a - this.cluster.base) / size);
    return out;
  }

  occupy(cidr: string): void {
    for (const i of this.indexes(cidr)) this.used.add(i);
  }

  release(cidr: string): void {
    for (const i of this.indexes(cidr)) this.used.delete(i);
  }

  /** The next free subnet, searching on from the last one handed out (cidrset's nextCandidate); undefined when full. */
  allocateNext(): string | undefined {
    for (let k = 0; k < this.count; k++) {
      const i = (this.next + k) % this.count;
      if (this.used.has(i)) continue;
      this.used.add(i);
      this.next = (i + 1) % this.count;
      return this.subnet(i);
    }
    return undefined;
  }
}

const podCidrsOf = (n: Node): string[] => n.spec?.podCIDRs?.length ? n.spec.podCIDRs : n.spec?.podCIDR ? [n.spec.podCIDR] : [];

export class NodeIpamController extends QueueController {
  private readonly nodes: SharedInformer<Node>;
  private readonly cidrs: CidrSet;
  /** Subnets handed out and not yet seen on the node (a patch in flight): not handed out twice. */
  private readonly pending = new Map<string, string>();

  constructor(client: KubeClient, informers: SharedInformerFactory, opts: { clusterCidr: string; nodeCidrMaskSize?: number }) {
    super(client, 'node-ipam-controller', 'node-ipam', { workers: 1, eventSource: 'cidrAllocator' });
    this.cidrs = new CidrSet(opts.clusterCidr, opts.nodeCidrMaskSize ?? 24);
    this.nodes = informers.informerFor<Node>(builtin.nodes);
    this.nodes.addEventHandler({
      onAdd: (n) => {
        for (const c of podCidrsOf(n)) this.cidrs.occupy(c);
        this.enqueue(n);
      },
      onUpdate: (_o, n) => {
        for (const c of podCidrsOf(n)) this.cidrs.occupy(c);
        this.enqueue(n);
      },
      onDelete: (n) => {
        for (const c of podCidrsOf(n)) this.cidrs.release(c);
        const p = this.pending.get(n.metadata.name!);
        if (p) this.cidrs.release(p);
        this.pending.delete(n.metadata.name!);
      },
    });
  }

  protected caches(): Syncable[] {
    return [this.nodes];
  }

  protected async sync(key: string): Promise<ReconcileResult> {
    const node = this.nodes.store.get(key);
    if (!node || node.metadata.deletionTimestamp) return;
    if (podCidrsOf(node).length) {
      this.pending.delete(key);
      return;
    }
    let cidr = this.pending.get(key);
    if (!cidr) {
      cidr = this.cidrs.allocateNext();
      if (!cidr) {
        this.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${key} status is now: CIDRNotAvailable`);
        throw new Error('failed to allocate cidr from cluster cidr: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
      }
      this.pending.set(key, cidr);
    }
    // PatchNodeCIDRs: spec.podCIDR and spec.podCIDRs set together (a node may only go from none to some)
    await this.client.patch(builtin.nodes, key, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'strategic');
  }
}
