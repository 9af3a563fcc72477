// Pod IP address management: the cluster range is cut into one /24 per node (node 1 gets the first), and each
// node hands out addresses from .2 upwards (.1 is the bridge), never two live pods the same address.
import { formatIPv4, parseIPv4 as parseIPv4OrUndefined } from '../networking/ipv4.js';

export { formatIPv4 };

export function parseIPv4(s: string): number {
  const n = parseIPv4OrUndefined(s);
  if (n === undefined) throw new Error(`not an IPv4 address: ${s}`);
  return n;
}

/** The /24 of the `index`th node (0-based) inside `clusterCidr` (e.g. 10.244.0.0/16 → 10.244.<index>.0/24). */
export function nodeSubnet(clusterCidr: string, index: number): string {
  const [addr, bitsText] = clusterCidr.split('/');
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 24) throw new Error(`pod CIDR ${clusterCidr} must be /24 or larger`);
  const base = parseIPv4(addr) & (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0);
  if (index >= 2 ** (24 - bits)) throw new Error(`pod CIDR ${clusterCidr} has no room for ${index + 1} node subnets`);
  return `${formatIPv4((base + index * 256) >>> 0)}/24`;
}

/** The node names the node agent registers: `<prefix><n>`, n from 1. */
export const NODE_NAME_PREFIX = 'berth-node-';

/** Node name → pod subnet, for the first `count` nodes of `clusterCidr` (node n gets subnet n-1). */
export function nodeSubnets(clusterCidr: string, count: number, prefix = NODE_NAME_PREFIX): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < count; i++) out.set(`${prefix}${i + 1}`, nodeSubnet(clusterCidr, i));
  return out;
}

export class SubnetAllocator {
  private readonly base: number;
  private readonly used = new Map<number, string>(); // address → owner (pod uid)
  private next = 2;

  constructor(readonly subnet: string) {
    this.base = parseIPv4(subnet.split('/')[0]);
  }

  contains(ip: string): boolean {
    try {
      const n = parseIPv4(ip);
      return n >= this.base + 2 && n <= this.base + 254;
    } catch {
      return false;
    }
  }

  /** Re-takes an address a pod already had (agent restart); false when it is outside the subnet or taken. */
  reserve(ip: string, owner: string): boolean {
    if (!this.contains(ip)) return false;
    const n = parseIPv4(ip);
    const holder = this.used.get(n);
    if (holder !== undefined && holder !== owner) return false;
    this.used.set(n, owner);
    return true;
  }

  /** The owner's address, allocating the next free one; round-robin so a freed address is not reused at once. */
  allocate(owner: string): string {
    for (const [n, o] of this.used) if (o === owner) return formatIPv4(n);
    for (let i = 0; i < 253; i++) {
      const offset = ((this.next - 2 + i) % 253) + 2;
      const n = this.base + offset;
      if (!this.used.has(n)) {
        this.used.set(n, owner);
        this.next = offset + 1;
        return formatIPv4(n);
      }
    }
    throw new Error(`no free pod IP in ${this.subnet}`);
  }

  release(owner: string): void {
    for (const [n, o] of this.used) if (o === owner) this.used.delete(n);
  }

  get size(): number {
    return this.used.size;
  }
}
