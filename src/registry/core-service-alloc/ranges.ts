// Range arithmetic behind Service ClusterIP and NodePort allocation (pkg/registry/core/service/ipallocator and
// portallocator). A range is a run of integers; dynamic allocation starts at a random point of the upper band so
// the lower "static" band stays free for users who ask for a specific value, and only spills into it when the
// upper band is full.

import { formatIPv4, parseIPv4 } from '../../networking/ipv4.js';

export class AllocationError extends Error {}

export const ERR_FULL = 'range is full';
export const ERR_IP_ALLOCATED = 'provided IP is already allocated';
export const ERR_PORT_ALLOCATED = 'provided port is already allocated';

/** A contiguous range of `size` values starting at `base`, with its static band at the bottom. */
export class IntRange {
  readonly staticSize: number;

  constructor(readonly base: number, readonly size: number, bandMin: number, bandDivisor: number, bandMax: number) {
    // upstream: min(max(bandMin, size/divisor), bandMax), never more than the range itself
    this.staticSize = Math.min(Math.max(bandMin, Math.floor(size / bandDivisor)), bandMax, size);
  }

  contains(v: number): boolean {
    return v >= this.base && v < this.base + this.size;
  }

  /**
   * A free value, or undefined when every value is used. Scans the dynamic band from a random offset (wrapping),
   * then the static band the same way.
   */
  pickFree(isUsed: (v: number) => boolean, random: () => number = Math.random): number | undefined {
    const scan = (start: number, count: number): number | undefined => {
      if (count <= 0) return undefined;
      const first = Math.floor(random() * count);
      for (let i = 0; i < count; i++) {
        const v = this.base + start + ((first + i) % count);
        if (!isUsed(v)) return v;
      }
      return undefined;
    };
    return scan(this.staticSize, this.size - this.staticSize) ?? scan(0, this.staticSize);
  }
}

// ---- IPv4 ----

export { formatIPv4, parseIPv4 };

/**
 * The service IPs of an IPv4 CIDR: every address but the network and broadcast ones. The static band is
 * min(max(16, size/16), 256) addresses, as upstream's ipallocator.
 */
export class ServiceIPRange {
  readonly range: IntRange;
  readonly cidr: string;

  constructor(cidr: string) {
    const [addr, bitsText] = cidr.split('/');
    const bits = Number(bitsText);
    const ip = parseIPv4(addr ?? '');
    if (ip === undefined || !Number.isInteger(bits) || bits < 1 || bits > 30) throw new Error(`invalid service CIDR ${cidr}`);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    const network = (ip & mask) >>> 0;
    this.cidr = `${formatIPv4(network)}/${bits}`;
    const total = 2 ** (32 - bits);
    this.range = new IntRange(network + 1, total - 2, 16, 16, 256);
  }

  /** The first usable address, e.g. 10.96.0.1 — the `kubernetes` Service's IP. */
  firstIP(): string {
    return formatIPv4(this.range.base);
  }

  contains(ip: string): boolean {
    const n = parseIPv4(ip);
    return n !== undefined && this.range.contains(n);
  }

  notInRangeMessage(): string {
    return `provided IP is not in the valid range. The range of valid IPs is ${this.cidr}`;
  }
}

/** The cluster DNS Service's IP: the tenth address of the Service range (10.96.0.10), kubeadm's convention. */
export function clusterDnsIP(serviceCidr: string): string {
  const r = new ServiceIPRange(serviceCidr);
  return formatIPv4(r.range.base + 9);
}

/** NodePorts: `min-max` inclusive; static band min(max(16, size/32), 128) as upstream's portallocator. */
export class NodePortRange {
  readonly range: IntRange;

  constructor(readonly min = 30000, readonly max = 32767) {
    this.range = new IntRange(min, max - min + 1, 16, 32, 128);
  }

  notInRangeMessage(): string {
    return `provided port is not in the valid range. The range of valid ports is ${this.min}-${this.max}`;
  }
}
