// Printers for storage, discovery, coordination, rbac, policy, networking, scheduling, node, certificates,
// admissionregistration and flowcontrol kinds (pkg/printers/internalversion columns and cells).
import type { KubeObject } from '../apimachinery/types.js';
import type { Printer } from './types.js';
import type { CertificateSigningRequest } from '../api/generated/certificates-v1.js';
import type { EndpointSlice } from '../api/generated/discovery-v1.js';
import type { FlowSchema, PriorityLevelConfiguration } from '../api/generated/flowcontrol-v1.js';
import type { Ingress } from '../api/generated/networking-v1.js';
import type { PodDisruptionBudget } from '../api/generated/policy-v1.js';
import type { RoleBinding } from '../api/generated/rbac-v1.js';
import type { PriorityClass } from '../api/generated/scheduling-v1.js';
import type { StorageClass } from '../api/generated/storage-v1.js';
import { formatLabelSelector, labelSelectorAsSelector, type LabelSelector } from '../apimachinery/labels.js';
import { humanDuration } from '../apimachinery/duration.js';
import {
  AGE, age, ageColumn, column, intOrString, listWithMore, loadBalancerIngress, NAME, nameColumn, nameOf, printed, printedWide, printerOf, quantityString,
} from './helpers.js';

type Obj<T> = KubeObject & T;

