// Printers for core/v1 kinds other than Pod, following pkg/printers/internalversion's columns and cell rules.
import type { KubeObject } from '../apimachinery/types.js';
import type { Printer } from './types.js';
import type { Event as EventsV1Event } from '../api/generated/events-v1.js';
import type { Endpoints, Event, Node, NodeSystemInfo, PersistentVolume, PersistentVolumeClaim, PodTemplate, ReplicationController, Service } from '../api/generated/core-v1.js';
import { formatLabels } from '../apimachinery/labels.js';
import { timestampSince } from '../apimachinery/duration.js';
import {
  AGE, age, ageColumn, column, containerCells, joinHostPort, loadBalancerIngress, NAME, nameColumn, nameOf, printed, printedWide, printerOf,
  quantityString, sortedSet, wide, byteOrder,
} from './helpers.js';
import { replicaCountPrinter } from './workloads.js';

type Obj<T> = KubeObject & T;

export const namespacePrinter: Printer = {
  columns: [nameColumn(), column('Status', 'string', 'Lifecycle phase of the namespace.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), (obj as Obj<{ status?: { phase?: string } }>).status?.phase ?? '', age(obj, now)],
};

// ---- Service ----


function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc.status?.loadBalancer?.ingress);
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** makePortString: `80/TCP`, `80:30080/TCP`, comma-joined. */
export function servicePorts(ports: { port: number; nodePort?: number; protocol?: string }[] | undefined): string {
  return (ports ?? [])
    .map((p) => ((p.nodePort ?? 0) > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`))
    .join(',');
}

export const servicePrinter = printerOf<Service>([
  NAME,
  printed('Type', 'string', 'How the service is exposed.', (svc) => svc.spec?.type ?? ''),
  printed('Cluster-IP', 'string', 'Virtual IP of the service.', (svc) => svc.spec?.clusterIPs?.[0] ?? '<none>'),
  printed('External-IP', 'string', 'Addresses reachable from outside the cluster.', serviceExternalIP),
  printed('Port(s)', 'string', 'Service ports.', (svc) => servicePorts(svc.spec?.ports) || '<none>'),
  AGE,
  printedWide('Selector', 'string', 'Labels of the pods the service routes to.', (svc) => formatLabels(svc.spec?.selector)),
]);

// ---- Endpoints ----


/** formatEndpoints: up to three `ip:port` entries, then `+ N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  const add = (entry: string) => {
    if (list.length === max) {
      more = true;
      return false;
    }
    list.push(entry);
    return true;
  };
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      // Headless services may have no ports: list bare IPs.
      count += addresses.length;
      for (const a of addresses) if (!add(a.ip)) break;
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (!add(joinHostPort(a.ip, p.port))) break;
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsPrinter: Printer = {
  columns: [nameColumn(), column('Endpoints', 'string', 'Ready addresses and ports.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), formatEndpoints(obj as Endpoints), age(obj, now)],
};

// ---- ConfigMap, Secret, ServiceAccount ----

const countKeys = (m: unknown) => (m && typeof m === 'object' ? Object.keys(m).length : 0);

export const configMapPrinter: Printer = {
  columns: [nameColumn(), column('Data', 'string', 'Number of data and binaryData keys.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), countKeys(obj.data) + countKeys(obj.binaryData), age(obj, now)],
};

export const secretPrinter: Printer = {
  columns: [nameColumn(), column('Type', 'string', 'Secret type.'), column('Data', 'string', 'Number of data keys.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), typeof obj.type === 'string' ? obj.type : '', countKeys(obj.data), age(obj, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn(), column('Secrets', 'string', 'Number of referenced secrets.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), Array.isArray(obj.secrets) ? obj.secrets.length : 0, age(obj, now)],
};

// ---- PersistentVolume, PersistentVolumeClaim ----

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that fixed order. */
export function accessModesString(modes: string[] | undefined): string {
  const have = new Set(modes ?? []);
  const out: string[] = [];
  if (have.has('ReadWriteOnce')) out.push('RWO');
  if (have.has('ReadOnlyMany')) out.push('ROX');
  if (have.has('ReadWriteMany')) out.push('RWX');
  if (have.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}


/** The beta annotation wins over spec.storageClassName (GetPersistentVolume[Claim]Class). */
function storageClassOf(obj: KubeObject, specClass: string | undefined): string {
  const ann = obj.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (ann !== undefined) return ann;
  return specClass ?? '';
}

type PV = PersistentVolume;

export const persistentVolumePrinter = printerOf<PV>([
  NAME,
  printed('Capacity', 'string', 'Storage capacity of the volume.', (pv) => quantityString(pv.spec?.capacity?.storage)),
  printed('Access Modes', 'string', 'Ways the volume can be mounted.', (pv) => accessModesString(pv.spec?.accessModes)),
  printed('Reclaim Policy', 'string', 'What happens to the volume when released.', (pv) => pv.spec?.persistentVolumeReclaimPolicy ?? ''),
  printed('Status', 'string', 'Phase of the volume.', (pv) => (pv.metadata.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '')),
  printed('Claim', 'string', 'Claim bound to the volume.', ({ spec }) => (spec?.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '')),
  printed('StorageClass', 'string', 'StorageClass of the pv', (pv) => storageClassOf(pv, pv.spec?.storageClassName)),
  printed('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv', (pv) => pv.spec?.volumeAttributesClassName ?? '<unset>'),
  printed('Reason', 'string', 'Reason for a failed phase.', (pv) => pv.status?.reason ?? ''),
  AGE,
  printedWide('VolumeMode', 'string', 'Filesystem or Block.', (pv) => pv.spec?.volumeMode ?? '<unset>'),
]);


type PVC = PersistentVolumeClaim;
/** Capacity and access modes show only once the claim is bound to a volume. */
const ifBound = (pvc: PVC, cell: string): string => (pvc.spec?.volumeName ? cell : '');

export const persistentVolumeClaimPrinter = printerOf<PVC>([
  NAME,
  printed('Status', 'string', 'Phase of the claim.', (pvc) => (pvc.metadata.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '')),
  printed('Volume', 'string', 'Volume bound to the claim.', (pvc) => pvc.spec?.volumeName ?? ''),
  printed('Capacity', 'string', 'Capacity of the bound volume.', (pvc) => ifBound(pvc, quantityString(pvc.status?.capacity?.storage))),
  printed('Access Modes', 'string', 'Access modes of the bound volume.', (pvc) => ifBound(pvc, accessModesString(pvc.status?.accessModes))),
  printed('StorageClass', 'string', 'StorageClass of the pvc', (pvc) => storageClassOf(pvc, pvc.spec?.storageClassName)),
  printed('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc', (pvc) => pvc.spec?.volumeAttributesClassName ?? '<unset>'),
  AGE,
  printedWide('VolumeMode', 'string', 'Filesystem or Block.', (pvc) => pvc.spec?.volumeMode ?? '<unset>'),
]);

// ---- Node ----


const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** findNodeRoles: `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.push(role);
    } else if (k === NODE_ROLE_LABEL && v !== '') {
      roles.push(v);
    }
  }
  return sortedSet(roles);
}

/** Only the Ready condition shows; the last entry of a given type wins, as with upstream's map. */
function nodeStatus(node: Node): string {
  const status: string[] = [];
  const ready = [...(node.status?.conditions ?? [])].reverse().find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const nodeAddress = (type: string) => (node: Node) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
const nodeInfo = (node: Node): Partial<NodeSystemInfo> => node.status?.nodeInfo ?? {};

export const nodePrinter = printerOf<Node>([
  NAME,
  printed('Status', 'string', 'Readiness of the node.', nodeStatus),
  printed('Roles', 'string', 'Roles from node-role labels.', (node) => nodeRoles(node.metadata.labels).join(',') || '<none>'),
  AGE,
  printed('Version', 'string', 'Kubelet version.', (node) => nodeInfo(node).kubeletVersion ?? ''),
  printedWide('Internal-IP', 'string', 'First internal address.', nodeAddress('InternalIP')),
  printedWide('External-IP', 'string', 'First external address.', nodeAddress('ExternalIP')),
  printedWide('OS-Image', 'string', 'Operating system image.', (node) => nodeInfo(node).osImage || '<unknown>'),
  printedWide('Kernel-Version', 'string', 'Kernel version.', (node) => nodeInfo(node).kernelVersion || '<unknown>'),
  printedWide('Container-Runtime', 'string', 'Container runtime and version.', (node) => nodeInfo(node).containerRuntimeVersion || '<unknown>'),
]);

// ---- Event (core/v1; events.k8s.io/v1 is mapped onto the same shape) ----


function eventCells(ev: Event, now: Date): unknown[] {
  const first = ev.firstTimestamp ? timestampSince(ev.firstTimestamp, now) : timestampSince(ev.eventTime, now);
  let last = ev.lastTimestamp ? timestampSince(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = timestampSince(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events from the new API carry no count
  }
  const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
  const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  const source = instance ? `${component}, ${instance}` : component;
  return [
    last,
    ev.type ?? '',
    ev.reason ?? '',
    target,
    ev.involvedObject?.fieldPath ?? '',
    source,
    (ev.message ?? '').trim(),
    first,
    count,
    ev.metadata.name ?? '',
  ];
}

const eventColumns = () => [
  column('Last Seen', 'string', 'Time since the event was last seen.'),
  column('Type', 'string', 'Normal or Warning.'),
  column('Reason', 'string', 'Short machine-readable reason.'),
  column('Object', 'string', 'Object the event is about.'),
  wide('Subobject', 'string', 'Field path inside the object.'),
  wide('Source', 'string', 'Component that reported the event.'),
  column('Message', 'string', 'Human-readable description.'),
  wide('First Seen', 'string', 'Time since the event was first seen.'),
  wide('Count', 'string', 'Number of occurrences.'),
  column('Name', 'string', 'Name of the event object.', 1, 'name'),
];

export const eventPrinter: Printer = {
  columns: eventColumns(),
  cells: (obj, now) => eventCells(obj as Event, now),
};


/** events.k8s.io/v1 Event: converted to the core shape first, as the server prints the internal type. */
export const eventsV1Printer: Printer = {
  columns: eventColumns(),
  cells(obj, now) {
    const ev = obj as EventsV1Event;
    return eventCells(
      {
        metadata: ev.metadata,
        involvedObject: ev.regarding ?? {},
        reason: ev.reason,
        message: ev.note,
        source: ev.deprecatedSource,
        firstTimestamp: ev.deprecatedFirstTimestamp,
        lastTimestamp: ev.deprecatedLastTimestamp,
        count: ev.deprecatedCount,
        type: ev.type,
        eventTime: ev.eventTime,
        series: ev.series,
        reportingComponent: ev.reportingController,
        reportingInstance: ev.reportingInstance,
      },
      now,
    );
  },
};

// ---- ReplicationController, PodTemplate, ResourceQuota ----

export const replicationControllerPrinter = replicaCountPrinter<ReplicationController>('Label selector of the controller.', (rc) => formatLabels(rc.spec?.selector));

const templateContainers = (t: PodTemplate) => containerCells(t.template?.spec?.containers);

export const podTemplatePrinter = printerOf<PodTemplate>([
  NAME,
  printed('Containers', 'string', 'Names of each container in the template.', (t) => templateContainers(t)[0]),
  printed('Images', 'string', 'Images referenced by each container in the template.', (t) => templateContainers(t)[1]),
  printed('Pod Labels', 'string', 'Labels of the pod template.', (t) => formatLabels(t.template?.metadata?.labels)),
]);

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameColumn(),
    ageColumn(),
    column('Request', 'string', 'Used/hard of the non-limit resources.'),
    column('Limit', 'string', 'Used/hard of the limits.* resources.'),
  ],
  cells(obj, now) {
    const status = (obj as Obj<{ status?: { hard?: Record<string, string>; used?: Record<string, string> } }>).status ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const res of Object.keys(status.hard ?? {}).sort(byteOrder)) {
      const text = `${res}: ${quantityString(status.used?.[res])}/${quantityString(status.hard?.[res])}`;
      const pieces = res.split('.');
      (pieces.length > 1 && pieces[0] === 'limits' ? limits : requests).push(text);
    }
    return [nameOf(obj), age(obj, now), requests.join(', '), limits.join(', ')];
  },
};

