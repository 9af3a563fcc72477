// ClusterIP and NodePort allocation for Services, as the service REST storage does it (storage/alloc.go):
// IP family defaulting, the ClusterIP from the service CIDR (or the requested one, checked), NodePorts for
// NodePort/LoadBalancer services and the health-check NodePort for LoadBalancer + externalTrafficPolicy Local.
//
// What is in use is derived from the stored Services (fed in by `observe`, from a storage watch), so deletes and
// updates release values without extra bookkeeping and a restart rebuilds the state from storage. Values handed
// out by admission but not yet stored are "pending" for a while, so concurrent creates cannot get the same value
// and a create that fails after admission gives its value back when the pending entry lapses.
import { errInternal, errInvalid } from '../../apimachinery/errors.js';
import { FieldError, invalid } from '../../apimachinery/field-errors.js';
import { AllocationError, ERR_FULL, ERR_IP_ALLOCATED, ERR_PORT_ALLOCATED, formatIPv4, NodePortRange, parseIPv4, ServiceIPRange } from './ranges.js';
import type { ServiceSpec, Service } from '../../api/generated/core-v1.js';
export type { ServicePort, ServiceSpec, LoadBalancerIngress, ServiceStatus, Service } from '../../api/generated/core-v1.js';

export interface ServiceAllocatorOptions {
  /** Default 10.96.0.0/12. */
  serviceCIDR?: string;
  nodePortMin?: number;
  nodePortMax?: number;
  /** How long a value handed out by admission stays reserved without a stored Service holding it. */
  pendingTtlMs?: number;
  random?: () => number;
  now?: () => number;
}

interface Holding {
  ips: number[];
  ports: number[];
}

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

const isHeadless = (spec: ServiceSpec) => (spec.clusterIPs?.[0] ?? spec.clusterIP) === 'None';
const shouldAllocateNodePorts = (spec: ServiceSpec) =>
  spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
const needsHealthCheck = (spec: ServiceSpec) => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';

/** Every NodePort a service holds (ports and health check), without duplicates. */
export function serviceNodePorts(spec: ServiceSpec | undefined): number[] {
  const out = new Set<number>();
  for (const p of spec?.ports ?? []) if (p.nodePort) out.add(p.nodePort);
  if (spec?.healthCheckNodePort) out.add(spec.healthCheckNodePort);
  return [...out];
}

export class ServiceAllocator {
  readonly ipRange: ServiceIPRange;
  readonly portRange: NodePortRange;
  private readonly holdings = new Map<string, Holding>();
  private readonly ipUse = new Map<number, number>();
  private readonly portUse = new Map<number, number>();
  private readonly pendingIPs = new Map<number, number>();
  private readonly pendingPorts = new Map<number, number>();
  private readonly ttl: number;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(opts: ServiceAllocatorOptions = {}) {
    this.ipRange = new ServiceIPRange(opts.serviceCIDR ?? DEFAULT_SERVICE_CIDR);
    this.portRange = new NodePortRange(opts.nodePortMin ?? 30000, opts.nodePortMax ?? 32767);
    this.ttl = opts.pendingTtlMs ?? 30_000;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
  }

  // ---- what storage holds ----