// ---- storage.k8s.io ----

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** storageutil.IsDefaultAnnotation: GA or beta default-class annotation set to "true". */
export function isDefaultStorageClass(obj: KubeObject): boolean {
  const a = obj.metadata.annotations ?? {};
  return a[DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}


export const storageClassPrinter = printerOf<StorageClass>([
  { column: nameColumn(), cell: (sc) => nameOf(sc) + (isDefaultStorageClass(sc) ? ' (default)' : '') },
  printed('Provisioner', 'string', 'Volume plugin that provisions volumes.', (sc) => sc.provisioner ?? ''),
  printed('ReclaimPolicy', 'string', 'Reclaim policy of provisioned volumes.', (sc) => sc.reclaimPolicy ?? 'Delete'),
  printed('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.', (sc) => sc.volumeBindingMode ?? 'Immediate'),
  printed('AllowVolumeExpansion', 'string', 'Whether volumes may be expanded.', (sc) => sc.allowVolumeExpansion ?? false),
  AGE,
]);

export const volumeAttributesClassPrinter: Printer = {
  columns: [nameColumn(), column('DriverName', 'string', 'CSI driver of the class.'), ageColumn()],
  cells(obj, now) {
    const isDefault = obj.metadata.annotations?.['resource.kubernetes.io/is-default-class'] === 'true';
    return [nameOf(obj) + (isDefault ? ' (default)' : ''), typeof obj.driverName === 'string' ? obj.driverName : '', age(obj, now)];
  },
};

interface CSIDriverSpec {
  attachRequired?: boolean;
  podInfoOnMount?: boolean;
  storageCapacity?: boolean;
  tokenRequests?: { audience: string }[] | null;
  requiresRepublish?: boolean;
  volumeLifecycleModes?: string[];
}
const csiSpec = (obj: Obj<{ spec?: CSIDriverSpec }>): CSIDriverSpec => obj.spec ?? {};

export const csiDriverPrinter = printerOf<Obj<{ spec?: CSIDriverSpec }>>([
  NAME,
  printed('AttachRequired', 'boolean', 'Whether attach is required.', (d) => csiSpec(d).attachRequired ?? true),
  printed('PodInfoOnMount', 'boolean', 'Whether pod info is passed on mount.', (d) => csiSpec(d).podInfoOnMount ?? false),
  printed('StorageCapacity', 'boolean', 'Whether capacity is tracked.', (d) => csiSpec(d).storageCapacity ?? false),
  printed('TokenRequests', 'string', 'Audiences of requested tokens.', (d) => csiSpec(d).tokenRequests?.map((t) => t.audience).join(',') ?? '<unset>'),
  printed('RequiresRepublish', 'boolean', 'Whether NodePublishVolume is repeated.', (d) => csiSpec(d).requiresRepublish ?? false),
  printed('Modes', 'string', 'Volume lifecycle modes.', (d) => (csiSpec(d).volumeLifecycleModes ?? []).join(',') || '<none>'),
  AGE,
]);

export const csiNodePrinter: Printer = {
  columns: [nameColumn(), column('Drivers', 'integer', 'Number of CSI drivers on the node.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), ((obj as Obj<{ spec?: { drivers?: unknown[] } }>).spec?.drivers ?? []).length, age(obj, now)],
};

type VolumeAttachmentLike = Obj<{ spec?: { attacher?: string; nodeName?: string; source?: { persistentVolumeName?: string } }; status?: { attached?: boolean } }>;

export const volumeAttachmentPrinter = printerOf<VolumeAttachmentLike>([
  NAME,
  { column: column('Attacher', 'string', 'Attacher handling the volume.', 0, 'name'), cell: (va) => va.spec?.attacher ?? '' },
  printed('PV', 'string', 'Persistent volume being attached.', (va) => va.spec?.source?.persistentVolumeName ?? ''),
  printed('Node', 'string', 'Node the volume is attached to.', (va) => va.spec?.nodeName ?? ''),
  printed('Attached', 'boolean', 'Whether the attach finished.', (va) => va.status?.attached ?? false),
  AGE,
]);

export const csiStorageCapacityPrinter: Printer = {
  columns: [nameColumn(), column('StorageClassName', 'string', 'StorageClass the capacity is for.'), column('Capacity', 'string', 'Reported capacity.')],
  cells(obj) {
    const c = obj as Obj<{ storageClassName?: string; capacity?: string }>;
    return [nameOf(c), c.storageClassName ?? '', c.capacity === undefined ? '<unset>' : quantityString(c.capacity)];
  },
};

// ---- discovery.k8s.io ----


// Both columns show the first three entries, then `+ N more...`, or `<unset>` when empty.
function firstThree(items: string[]): string {
  const max = 3;
  return listWithMore(items.slice(0, max), items.length > max, items.length, max);
}

const slicePorts = (ports: EndpointSlice['ports']): string =>
  firstThree((ports ?? []).map((p) => (p.port != null ? String(p.port) : p.name != null ? p.name : '*')));

const sliceEndpoints = (endpoints: EndpointSlice['endpoints']): string =>
  firstThree((endpoints ?? []).flatMap((e) => e.addresses ?? []));

export const endpointSlicePrinter = printerOf<EndpointSlice>([
  NAME,
  printed('AddressType', 'string', 'Type of the addresses.', (s) => s.addressType ?? ''),
  printed('Ports', 'string', 'Ports of the slice.', (s) => slicePorts(s.ports)),
  printed('Endpoints', 'string', 'Addresses of the endpoints.', (s) => sliceEndpoints(s.endpoints)),
  AGE,
]);

// ---- coordination.k8s.io ----

export const leasePrinter: Printer = {
  columns: [nameColumn(), column('Holder', 'string', 'Current holder of the lease.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), (obj as Obj<{ spec?: { holderIdentity?: string | null } }>).spec?.holderIdentity ?? '', age(obj, now)],
};

// ---- rbac.authorization.k8s.io ----


/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjectsStrings(subjects: RoleBinding['subjects']): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingPrinter(scope: 'roleBinding' | 'clusterRoleBinding'): Printer {
  return printerOf<RoleBinding>([
    NAME,
    printed('Role', 'string', 'Role the binding grants.', (b) => `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`),
    AGE,
    printedWide('Users', 'string', `Users in the ${scope}`, (b) => subjectsStrings(b.subjects)[0]),
    printedWide('Groups', 'string', `Groups in the ${scope}`, (b) => subjectsStrings(b.subjects)[1]),
    printedWide('ServiceAccounts', 'string', `ServiceAccounts in the ${scope}`, (b) => subjectsStrings(b.subjects)[2]),
  ]);
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');

// ---- policy ----

const budget = (v: number | string | null | undefined) => (v === undefined || v === null ? 'N/A' : intOrString(v));

export const podDisruptionBudgetPrinter = printerOf<PodDisruptionBudget>([
  NAME,
  printed('Min Available', 'string', 'Pods that must stay available.', (pdb) => budget(pdb.spec?.minAvailable)),
  printed('Max Unavailable', 'string', 'Pods that may be unavailable.', (pdb) => budget(pdb.spec?.maxUnavailable)),
  printed('Allowed Disruptions', 'integer', 'Pods that may be disrupted now.', (pdb) => pdb.status?.disruptionsAllowed ?? 0),
  AGE,
]);

// ---- networking.k8s.io ----


/** formatHosts: up to three hosts, `*` when none is set. */
function ingressHosts(rules: { host?: string }[] | null | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  const all = rules ?? [];
  for (const r of all) {
    if (list.length === max) more = true;
    if (!more && r.host) list.push(r.host);
  }
  if (list.length === 0) return '*';
  const joined = list.join(',');
  return more ? `${joined} + ${all.length - max} more...` : joined;
}

export const ingressPrinter = printerOf<Ingress>([
  NAME,
  printed('Class', 'string', 'IngressClass handling the ingress.', (ing) => ing.spec?.ingressClassName ?? '<none>'),
  printed('Hosts', 'string', 'Hosts the rules match.', (ing) => ingressHosts(ing.spec?.rules)),
  printed('Address', 'string', 'Load balancer ingress points.', (ing) => loadBalancerIngress(ing.status?.loadBalancer?.ingress)),
  printed('Ports', 'string', 'Ports served.', (ing) => ((ing.spec?.tls ?? []).length ? '80, 443' : '80')),
  AGE,
]);

export const ingressClassPrinter: Printer = {
  columns: [nameColumn(), column('Controller', 'string', 'Controller handling the class.'), column('Parameters', 'string', 'Parameters resource.'), ageColumn()],
  cells(obj, now) {
    const ic = obj as Obj<{ spec?: { controller?: string; parameters?: { apiGroup?: string | null; kind: string; name: string } | null } }>;
    const p = ic.spec?.parameters;
    const params = p ? `${p.kind}${p.apiGroup != null ? '.' + p.apiGroup : ''}/${p.name}` : '<none>';
    return [nameOf(ic), ic.spec?.controller ?? '', params, age(ic, now)];
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [nameColumn(), column('Pod-Selector', 'string', 'Pods the policy applies to.'), ageColumn()],
  cells(obj, now) {
    const sel = (obj as Obj<{ spec?: { podSelector?: LabelSelector } }>).spec?.podSelector ?? {};
    return [nameOf(obj), formatLabelSelector(sel), age(obj, now)];
  },
};

export const serviceCIDRPrinter: Printer = {
  columns: [nameColumn(), column('CIDRs', 'string', 'Service IP ranges.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), ((obj as Obj<{ spec?: { cidrs?: string[] } }>).spec?.cidrs ?? []).join(','), age(obj, now)],
};

export const ipAddressPrinter: Printer = {
  columns: [nameColumn(), column('ParentRef', 'string', 'Object the address is allocated to.')],
  cells(obj) {
    const ref = (obj as Obj<{ spec?: { parentRef?: { group?: string; resource?: string; namespace?: string; name?: string } | null } }>).spec?.parentRef;
    if (!ref) return [nameOf(obj), '<none>'];
    const gr = ref.group ? `${ref.resource ?? ''}.${ref.group}` : ref.resource ?? '';
    return [nameOf(obj), `${gr.toLowerCase()}${ref.namespace ? '/' + ref.namespace : ''}/${ref.name ?? ''}`];
  },
};

// ---- scheduling.k8s.io, node.k8s.io ----


export const priorityClassPrinter = printerOf<PriorityClass>([
  NAME,
  printed('Value', 'integer', 'Priority value.', (pc) => pc.value ?? 0),
  printed('Global-Default', 'boolean', 'Whether this is the default priority.', (pc) => pc.globalDefault ?? false),
  AGE,
  printed('PreemptionPolicy', 'string', 'Whether lower-priority pods may be preempted.', (pc) => pc.preemptionPolicy ?? ''),
]);

export const runtimeClassPrinter: Printer = {
  columns: [nameColumn(), column('Handler', 'string', 'CRI handler.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), typeof obj.handler === 'string' ? obj.handler : '', age(obj, now)],
};

// ---- certificates.k8s.io ----


function csrCondition(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (csr.status?.certificate) s += ',Issued';
  return s;
}

export const certificateSigningRequestPrinter = printerOf<CertificateSigningRequest>([
  NAME,
  AGE,
  printed('SignerName', 'string', 'Signer asked to sign.', (csr) => csr.spec?.signerName || '<none>'),
  printed('Requestor', 'string', 'User that created the request.', (csr) => csr.spec?.username ?? ''),
  printed('RequestedDuration', 'string', 'Requested certificate lifetime.', ({ spec }) => (spec?.expirationSeconds != null ? humanDuration(spec.expirationSeconds * 1000) : '<none>')),
  printed('Condition', 'string', 'Approval state.', csrCondition),
]);

// ---- admissionregistration.k8s.io ----

function webhookConfigPrinter(): Printer {
  return {
    columns: [nameColumn(), column('Webhooks', 'integer', 'Number of webhooks in the configuration.'), ageColumn()],
    cells: (obj, now) => [nameOf(obj), Array.isArray(obj.webhooks) ? obj.webhooks.length : 0, age(obj, now)],
  };
}

export const mutatingWebhookConfigurationPrinter = webhookConfigPrinter();
export const validatingWebhookConfigurationPrinter = webhookConfigPrinter();

export const validatingAdmissionPolicyPrinter: Printer = {
  columns: [nameColumn(), column('Validations', 'integer', 'Number of validation rules.'), column('ParamKind', 'string', 'Kind of the parameter resource.'), ageColumn()],
  cells(obj, now) {
    const spec = (obj as Obj<{ spec?: { validations?: unknown[]; paramKind?: { apiVersion?: string; kind?: string } | null } }>).spec ?? {};
    const pk = spec.paramKind ? `${spec.paramKind.apiVersion ?? ''}/${spec.paramKind.kind ?? ''}` : '<unset>';
    return [nameOf(obj), (spec.validations ?? []).length, pk, age(obj, now)];
  },
};

export const validatingAdmissionPolicyBindingPrinter: Printer = {
  columns: [nameColumn(), column('PolicyName', 'string', 'Policy the binding applies.'), column('ParamRef', 'string', 'Parameter resource of the binding.'), ageColumn()],
  cells(obj, now) {
    const spec = (obj as Obj<{ spec?: { policyName?: string; paramRef?: { name?: string; namespace?: string; selector?: LabelSelector } | null } }>).spec ?? {};
    let param = '<unset>';
    const pr = spec.paramRef;
    if (pr) {
      if (pr.name) param = pr.namespace ? `${pr.namespace}/${pr.name}` : `*/${pr.name}`;
      else if (pr.selector) {
        try {
          param = labelSelectorAsSelector(pr.selector).toString();
        } catch {
          param = '<invalid>';
        }
      }
    }
    return [nameOf(obj), spec.policyName ?? '', param, age(obj, now)];
  },
};

// ---- flowcontrol.apiserver.k8s.io ----


export const flowSchemaPrinter = printerOf<FlowSchema>([
  NAME,
  printed('PriorityLevel', 'string', 'Priority level requests are assigned to.', (fs) => fs.spec?.priorityLevelConfiguration?.name ?? ''),
  printed('MatchingPrecedence', 'string', 'Lower values match first.', (fs) => fs.spec?.matchingPrecedence ?? 0),
  printed('DistinguisherMethod', 'string', 'How flows are told apart.', (fs) => fs.spec?.distinguisherMethod?.type ?? '<none>'),
  AGE,
  printed('MissingPL', 'string', 'Whether the priority level reference is dangling.', (fs) => fs.status?.conditions?.find((c) => c.type === 'Dangling')?.status ?? '?'),
]);

/** A queuing setting of a Limited level, `<none>` for Exempt levels and rejecting ones. */
const queuing = (key: 'queues' | 'handSize' | 'queueLengthLimit') => (pl: PriorityLevelConfiguration) => {
  const q = pl.spec?.limited?.limitResponse?.queuing;
  return q ? q[key] ?? 0 : '<none>';
};

export const priorityLevelConfigurationPrinter = printerOf<PriorityLevelConfiguration>([
  NAME,
  printed('Type', 'string', 'Limited or Exempt.', (pl) => pl.spec?.type ?? ''),
  printed('NominalConcurrencyShares', 'string', 'Share of the server concurrency.', ({ spec }) => (spec?.limited ? spec.limited.nominalConcurrencyShares ?? 0 : '<none>')),
  printed('Queues', 'string', 'Number of queues.', queuing('queues')),
  printed('HandSize', 'string', 'Queues considered per request.', queuing('handSize')),
  printed('QueueLengthLimit', 'string', 'Maximum requests per queue.', queuing('queueLengthLimit')),
  AGE,
]);
