// Printers for storage, discovery, coordination, rbac, policy, networking, scheduling, node, certificates,
// admissionregistration and flowcontrol kinds (pkg/printers/internalversion columns and cells).
import type { KubeObject } from '../apimachinery/types.js';
import type { Printer } from './types.js';
import { formatLabelSelector, labelSelectorAsSelector, type LabelSelector } from '../apimachinery/labels.js';
import { humanDuration } from '../apimachinery/duration.js';
import { age, ageColumn, column, intOrString, listWithMore, loadBalancerIngress, nameColumn, nameOf, quantityString } from './helpers.js';

type Obj<T> = KubeObject & T;

// ---- storage.k8s.io ----

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** storageutil.IsDefaultAnnotation: GA or beta default-class annotation set to "true". */
export function isDefaultStorageClass(obj: KubeObject): boolean {
  const a = obj.metadata.annotations ?? {};
  return a[DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Provisioner', 'string', 'Volume plugin that provisions volumes.'),
    column('ReclaimPolicy', 'string', 'Reclaim policy of provisioned volumes.'),
    column('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    column('AllowVolumeExpansion', 'string', 'Whether volumes may be expanded.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const sc = obj as Obj<{ provisioner?: string; reclaimPolicy?: string; volumeBindingMode?: string; allowVolumeExpansion?: boolean }>;
    const name = nameOf(sc) + (isDefaultStorageClass(sc) ? ' (default)' : '');
    return [name, sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, age(sc, now)];
  },
};

export const volumeAttributesClassPrinter: Printer = {
  columns: [nameColumn(), column('DriverName', 'string', 'CSI driver of the class.'), ageColumn()],
  cells(obj, now) {
    const isDefault = obj.metadata.annotations?.['resource.kubernetes.io/is-default-class'] === 'true';
    return [nameOf(obj) + (isDefault ? ' (default)' : ''), typeof obj.driverName === 'string' ? obj.driverName : '', age(obj, now)];
  },
};

export const csiDriverPrinter: Printer = {
  columns: [
    nameColumn(),
    column('AttachRequired', 'boolean', 'Whether attach is required.'),
    column('PodInfoOnMount', 'boolean', 'Whether pod info is passed on mount.'),
    column('StorageCapacity', 'boolean', 'Whether capacity is tracked.'),
    column('TokenRequests', 'string', 'Audiences of requested tokens.'),
    column('RequiresRepublish', 'boolean', 'Whether NodePublishVolume is repeated.'),
    column('Modes', 'string', 'Volume lifecycle modes.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const spec = (obj as Obj<{ spec?: { attachRequired?: boolean; podInfoOnMount?: boolean; storageCapacity?: boolean; tokenRequests?: { audience: string }[] | null; requiresRepublish?: boolean; volumeLifecycleModes?: string[] } }>).spec ?? {};
    const tokens = spec.tokenRequests ? spec.tokenRequests.map((t) => t.audience).join(',') : '<unset>';
    const modes = (spec.volumeLifecycleModes ?? []).join(',') || '<none>';
    return [nameOf(obj), spec.attachRequired ?? true, spec.podInfoOnMount ?? false, spec.storageCapacity ?? false, tokens, spec.requiresRepublish ?? false, modes, age(obj, now)];
  },
};

export const csiNodePrinter: Printer = {
  columns: [nameColumn(), column('Drivers', 'integer', 'Number of CSI drivers on the node.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), ((obj as Obj<{ spec?: { drivers?: unknown[] } }>).spec?.drivers ?? []).length, age(obj, now)],
};

export const volumeAttachmentPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Attacher', 'string', 'Attacher handling the volume.', 0, 'name'),
    column('PV', 'string', 'Persistent volume being attached.'),
    column('Node', 'string', 'Node the volume is attached to.'),
    column('Attached', 'boolean', 'Whether the attach finished.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const va = obj as Obj<{ spec?: { attacher?: string; nodeName?: string; source?: { persistentVolumeName?: string } }; status?: { attached?: boolean } }>;
    return [nameOf(va), va.spec?.attacher ?? '', va.spec?.source?.persistentVolumeName ?? '', va.spec?.nodeName ?? '', va.status?.attached ?? false, age(va, now)];
  },
};

export const csiStorageCapacityPrinter: Printer = {
  columns: [nameColumn(), column('StorageClassName', 'string', 'StorageClass the capacity is for.'), column('Capacity', 'string', 'Reported capacity.')],
  cells(obj) {
    const c = obj as Obj<{ storageClassName?: string; capacity?: string }>;
    return [nameOf(c), c.storageClassName ?? '', c.capacity === undefined ? '<unset>' : quantityString(c.capacity)];
  },
};

// ---- discovery.k8s.io ----

interface EndpointSliceLike {
  addressType?: string;
  ports?: { name?: string | null; port?: number | null }[] | null;
  endpoints?: { addresses?: string[] }[] | null;
}

// Both columns show the first three entries, then `+ N more...`, or `<unset>` when empty.
function firstThree(items: string[]): string {
  const max = 3;
  return listWithMore(items.slice(0, max), items.length > max, items.length, max);
}

const slicePorts = (ports: EndpointSliceLike['ports']): string =>
  firstThree((ports ?? []).map((p) => (p.port != null ? String(p.port) : p.name != null ? p.name : '*')));

const sliceEndpoints = (endpoints: EndpointSliceLike['endpoints']): string =>
  firstThree((endpoints ?? []).flatMap((e) => e.addresses ?? []));

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn(),
    column('AddressType', 'string', 'Type of the addresses.'),
    column('Ports', 'string', 'Ports of the slice.'),
    column('Endpoints', 'string', 'Addresses of the endpoints.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const s = obj as Obj<EndpointSliceLike>;
    return [nameOf(s), s.addressType ?? '', slicePorts(s.ports), sliceEndpoints(s.endpoints), age(s, now)];
  },
};

// ---- coordination.k8s.io ----

export const leasePrinter: Printer = {
  columns: [nameColumn(), column('Holder', 'string', 'Current holder of the lease.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), (obj as Obj<{ spec?: { holderIdentity?: string | null } }>).spec?.holderIdentity ?? '', age(obj, now)],
};

// ---- rbac.authorization.k8s.io ----

interface BindingLike {
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind: string; name: string; namespace?: string }[] | null;
}

/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjectsStrings(subjects: BindingLike['subjects']): [string, string, string] {
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
  return {
    columns: [
      nameColumn(),
      column('Role', 'string', 'Role the binding grants.'),
      ageColumn(),
      column('Users', 'string', `Users in the ${scope}`, 1),
      column('Groups', 'string', `Groups in the ${scope}`, 1),
      column('ServiceAccounts', 'string', `ServiceAccounts in the ${scope}`, 1),
    ],
    cells(obj, now) {
      const b = obj as Obj<BindingLike>;
      return [nameOf(b), `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, age(b, now), ...subjectsStrings(b.subjects)];
    },
  };
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');

// ---- policy ----

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Min Available', 'string', 'Pods that must stay available.'),
    column('Max Unavailable', 'string', 'Pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Pods that may be disrupted now.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const pdb = obj as Obj<{ spec?: { minAvailable?: number | string | null; maxUnavailable?: number | string | null }; status?: { disruptionsAllowed?: number } }>;
    const fmt = (v: number | string | null | undefined) => (v === undefined || v === null ? 'N/A' : intOrString(v));
    return [nameOf(pdb), fmt(pdb.spec?.minAvailable), fmt(pdb.spec?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0, age(pdb, now)];
  },
};

// ---- networking.k8s.io ----

interface IngressLike {
  spec?: { ingressClassName?: string | null; rules?: { host?: string }[] | null; tls?: unknown[] | null };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

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

export const ingressPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Class', 'string', 'IngressClass handling the ingress.'),
    column('Hosts', 'string', 'Hosts the rules match.'),
    column('Address', 'string', 'Load balancer ingress points.'),
    column('Ports', 'string', 'Ports served.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const ing = obj as Obj<IngressLike>;
    return [
      nameOf(ing),
      ing.spec?.ingressClassName ?? '<none>',
      ingressHosts(ing.spec?.rules),
      loadBalancerIngress(ing.status?.loadBalancer?.ingress),
      (ing.spec?.tls ?? []).length ? '80, 443' : '80',
      age(ing, now),
    ];
  },
};

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

export const priorityClassPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Value', 'integer', 'Priority value.'),
    column('Global-Default', 'boolean', 'Whether this is the default priority.'),
    ageColumn(),
    column('PreemptionPolicy', 'string', 'Whether lower-priority pods may be preempted.'),
  ],
  cells(obj, now) {
    const pc = obj as Obj<{ value?: number; globalDefault?: boolean; preemptionPolicy?: string }>;
    return [nameOf(pc), pc.value ?? 0, pc.globalDefault ?? false, age(pc, now), pc.preemptionPolicy ?? ''];
  },
};

export const runtimeClassPrinter: Printer = {
  columns: [nameColumn(), column('Handler', 'string', 'CRI handler.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), typeof obj.handler === 'string' ? obj.handler : '', age(obj, now)],
};

// ---- certificates.k8s.io ----

interface CSRLike {
  spec?: { signerName?: string; username?: string; expirationSeconds?: number | null };
  status?: { conditions?: { type: string }[]; certificate?: string };
}

function csrCondition(csr: Obj<CSRLike>): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (csr.status?.certificate) s += ',Issued';
  return s;
}

export const certificateSigningRequestPrinter: Printer = {
  columns: [
    nameColumn(),
    ageColumn(),
    column('SignerName', 'string', 'Signer asked to sign.'),
    column('Requestor', 'string', 'User that created the request.'),
    column('RequestedDuration', 'string', 'Requested certificate lifetime.'),
    column('Condition', 'string', 'Approval state.'),
  ],
  cells(obj, now) {
    const csr = obj as Obj<CSRLike>;
    const secs = csr.spec?.expirationSeconds;
    return [nameOf(csr), age(csr, now), csr.spec?.signerName || '<none>', csr.spec?.username ?? '', secs != null ? humanDuration(secs * 1000) : '<none>', csrCondition(csr)];
  },
};

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

export const flowSchemaPrinter: Printer = {
  columns: [
    nameColumn(),
    column('PriorityLevel', 'string', 'Priority level requests are assigned to.'),
    column('MatchingPrecedence', 'string', 'Lower values match first.'),
    column('DistinguisherMethod', 'string', 'How flows are told apart.'),
    ageColumn(),
    column('MissingPL', 'string', 'Whether the priority level reference is dangling.'),
  ],
  cells(obj, now) {
    const fs = obj as Obj<{ spec?: { priorityLevelConfiguration?: { name?: string }; matchingPrecedence?: number; distinguisherMethod?: { type?: string } | null }; status?: { conditions?: { type: string; status: string }[] } }>;
    const dangling = fs.status?.conditions?.find((c) => c.type === 'Dangling')?.status ?? '?';
    return [nameOf(fs), fs.spec?.priorityLevelConfiguration?.name ?? '', fs.spec?.matchingPrecedence ?? 0, fs.spec?.distinguisherMethod?.type ?? '<none>', age(fs, now), dangling];
  },
};

export const priorityLevelConfigurationPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Type', 'string', 'Limited or Exempt.'),
    column('NominalConcurrencyShares', 'string', 'Share of the server concurrency.'),
    column('Queues', 'string', 'Number of queues.'),
    column('HandSize', 'string', 'Queues considered per request.'),
    column('QueueLengthLimit', 'string', 'Maximum requests per queue.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const spec = (obj as Obj<{ spec?: { type?: string; limited?: { nominalConcurrencyShares?: number; limitResponse?: { queuing?: { queues?: number; handSize?: number; queueLengthLimit?: number } | null } } | null } }>).spec ?? {};
    const limited = spec.limited;
    const q = limited?.limitResponse?.queuing;
    return [
      nameOf(obj),
      spec.type ?? '',
      limited ? limited.nominalConcurrencyShares ?? 0 : '<none>',
      q ? q.queues ?? 0 : '<none>',
      q ? q.handSize ?? 0 : '<none>',
      q ? q.queueLengthLimit ?? 0 : '<none>',
      age(obj, now),
    ];
  },
};
