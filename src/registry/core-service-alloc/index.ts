// Wires Service allocation into the API server: the allocator learns what stored Services hold from a storage
// watch (so restarts rebuild it and deletes release at once), an admission plugin allocates on CREATE/UPDATE,
// and the `kubernetes` Service in `default` with its Endpoints and EndpointSlice points at this API server, as
// upstream's kubernetesservice controller and endpoint reconciler keep it.
import { isNotFound, isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { Store, Watcher } from '../../storage/interface.js';
import type { GenericStore, } from '../generic-store.js';
import { fillSystemFieldsOnCreate } from '../object-meta.js';
import type { ResourceRegistry } from '../registry.js';
import type { AdmissionPlugin } from '../types.js';
import { Service, ServiceAllocator, ServiceAllocatorOptions } from './allocator.js';
import { systemRequestContext } from '../system-context.js';

export { ServiceAllocator, DEFAULT_SERVICE_CIDR, serviceNodePorts } from './allocator.js';
export type { Service, ServiceSpec, ServicePort, ServiceAllocatorOptions } from './allocator.js';


export interface ServiceAllocationDeps {
  objects: GenericStore;
  registry: ResourceRegistry;
  store: Store;
}

/**
 * The admission plugin that allocates ClusterIPs and NodePorts on Service writes. Upstream reverts an allocation
 * when the write fails later; admission cannot see that, so a create that will fail anyway (invalid, or the name
 * is taken) allocates nothing — otherwise a corrected retry asking for the same IP would find it "already allocated".
 */
export function serviceAllocationPlugin(alloc: ServiceAllocator, exists?: (namespace: string, name: string) => Promise<boolean>): AdmissionPlugin {
  return {
    name: 'ServiceAllocation',
    async admit(a) {
      if (a.def.group !== '' || a.def.resource !== 'services' || a.subresource || !a.object) return;
      if (a.operation === 'CREATE') {
        if ((a.def.strategy.validate?.(a.object) ?? []).length) return; // validation will reject it
        if (exists && (await exists(a.namespace, a.name))) return; // AlreadyExists follows
        alloc.allocateCreate(a.object as Service, a.dryRun);
      } else if (a.operation === 'UPDATE' && a.oldObject) {
        alloc.allocateUpdate(a.object as Service, a.oldObject as Service, a.dryRun);
      }
    },
  };
}

export interface RunningServiceAllocation {
  allocator: ServiceAllocator;
  stop(): void;
}

/** Loads the stored Services into a new allocator, follows them, and installs the admission plugin. */
export async function startServiceAllocation(deps: ServiceAllocationDeps, opts: ServiceAllocatorOptions = {}): Promise<RunningServiceAllocation> {
  const allocator = new ServiceAllocator(opts);
  const def = deps.registry.lookup('', 'v1', 'services')!;
  const prefix = deps.objects.prefixFor(def, '');
  const initial = await deps.store.list(prefix);
  for (const item of initial.items) allocator.observe(item.key, item.value as Service);
  const watcher: Watcher = deps.store.watch(prefix, initial.revision, (ev) => {
    allocator.observe(ev.key, ev.type === 'DELETED' ? undefined : (ev.object as Service));
  });
  const exists = async (ns: string, name: string) => !!(await deps.store.get(deps.objects.keyFor(def, ns, name)));
  deps.objects.useAdmission(serviceAllocationPlugin(allocator, exists));
  return { allocator, stop: () => watcher.stop() };
}

// ---- the `kubernetes` Service ----

export interface MasterEndpoint {
  ip: string;
  port: number;
}

const HTTPS_PORT = (port: number) => ({ name: 'https', port, protocol: 'TCP' });

/**
 * Creates or repairs the `kubernetes` Service (ClusterIP = first IP of the range, port 443 → the API server's
 * port), its Endpoints and its EndpointSlice.
 */
export async function ensureKubernetesService(deps: ServiceAllocationDeps, allocator: ServiceAllocator, master: MasterEndpoint): Promise<void> {
  const svcDef = deps.registry.lookup('', 'v1', 'services')!;
  const desiredPorts = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: master.port }];
  const existing = await getOrUndefined(deps.objects, svcDef, 'default', 'kubernetes');
  if (!existing) {
    await createIgnoringExists(deps.objects, svcDef, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: allocator.ipRange.firstIP(), sessionAffinity: 'None', ports: desiredPorts },
    });
  } else {
    const spec = (existing.spec ?? {}) as { ports?: unknown[]; type?: string };
    if (JSON.stringify(spec.ports?.map((p) => pick(p))) !== JSON.stringify(desiredPorts) || spec.type !== 'ClusterIP') {
      await deps.objects.guaranteedUpdate(svcDef, 'default', 'kubernetes', systemRequestContext(), '', undefined, (cur) => {
        const s = (cur.spec ??= {}) as Record<string, unknown>;
        s.ports = desiredPorts;
        s.type = 'ClusterIP';
        return cur;
      });
    }
  }
  await ensureKubernetesEndpoints(deps, master);
  await ensureKubernetesEndpointSlice(deps, master);
}