  /** Records what a stored Service holds (undefined: it is gone). Keyed by anything unique per Service. */
  observe(key: string, svc: Service | undefined): void {
    const old = this.holdings.get(key);
    if (old) {
      for (const ip of old.ips) decrement(this.ipUse, ip);
      for (const p of old.ports) decrement(this.portUse, p);
      this.holdings.delete(key);
    }
    if (!svc) return;
    const spec = svc.spec ?? {};
    const ips = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []))
      .map((ip) => parseIPv4(ip))
      .filter((n): n is number => n !== undefined && this.ipRange.range.contains(n));
    const ports = serviceNodePorts(spec).filter((p) => this.portRange.range.contains(p));
    for (const ip of ips) {
      this.ipUse.set(ip, (this.ipUse.get(ip) ?? 0) + 1);
      this.pendingIPs.delete(ip);
    }
    for (const p of ports) {
      this.portUse.set(p, (this.portUse.get(p) ?? 0) + 1);
      this.pendingPorts.delete(p);
    }
    this.holdings.set(key, { ips, ports });
  }

  isIPAllocated(ip: string): boolean {
    const n = parseIPv4(ip);
    return n !== undefined && this.ipUsed(n);
  }

  isPortAllocated(port: number): boolean {
    return this.portUsed(port);
  }

  /** Counts, for tests and diagnostics. */
  usage(): { ips: number; ports: number; pendingIPs: number; pendingPorts: number } {
    this.expire();
    return { ips: this.ipUse.size, ports: this.portUse.size, pendingIPs: this.pendingIPs.size, pendingPorts: this.pendingPorts.size };
  }

  private ipUsed(n: number): boolean {
    return this.ipUse.has(n) || live(this.pendingIPs, n, this.now());
  }

  private portUsed(n: number): boolean {
    return this.portUse.has(n) || live(this.pendingPorts, n, this.now());
  }

  private expire(): void {
    const now = this.now();
    for (const m of [this.pendingIPs, this.pendingPorts]) for (const [v, exp] of m) if (exp <= now) m.delete(v);
  }

  // ---- single values ----

  /** Reserves the given IP (or a free one); dry runs only check. Throws AllocationError. */
  allocateIP(requested: string | undefined, dryRun = false): string {
    let n: number | undefined;
    if (requested) {
      n = parseIPv4(requested);
      if (n === undefined || !this.ipRange.range.contains(n)) throw new AllocationError(this.ipRange.notInRangeMessage());
      if (this.ipUsed(n)) throw new AllocationError(ERR_IP_ALLOCATED);
    } else {
      n = this.ipRange.range.pickFree((v) => this.ipUsed(v), this.random);
      if (n === undefined) throw new AllocationError(ERR_FULL);
    }
    if (!dryRun) this.pendingIPs.set(n, this.now() + this.ttl);
    return formatIPv4(n);
  }

  allocatePort(requested: number | undefined, dryRun = false): number {
    let n: number | undefined;
    if (requested) {
      n = requested;
      if (!this.portRange.range.contains(n)) throw new AllocationError(this.portRange.notInRangeMessage());
      if (this.portUsed(n)) throw new AllocationError(ERR_PORT_ALLOCATED);
    } else {
      n = this.portRange.range.pickFree((v) => this.portUsed(v), this.random);
      if (n === undefined) throw new AllocationError(ERR_FULL);
    }
    if (!dryRun) this.pendingPorts.set(n, this.now() + this.ttl);
    return n;
  }

  // ---- whole services ----

  /** allocateCreate: mutates the Service being created; throws ApiError (Invalid / InternalError). */
  allocateCreate(svc: Service, dryRun: boolean): void {
    const spec = (svc.spec ??= {});
    this.initIPFamilyFields(svc, undefined);
    this.allocClusterIPs(svc, dryRun);
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') this.initNodePorts(svc, dryRun);
    if (needsHealthCheck(spec)) this.allocHealthCheckNodePort(svc, dryRun);
  }

  /** allocateUpdate: new values for an updated Service (ClusterIP when leaving ExternalName, new NodePorts). */
  allocateUpdate(svc: Service, old: Service, dryRun: boolean): void {
    const spec = (svc.spec ??= {});
    const oldSpec = old.spec ?? {};
    this.initIPFamilyFields(svc, old);
    if (oldSpec.type === 'ExternalName' && spec.type !== 'ExternalName') this.allocClusterIPs(svc, dryRun);
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') this.updateNodePorts(svc, old, dryRun);
    if (needsHealthCheck(spec) && !needsHealthCheck(oldSpec)) this.allocHealthCheckNodePort(svc, dryRun);
  }

  private initIPFamilyFields(svc: Service, old: Service | undefined): void {
    const spec = svc.spec!;
    if (spec.type === 'ExternalName') return;
    const selectorless = !spec.selector || Object.keys(spec.selector).length === 0;
    const headlessSelectorless = spec.clusterIP === 'None' && selectorless;
    if (!spec.ipFamilyPolicy) {
      if (old?.spec?.ipFamilyPolicy) spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
      else spec.ipFamilyPolicy = headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
    }
    const errs: FieldError[] = [];
    const ips = spec.clusterIPs ?? [];
    if (spec.ipFamilyPolicy === 'SingleStack') {
      if (ips.length === 2) errs.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
      if ((spec.ipFamilies ?? []).length === 2) errs.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
    // infer families from the requested IPs
    const families = [...(spec.ipFamilies ?? [])];
    for (let i = 0; i < ips.length; i++) {
      if (ips[i] === 'None') break;
      const fam = familyOf(ips[i]);
      if (!fam) return; // malformed: validation reports it
      if (i >= families.length) {
        if (fam !== 'IPv4') errs.push(invalid(`spec.clusterIPs[${i}]`, ips, `${fam} is not configured on this cluster`));
        else families.push(fam);
      }
    }
    if (errs.length) throw errInvalid('', 'Service', svc.metadata.name ?? '', errs);
    if (headlessSelectorless) {
      if (families.length === 0) families.push('IPv4');
      if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
      spec.ipFamilies = families;
      return;
    }
    if (spec.ipFamilyPolicy === 'RequireDualStack') errs.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
    families.forEach((f, i) => { if (f !== 'IPv4') errs.push(invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster')); });
    if (errs.length) throw errInvalid('', 'Service', svc.metadata.name ?? '', errs);
    spec.ipFamilies = families.length ? families : ['IPv4'];
  }

  private allocClusterIPs(svc: Service, dryRun: boolean): void {
    const spec = svc.spec!;
    if (spec.type === 'ExternalName' || isHeadless(spec)) return;
    const requested = spec.clusterIPs?.[0] || spec.clusterIP || undefined;
    if (requested && parseIPv4(requested) === undefined) return; // malformed: validation reports it
    try {
      const ip = this.allocateIP(requested, dryRun);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip, ...(spec.clusterIPs ?? []).slice(1)];
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      if (!requested) throw errInternal(new Error(`failed to allocate a serviceIP: ${e.message}`));
      throw errInvalid('', 'Service', svc.metadata.name ?? '', [invalid('spec.clusterIPs', spec.clusterIPs ?? [requested], `failed to allocate IP ${requested}: ${e.message}`)]);
    }
  }

  /** initNodePorts: one NodePort per service port number (TCP and UDP of one port share it); requests honoured. */
  private initNodePorts(svc: Service, dryRun: boolean): void {
    const spec = svc.spec!;
    const ports = spec.ports ?? [];
    const byServicePort = new Map<number, number>();
    ports.forEach((sp, i) => {
      if (!sp.nodePort && !shouldAllocateNodePorts(spec)) return;
      const servicePort = sp.port ?? 0;
      const already = byServicePort.get(servicePort);
      if (already === undefined) {
        const requested = ports.find((p) => p.port === servicePort && p.nodePort)?.nodePort;
        const np = this.portOrThrow(svc, i, requested, dryRun);
        sp.nodePort = np;
        byServicePort.set(servicePort, np);
      } else if (sp.nodePort !== already) {
        if (!sp.nodePort) sp.nodePort = already;
        else this.portOrThrow(svc, i, sp.nodePort, dryRun);
      }
    });
  }

  private updateNodePorts(svc: Service, old: Service, dryRun: boolean): void {
    const spec = svc.spec!;
    const oldPorts = new Set(serviceNodePorts(old.spec));
    const taken = new Set<number>();
    (spec.ports ?? []).forEach((sp, i) => {
      if (!sp.nodePort && !shouldAllocateNodePorts(spec)) return;
      if (sp.nodePort) {
        if (!oldPorts.has(sp.nodePort) && !taken.has(sp.nodePort)) {
          this.portOrThrow(svc, i, sp.nodePort, dryRun);
          taken.add(sp.nodePort);
        }
      } else {
        sp.nodePort = this.portOrThrow(svc, i, undefined, dryRun);
      }
    });
  }

  private allocHealthCheckNodePort(svc: Service, dryRun: boolean): void {
    const spec = svc.spec!;
    const requested = spec.healthCheckNodePort || undefined;
    try {
      spec.healthCheckNodePort = this.allocatePort(requested, dryRun);
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      throw errInternal(new Error(requested
        ? `failed to allocate requested HealthCheck NodePort ${requested}: ${e.message}`
        : `failed to allocate a HealthCheck NodePort 0: ${e.message}`));
    }
  }

  private portOrThrow(svc: Service, index: number, requested: number | undefined, dryRun: boolean): number {
    try {
      return this.allocatePort(requested, dryRun);
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      if (!requested) throw errInternal(new Error(`failed to allocate a nodePort: ${e.message}`));
      throw errInvalid('', 'Service', svc.metadata.name ?? '', [invalid(`spec.ports[${index}].nodePort`, requested, e.message)]);
    }
  }
}

function familyOf(ip: string): 'IPv4' | 'IPv6' | undefined {
  if (parseIPv4(ip) !== undefined) return 'IPv4';
  return /^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':') ? 'IPv6' : undefined;
}

function decrement(m: Map<number, number>, v: number): void {
  const c = (m.get(v) ?? 0) - 1;
  if (c > 0) m.set(v, c);
  else m.delete(v);
}

function live(pending: Map<number, number>, v: number, now: number): boolean {
  const exp = pending.get(v);
  if (exp === undefined) return false;
  if (exp > now) return true;
  pending.delete(v);
  return false;
}

