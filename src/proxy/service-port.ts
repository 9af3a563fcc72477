// What the proxy needs from a Service, one entry per port, as kube-proxy's ServiceChangeTracker builds them
// (pkg/proxy/serviceport.go, servicechangetracker.go): the ClusterIP, port and NodePort, the load-balancer VIPs
// from status, session affinity with its timeout, and the two traffic policies. Headless and ExternalName Services
// have no rules (DNS answers for them); IPv4 only.
import { parseIPv4 } from '../networking/ipv4.js';
import type { Service } from '../api/generated/core-v1.js';

export type Protocol = 'TCP' | 'UDP';

/** Upstream's default for sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_STICKY_SECONDS = 10800;

export interface ServicePortInfo {
  /** `namespace/name:portName/protocol`, unique per service port (ServicePortName). */
  key: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0 when the port has none. */
  nodePort: number;
  /** status.loadBalancer.ingress IPs this proxy may program (see ServicePortOptions.loadBalancerAddresses). */
  loadBalancerVIPs: string[];
  /** 0 without ClientIP session affinity. */
  stickySeconds: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
}

export interface ServicePortOptions {
  /** LoadBalancer ingress addresses this machine answers on; any other VIP in status is ignored (never hijack an outside address). */
  loadBalancerAddresses: ReadonlySet<string>;
}

export interface ServicePortsResult {
  ports: ServicePortInfo[];
  /** Things the proxy cannot do for this Service, for a Warning event each. */
  problems: { reason: string; message: string }[];
}

export const servicePortKey = (namespace: string, name: string, portName: string, protocol: string) => `${namespace}/${name}:${portName}/${protocol}`;

/** The Service's key in informer caches: `namespace/name`. */
export const serviceKeyOfPort = (key: string) => key.slice(0, key.indexOf(':'));

/** ExternallyAccessible: reachable other than by its ClusterIP. */
export const externallyAccessible = (p: ServicePortInfo) => p.nodePort !== 0 || p.loadBalancerVIPs.length > 0;
/** UsesClusterEndpoints: internal policy Cluster, or any external access (short-circuiting needs them). */
export const usesClusterEndpoints = (p: ServicePortInfo) => !p.internalPolicyLocal || externallyAccessible(p);
/** UsesLocalEndpoints. */
export const usesLocalEndpoints = (p: ServicePortInfo) => p.internalPolicyLocal || (p.externalPolicyLocal && externallyAccessible(p));

/** Whether kube-proxy ignores the Service entirely (ShouldSkipService): no ClusterIP, or ExternalName. */
export function skipsService(svc: Service): boolean {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return true;
  const ip = spec.clusterIPs?.[0] ?? spec.clusterIP ?? '';
  return ip === '' || ip === 'None';
}

export function servicePorts(svc: Service, opts: ServicePortOptions): ServicePortsResult {
  const out: ServicePortsResult = { ports: [], problems: [] };
  if (skipsService(svc)) return out;
  const spec = svc.spec ?? {};
  const clusterIP = [...(spec.clusterIPs ?? []), spec.clusterIP ?? ''].find((ip) => parseIPv4(ip) !== undefined);
  if (!clusterIP) return out; // IPv6-only Services are not this (IPv4) proxy's
  const namespace = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const externallyReachableType = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const stickySeconds = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds || DEFAULT_STICKY_SECONDS) : 0;
  const vips: string[] = [];
  if (spec.type === 'LoadBalancer') {
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
      // ipMode Proxy: the load balancer itself delivers to the node, so kube-proxy leaves the VIP alone.
      if (!ing.ip || ing.ipMode === 'Proxy') continue;
      if (opts.loadBalancerAddresses.has(ing.ip)) vips.push(ing.ip);
      else out.problems.push({ reason: 'LoadBalancerIPIgnored', message: `load balancer ingress ${ing.ip} is not an address of this machine's node network: Berth keeps Service traffic on this machine, so it is not programmed` });
    }
  }
  if ((spec.externalIPs ?? []).length) {
    out.problems.push({ reason: 'ExternalIPsIgnored', message: `spec.externalIPs ${spec.externalIPs!.join(', ')} are not programmed: Berth does not capture traffic for outside addresses` });
  }
  for (const p of spec.ports ?? []) {
    const protocol = (p.protocol ?? 'TCP').toUpperCase();
    if (protocol === 'SCTP') {
      out.problems.push({ reason: 'SCTPUnsupported', message: `port ${p.name ? `"${p.name}" ` : ''}${p.port}/SCTP is not supported by Berth's service proxy` });
      continue;
    }
    if ((protocol !== 'TCP' && protocol !== 'UDP') || !p.port) continue;
    out.ports.push({
      key: servicePortKey(namespace, name, p.name ?? '', protocol),
      namespace, name, portName: p.name ?? '', protocol, clusterIP, port: p.port,
      nodePort: externallyReachableType ? (p.nodePort ?? 0) : 0,
      loadBalancerVIPs: [...new Set(vips)],
      stickySeconds,
      // ExternalPolicyLocal is false for a Service nothing outside can reach.
      externalPolicyLocal: externallyReachableType && spec.externalTrafficPolicy === 'Local',
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
    });
  }
  return out;
}
