// The v1 Endpoints a Service should have (pkg/controller/endpoint syncService + pkg/api/v1/endpoints RepackSubsets):
// ready pods under `addresses`, others under `notReadyAddresses`, grouped into subsets by identical port sets.
import { LABEL_HEADLESS, Pod, Service } from '../endpointslice/types.js';
import { canonical, findPort, isPodReady, podAddresses, shouldPodBeInEndpoints, shouldSetHostname } from '../endpointslice/utils.js';
import type { EndpointAddress, EndpointPort, EndpointSubset } from '../../api/generated/core-v1.js';
export type { EndpointAddress, EndpointSubset } from '../../api/generated/core-v1.js';


interface Entry {
  addr: EndpointAddress;
  ready: boolean;
  port?: EndpointPort;
}

export function desiredSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podAddresses(pod, 'IPv4')[0];
    if (!ip) continue;
    const addr: EndpointAddress = { ip };
    if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec!.hostname;
    addr.nodeName = pod.spec?.nodeName ?? '';
    addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name ?? '', uid: pod.metadata.uid };
    const ready = tolerateUnready || isPodReady(pod);
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) {
      // a headless service may have no ports; its addresses still count
      if (svc.spec?.clusterIP === 'None') entries.push({ addr, ready });
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const p: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) p.appProtocol = sp.appProtocol;
      entries.push({ addr, ready, port: p });
    }
  }
  return repackSubsets(entries);
}

/** Groups addresses that serve exactly the same ports; sorted so equal content gives equal objects. */
function repackSubsets(entries: Entry[]): EndpointSubset[] {
  const perAddress = new Map<string, { addr: EndpointAddress; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const e of entries) {
    const key = `${e.ready ? 'r' : 'n'}|${e.addr.ip}|${e.addr.targetRef?.uid ?? ''}`;
    let a = perAddress.get(key);
    if (!a) perAddress.set(key, (a = { addr: e.addr, ready: e.ready, ports: new Map() }));
    if (e.port) a.ports.set(canonical(e.port), e.port);
  }
  const bySet = new Map<string, EndpointSubset>();
  for (const a of perAddress.values()) {
    const ports = [...a.ports.values()].sort(comparePorts);
    const key = canonical(ports);
    let ss = bySet.get(key);
    if (!ss) bySet.set(key, (ss = ports.length ? { ports } : {}));
    const field = a.ready ? 'addresses' : 'notReadyAddresses';
    (ss[field] ??= []).push(a.addr);
  }
  const subsets = [...bySet.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ss]) => ss);
  for (const ss of subsets) {
    ss.addresses?.sort(compareAddresses);
    ss.notReadyAddresses?.sort(compareAddresses);
  }
  return subsets;
}

const comparePorts = (a: EndpointPort, b: EndpointPort) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : a.port - b.port);
const compareAddresses = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '') < (b.targetRef?.uid ?? '') ? -1 : 1);

/** Labels of a controller-written Endpoints: the Service's, plus the headless marker when it has no ClusterIP. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  return labels;
}
