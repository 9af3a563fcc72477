// Printer lookup by group and kind, plus the fallbacks upstream uses for kinds without a dedicated printer.
import type { Printer } from './types.js';
import { age, column, nameColumn, nameOf } from './helpers.js';
import { podPrinter } from './pod.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import {
  configMapPrinter, endpointsPrinter, eventPrinter, eventsV1Printer, namespacePrinter, nodePrinter, persistentVolumeClaimPrinter,
  persistentVolumePrinter, podTemplatePrinter, replicationControllerPrinter, resourceQuotaPrinter, secretPrinter,
  serviceAccountPrinter, servicePrinter,
} from './core.js';
import {
  controllerRevisionPrinter, cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter, statefulSetPrinter,
} from './workloads.js';
import {
  certificateSigningRequestPrinter, clusterRoleBindingPrinter, csiDriverPrinter, csiNodePrinter, csiStorageCapacityPrinter,
  endpointSlicePrinter, flowSchemaPrinter, ingressClassPrinter, ingressPrinter, ipAddressPrinter, leasePrinter,
  mutatingWebhookConfigurationPrinter, networkPolicyPrinter, podDisruptionBudgetPrinter, priorityClassPrinter,
  priorityLevelConfigurationPrinter, roleBindingPrinter, runtimeClassPrinter, serviceCIDRPrinter, storageClassPrinter,
  validatingAdmissionPolicyBindingPrinter, validatingAdmissionPolicyPrinter, validatingWebhookConfigurationPrinter,
  volumeAttachmentPrinter, volumeAttributesClassPrinter,
} from './cluster.js';

const PRINTERS: Record<string, Printer> = {
  '/Pod': podPrinter,
  '/Namespace': namespacePrinter,
  '/Service': servicePrinter,
  '/Endpoints': endpointsPrinter,
  '/ConfigMap': configMapPrinter,
  '/Secret': secretPrinter,
  '/ServiceAccount': serviceAccountPrinter,
  '/PersistentVolume': persistentVolumePrinter,
  '/PersistentVolumeClaim': persistentVolumeClaimPrinter,
  '/Event': eventPrinter,
  '/Node': nodePrinter,
  '/ReplicationController': replicationControllerPrinter,
  '/PodTemplate': podTemplatePrinter,
  '/ResourceQuota': resourceQuotaPrinter,
  'apps/StatefulSet': statefulSetPrinter,
  'apps/Deployment': deploymentPrinter,
  'apps/ReplicaSet': replicaSetPrinter,
  'apps/DaemonSet': daemonSetPrinter,
  'apps/ControllerRevision': controllerRevisionPrinter,
  'autoscaling/HorizontalPodAutoscaler': horizontalPodAutoscalerPrinter,
  'batch/Job': jobPrinter,
  'batch/CronJob': cronJobPrinter,
  'storage.k8s.io/StorageClass': storageClassPrinter,
  'storage.k8s.io/VolumeAttributesClass': volumeAttributesClassPrinter,
  'storage.k8s.io/CSIDriver': csiDriverPrinter,
  'storage.k8s.io/CSINode': csiNodePrinter,
  'storage.k8s.io/VolumeAttachment': volumeAttachmentPrinter,
  'storage.k8s.io/CSIStorageCapacity': csiStorageCapacityPrinter,
  'discovery.k8s.io/EndpointSlice': endpointSlicePrinter,
  'coordination.k8s.io/Lease': leasePrinter,
  'events.k8s.io/Event': eventsV1Printer,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingPrinter,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingPrinter,
  'policy/PodDisruptionBudget': podDisruptionBudgetPrinter,
  'networking.k8s.io/Ingress': ingressPrinter,
  'networking.k8s.io/IngressClass': ingressClassPrinter,
  'networking.k8s.io/NetworkPolicy': networkPolicyPrinter,
  'networking.k8s.io/ServiceCIDR': serviceCIDRPrinter,
  'networking.k8s.io/IPAddress': ipAddressPrinter,
  'scheduling.k8s.io/PriorityClass': priorityClassPrinter,
  'node.k8s.io/RuntimeClass': runtimeClassPrinter,
  'certificates.k8s.io/CertificateSigningRequest': certificateSigningRequestPrinter,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': mutatingWebhookConfigurationPrinter,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': validatingWebhookConfigurationPrinter,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': validatingAdmissionPolicyPrinter,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': validatingAdmissionPolicyBindingPrinter,
  'flowcontrol.apiserver.k8s.io/FlowSchema': flowSchemaPrinter,
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration': priorityLevelConfigurationPrinter,
};

/** The dedicated printer of a built-in kind, or undefined (then use defaultTablePrinter). */
export function printerFor(group: string, kind: string): Printer | undefined {
  return PRINTERS[`${group}/${kind}`];
}

/**
 * rest.NewDefaultTableConvertor: NAME and CREATED AT (RFC 3339, UTC), used by built-in kinds without a printer
 * such as Role and ClusterRole (`kubectl get roles` shows `NAME  CREATED AT`).
 */
export const defaultTablePrinter: Printer = {
  columns: [nameColumn(), column('Created At', 'date', 'Time the object was created.')],
  cells(obj) {
    const ts = obj.metadata.creationTimestamp;
    const t = ts ? Date.parse(ts) : NaN;
    // Go formats the zero time when the timestamp is missing.
    const created = Number.isNaN(t) ? '0001-01-01T00:00:00Z' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return [nameOf(obj), created];
  },
};

/**
 * NAME and AGE: what a custom resource prints when its CRD declares no additionalPrinterColumns (the CRD
 * defaulting adds an Age column of type date, shown as a HumanDuration).
 */
export const ageTablePrinter: Printer = {
  columns: [nameColumn(), column('Age', 'date', 'Time since the object was created.')],
  cells: (obj, now) => [nameOf(obj), age(obj, now)],
};

/** The printer to use for a built-in kind: its own, else the default NAME / CREATED AT one. */
export function printerOrDefault(group: string, kind: string): Printer {
  return printerFor(group, kind) ?? defaultTablePrinter;
}

export { customResourcePrinter, DEFAULT_CR_COLUMNS, type PrinterColumnDefinition } from './custom.js';
export { toTable, type TableOptions, type IncludeObject } from './table.js';
