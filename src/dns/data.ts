// What the cluster DNS answers from: the informer caches of Services, EndpointSlices and Pods, with indexes for the
// lookups a query needs (service by ClusterIP, slices by service, endpoints and pods by IP). Answers read the caches
// directly, so they follow the informers without any rebuild step.
import { ObjectCache } from '../client/store.js';
import { Endpoint, EndpointSlice, LABEL_SERVICE_NAME, Pod, Service } from '../controllers/endpointslice/types.js';

const BY_CLUSTER_IP = 'dnsClusterIP';
const BY_SERVICE = 'dnsService';
const BY_ADDRESS = 'dnsAddress';
const BY_POD_IP = 'dnsPodIP';

export interface ServiceEndpoint {
  endpoint: Endpoint;
  address: string;
  serviceName: string;
  namespace: string;
}

export class ClusterDnsData {
  constructor(
    readonly services: ObjectCache<Service>,
    readonly slices: ObjectCache<EndpointSlice>,
    readonly pods: ObjectCache<Pod>,
  ) {
    services.addIndexers({
      [BY_CLUSTER_IP]: (s) => (s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])).filter((ip) => ip && ip !== 'None'),
    });
    slices.addIndexers({
      [BY_SERVICE]: (s) => (s.metadata.labels?.[LABEL_SERVICE_NAME] ? [`${s.metadata.namespace}/${s.metadata.labels[LABEL_SERVICE_NAME]}`] : []),
      [BY_ADDRESS]: (s) => (s.endpoints ?? []).flatMap((e) => e.addresses ?? []),
    });
    pods.addIndexers({
      [BY_POD_IP]: (p) => (p.status?.podIPs?.length ? p.status.podIPs.map((x) => x.ip) : p.status?.podIP ? [p.status.podIP] : []),
    });
  }

  /** Empty caches, for tests and tools. */
  static empty(): ClusterDnsData {
    return new ClusterDnsData(new ObjectCache<Service>(), new ObjectCache<EndpointSlice>(), new ObjectCache<Pod>());
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.getByName(namespace, name);
  }

  hasServicesIn(namespace: string): boolean {
    return this.services.byNamespace(namespace).length > 0;
  }

  servicesByClusterIP(ip: string): Service[] {
    return this.services.byIndex(BY_CLUSTER_IP, ip);
  }

  /** IPv4 endpoints of a Service that are ready (unique by address). */
  readyEndpoints(namespace: string, name: string): ServiceEndpoint[] {
    const out = new Map<string, ServiceEndpoint>();
    for (const slice of this.slices.byIndex(BY_SERVICE, `${namespace}/${name}`)) {
      if (slice.addressType !== 'IPv4') continue;
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false) continue; // nil ready means ready
        const address = ep.addresses?.[0];
        if (address && !out.has(address)) out.set(address, { endpoint: ep, address, serviceName: name, namespace });
      }
    }
    return [...out.values()].sort((a, b) => compareIPs(a.address, b.address));
  }

  /** Ports of a Service's endpoints (from its slices), for SRV of headless services. */
  endpointPortsByAddress(namespace: string, name: string): Map<string, { name?: string; port?: number; protocol?: string }[]> {
    const out = new Map<string, { name?: string; port?: number; protocol?: string }[]>();
    for (const slice of this.slices.byIndex(BY_SERVICE, `${namespace}/${name}`)) {
      for (const ep of slice.endpoints ?? []) {
        const a = ep.addresses?.[0];
        if (a && !out.has(a)) out.set(a, slice.ports ?? []);
      }
    }
    return out;
  }

  /** Ready endpoints of any service with this address (for PTR of headless endpoints). */
  endpointsAt(ip: string): ServiceEndpoint[] {
    const out: ServiceEndpoint[] = [];
    for (const slice of this.slices.byIndex(BY_ADDRESS, ip)) {
      const svc = slice.metadata.labels?.[LABEL_SERVICE_NAME];
      if (!svc) continue;
      for (const ep of slice.endpoints ?? []) {
        if (ep.addresses?.includes(ip) && ep.conditions?.ready !== false) out.push({ endpoint: ep, address: ip, serviceName: svc, namespace: slice.metadata.namespace ?? '' });
      }
    }
    return out;
  }

  podsAt(ip: string): Pod[] {
    return this.pods.byIndex(BY_POD_IP, ip).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  }
}

export function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