/**
 * Creates the cluster DNS Service `kube-system/kube-dns` at its well-known IP when missing, as kubeadm's CoreDNS
 * addon does (here Berth's own DNS server answers behind it).
 */
export async function ensureDnsService(deps: ServiceAllocationDeps, clusterIP: string): Promise<void> {
  const svcDef = deps.registry.lookup('', 'v1', 'services')!;
  if (await getOrUndefined(deps.objects, svcDef, 'kube-system', 'kube-dns')) return;
  await createIgnoringExists(deps.objects, svcDef, {
    apiVersion: 'v1', kind: 'Service',
    metadata: {
      name: 'kube-dns', namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP', clusterIP, sessionAffinity: 'None',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  });
}

function pick(p: unknown): unknown {
  const x = p as Record<string, unknown>;
  return { name: x.name, port: x.port, protocol: x.protocol, targetPort: x.targetPort };
}

/**
 * Endpoints validation rejects loopback addresses, but this API server listens on 127.0.0.1; the object is
 * written to storage directly (it is the server's own record, as upstream's reconciler owns it).
 */
async function ensureKubernetesEndpoints(deps: ServiceAllocationDeps, master: MasterEndpoint): Promise<void> {
  const def = deps.registry.lookup('', 'v1', 'endpoints')!;
  const key = deps.objects.keyFor(def, 'default', 'kubernetes');
  const subsets = [{ addresses: [{ ip: master.ip }], ports: [HTTPS_PORT(master.port)] }];
  const labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
  const cur = await deps.store.get(key);
  if (cur) {
    const obj = cur.value as KubeObject & { subsets?: unknown };
    if (JSON.stringify(obj.subsets) === JSON.stringify(subsets)) return;
    const next = structuredClone(obj);
    next.subsets = subsets;
    next.metadata.labels = { ...(next.metadata.labels ?? {}), ...labels };
    await deps.store.update(key, next, cur.modRevision);
    return;
  }
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels }, subsets };
  fillSystemFieldsOnCreate(obj, new Date(), false);
  await deps.store.create(key, obj);
}

async function ensureKubernetesEndpointSlice(deps: ServiceAllocationDeps, master: MasterEndpoint): Promise<void> {
  await ensureOwnEndpointSlice(deps, 'default', 'kubernetes', {}, {
    addressType: 'IPv4',
    endpoints: [{ addresses: [master.ip], conditions: { ready: true } }],
    ports: [HTTPS_PORT(master.port)],
  });
}

/**
 * The kube-dns Service's EndpointSlice with real pods: Berth's DNS server answers on the host's address on the pod
 * network (as a CoreDNS pod would be its endpoint), so the service proxy sends the Service's traffic there.
 */
export async function ensureDnsEndpointSlice(deps: ServiceAllocationDeps, address: string): Promise<void> {
  await ensureOwnEndpointSlice(deps, 'kube-system', 'kube-dns', { 'endpointslice.kubernetes.io/managed-by': 'cluster-dns.berth.dev' }, {
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
  });
}

/** Creates or repairs an EndpointSlice named after its (selector-less) Service. */
async function ensureOwnEndpointSlice(deps: ServiceAllocationDeps, namespace: string, service: string, labels: Record<string, string>, desired: { addressType: string; endpoints: unknown[]; ports: unknown[] }): Promise<void> {
  const def = deps.registry.lookup('discovery.k8s.io', 'v1', 'endpointslices');
  if (!def) return;
  const existing = await getOrUndefined(deps.objects, def, namespace, service);
  if (!existing) {
    await createIgnoringExists(deps.objects, def, {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: service, namespace, labels: { 'kubernetes.io/service-name': service, ...labels } },
      ...desired,
    });
    return;
  }
  if (JSON.stringify(existing.endpoints) === JSON.stringify(desired.endpoints) && JSON.stringify(existing.ports) === JSON.stringify(desired.ports)) return;
  await deps.objects.guaranteedUpdate(def, namespace, service, systemRequestContext(), '', undefined, (cur) => ({ ...cur, ...desired }));
}

async function getOrUndefined(objects: GenericStore, def: Parameters<GenericStore['get']>[0], ns: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await objects.get(def, ns, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function createIgnoringExists(objects: GenericStore, def: Parameters<GenericStore['create']>[0], obj: KubeObject): Promise<void> {
  try {
    await objects.create(def, obj.metadata.namespace ?? '', obj, systemRequestContext());
  } catch (e) {
    if (!isAlreadyExistsOrConflict(e)) throw e;
  }
}
