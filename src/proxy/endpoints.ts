// A service port's endpoints from the Service's EndpointSlices, as kube-proxy's EndpointSliceCache merges them
// (pkg/proxy/endpointslicecache.go, endpoint.go): slices belong to a Service by the kubernetes.io/service-name
// label; a slice port matches by name and protocol and gives the endpoint port; the first address of an endpoint is
// its IP; nil conditions mean ready and serving, not terminating; an endpoint listed by several slices counts once.
import type { EndpointSlice } from '../controllers/endpointslice/types.js';
import { parseIPv4 } from '../networking/ipv4.js';

export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
}

export const endpointString = (ep: EndpointInfo) => `${ep.ip}:${ep.port}`;

/** Endpoints of the service port (`portName`, `protocol`) across `slices`, sorted by address then port. */
export function endpointsForPort(slices: readonly EndpointSlice[], portName: string, protocol: string): EndpointInfo[] {
  const byAddress = new Map<string, EndpointInfo>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    for (const sp of slice.ports ?? []) {
      if ((sp.name ?? '') !== portName || (sp.protocol ?? 'TCP').toUpperCase() !== protocol) continue;
      if (!sp.port || sp.port < 1 || sp.port > 65535) continue;
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip || parseIPv4(ip) === undefined) continue;
        const c = ep.conditions ?? {};
        const info: EndpointInfo = {
          ip, port: sp.port,
          ready: c.ready !== false,
          serving: c.serving !== false,
          terminating: c.terminating === true,
          ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
        };
        // Several slices may list the same endpoint (e.g. while one replaces another); one that names its node wins.
        const key = endpointString(info);
        if (!byAddress.has(key) || (info.nodeName && !byAddress.get(key)!.nodeName)) byAddress.set(key, info);
      }
    }
  }
  return [...byAddress.values()].sort((a, b) => (parseIPv4(a.ip)! - parseIPv4(b.ip)!) || a.port - b.port);
}
