// Every built-in resource, grouped in the order upstream's discovery lists API groups (kube-apiserver's group
// priorities: core 18000, apps 17800, events.k8s.io 17750, … batch 17400, certificates 17300, networking 17200, policy 17100, rbac 17000,
// storage 16800, scheduling 16600, coordination 16500, apiextensions 16400, discovery 16200, flowcontrol 16100).
import { apiextensionsResources } from '../apiextensions/crd-resource.js';
import { appsResources } from '../registry/apps/index.js';
import { accessReviewResources } from '../registry/authorization/index.js';
import { autoscalingResources } from '../registry/autoscaling/index.js';
import { batchResources } from '../registry/batch/index.js';
import { certificatesResources } from '../registry/certificates/index.js';
import { coordinationResources } from '../registry/coordination/index.js';
import { coreResources } from '../registry/core/index.js';
import { discoveryResources } from '../registry/discovery/index.js';
import { eventsResources } from '../registry/events/index.js';
import { flowcontrolResources } from '../registry/flowcontrol/index.js';
import { networkingResources } from '../registry/networking/index.js';
import { policyResources } from '../registry/policy/index.js';
import { rbacResources } from '../registry/rbac/index.js';
import { schedulingResources } from '../registry/scheduling/index.js';
import { storageResources } from '../registry/storage/index.js';
import type { ResourceDef } from '../registry/types.js';

/**
 * Built-in kinds whose upstream strategies refuse an update without metadata.resourceVersion (AllowUnconditionalUpdate
 * false): Lease (coordination/lease), PodDisruptionBudget (policy/poddisruptionbudget), ResourceQuota
 * (core/resourcequota), CustomResourceDefinition (apiextensions), CertificateSigningRequest and VolumeAttachment.
 * Every other built-in strategy allows it.
 */
const REFUSE_UNCONDITIONAL_UPDATE = new Set([
  'coordination.k8s.io/Lease', 'policy/PodDisruptionBudget', '/ResourceQuota', 'apiextensions.k8s.io/CustomResourceDefinition',
  'certificates.k8s.io/CertificateSigningRequest', 'storage.k8s.io/VolumeAttachment',
]);

export function builtinResources(): ResourceDef[] {
  return [
    ...coreResources,
    ...appsResources(),
    ...eventsResources(),
    ...accessReviewResources(),
    ...autoscalingResources(),
    ...batchResources(),
    ...certificatesResources(),
    ...networkingResources(),
    ...policyResources(),
    ...rbacResources(),
    ...storageResources(),
    ...schedulingResources(),
    ...coordinationResources(),
    ...apiextensionsResources(),
    ...discoveryResources(),
    ...flowcontrolResources(),
  ].map((def) => ({ ...def, unconditionalUpdate: !REFUSE_UNCONDITIONAL_UPDATE.has(`${def.group}/${def.kind}`) }));
}
