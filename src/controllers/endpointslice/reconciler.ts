// What the EndpointSlice controller writes for one Service (pkg/controller/endpointslice reconciler.go, simplified
// but with the same shape): desired endpoints grouped by their port set; existing slices keep the endpoints they
// already hold (updated in place) and lose the ones no longer wanted; new endpoints fill slices being updated
// first, then new slices of at most maxEndpointsPerSlice; slices left empty are recycled or deleted; a Service
// with no endpoints keeps one empty placeholder slice.
import { CONTROLLER_NAME, Endpoint, EndpointPort, EndpointSlice, MAX_ENDPOINTS_PER_SLICE, Pod, Service } from './types.js';
import { canonical, endpointPorts, podToEndpoint, portsKey, serviceOwnerRef, shouldPodBeInEndpoints, sliceLabels } from './utils.js';

export interface SliceChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export interface ReconcileOptions {
  maxEndpointsPerSlice?: number;
  managedBy?: string;
}

interface DesiredGroup {
  ports: EndpointPort[];
  /** address → endpoint, in pod order */
  endpoints: Map<string, Endpoint>;
}

/** Endpoints the Service should have, grouped by port set. Pods must already match the selector. */
export function desiredEndpoints(svc: Service, pods: Pod[]): Map<string, DesiredGroup> {
  const groups = new Map<string, DesiredGroup>();
  const sorted = [...pods].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const pod of sorted) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ep = podToEndpoint(pod, svc, 'IPv4');
    if (!ep.addresses.length) continue;
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: new Map() }));
    g.endpoints.set(ep.addresses[0], ep);
  }
  return groups;
}

export function newSlice(svc: Service, ports: EndpointPort[], endpoints: Endpoint[], managedBy = CONTROLLER_NAME): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace,
      labels: sliceLabels(svc, managedBy), ownerReferences: [serviceOwnerRef(svc)],
    },
    addressType: 'IPv4', endpoints, ports,
  };
}

const endpointKey = (ep: Endpoint) => ep.addresses[0] ?? '';

/** The writes that make `existing` (slices this controller manages for the Service) match the pods. */
export function reconcileSlices(svc: Service, pods: Pod[], existing: EndpointSlice[], opts: ReconcileOptions = {}): SliceChanges {
  const max = opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const managedBy = opts.managedBy ?? CONTROLLER_NAME;
  const desired = desiredEndpoints(svc, pods);
  const labels = sliceLabels(svc, managedBy);
  const owner = serviceOwnerRef(svc);
  const changes: SliceChanges = { create: [], update: [], delete: [] };
  const unchanged: EndpointSlice[] = [];
  const emptied: EndpointSlice[] = [];
  const updatedByKey = new Map<string, EndpointSlice[]>();

  const metaStale = (s: EndpointSlice) => canonical(s.metadata.labels ?? {}) !== canonical(labels)
    || !(s.metadata.ownerReferences ?? []).some((r) => r.uid === owner.uid && r.controller);
  const withMeta = (s: EndpointSlice): EndpointSlice => ({
    ...structuredClone(s),
    metadata: { ...structuredClone(s.metadata), labels: { ...labels }, ownerReferences: [owner] },
  });

  for (const slice of sortSlices(existing)) {
    if (slice.addressType !== 'IPv4') { changes.delete.push(slice); continue; }
    const key = portsKey(slice.ports);
    const group = desired.get(key);
    if (!group) { emptied.push(slice); continue; }
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of slice.endpoints ?? []) {
      const want = group.endpoints.get(endpointKey(ep));
      if (!want) { changed = true; continue; }
      if (canonical(want) !== canonical(ep)) changed = true;
      kept.push(want);
      group.endpoints.delete(endpointKey(want));
    }
    if (kept.length === 0) { emptied.push(slice); continue; }
    if (changed || metaStale(slice)) {
      const next = withMeta(slice);
      next.endpoints = kept;
      changes.update.push(next);
      pushTo(updatedByKey, key, next);
    } else {
      unchanged.push(slice);
    }
  }

  for (const [key, group] of desired) {
    let remaining = [...group.endpoints.values()];
    if (!remaining.length) continue;
    // fill slices that are being written anyway
    for (const s of updatedByKey.get(key) ?? []) {
      const room = max - (s.endpoints?.length ?? 0);
      if (room <= 0) continue;
      s.endpoints = [...(s.endpoints ?? []), ...remaining.slice(0, room)];
      remaining = remaining.slice(room);
      if (!remaining.length) break;
    }
    // one unchanged slice with room for all the rest is cheaper than a new slice
    if (remaining.length && remaining.length < max) {
      const i = unchanged.findIndex((s) => portsKey(s.ports) === key && max - (s.endpoints?.length ?? 0) >= remaining.length);
      if (i >= 0) {
        const next = withMeta(unchanged[i]);
        next.endpoints = [...(next.endpoints ?? []), ...remaining];
        unchanged.splice(i, 1);
        changes.update.push(next);
        remaining = [];
      }
    }
    for (let i = 0; i < remaining.length; i += max) {
      const chunk = remaining.slice(i, i + max);
      const recycle = emptied.shift();
      if (recycle) {
        const next = withMeta(recycle);
        next.ports = group.ports;
        next.endpoints = chunk;
        changes.update.push(next);
      } else {
        changes.create.push(newSlice(svc, group.ports, chunk, managedBy));
      }
    }
  }

  // Nothing left at all: keep (or make) one empty placeholder slice.
  const survivors = unchanged.length + changes.update.length + changes.create.length;
  if (survivors === 0) {
    const placeholder = emptied.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0);
    if (placeholder) {
      emptied.splice(emptied.indexOf(placeholder), 1);
      if (metaStale(placeholder)) changes.update.push(withMeta(placeholder));
    } else {
      const recycle = emptied.shift();
      if (recycle) {
        const next = withMeta(recycle);
        next.ports = [];
        next.endpoints = [];
        changes.update.push(next);
      } else {
        changes.create.push(newSlice(svc, [], [], managedBy));
      }
    }
  }
  changes.delete.push(...emptied);
  return changes;
}

/** Fuller slices first, so recycling and filling prefer them (stable for equal sizes). */
function sortSlices(slices: EndpointSlice[]): EndpointSlice[] {
  return [...slices].sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

