// The core/v1 kinds served by the API, in discovery order.
import type { ResourceDef } from '../types.js';
import { configMapResource, secretResource, serviceAccountResource } from './config.js';
import { eventResource } from './event.js';
import { namespaceResource } from './namespace.js';
import { nodeResource } from './node.js';
import { bindingResource, podResource, podTemplateResource } from './pod.js';
import { limitRangeResource, resourceQuotaResource } from './quota.js';
import { replicationControllerResource } from './replication-controller.js';
import { endpointsResource, serviceResource } from './service.js';
import { persistentVolumeClaimResource, persistentVolumeResource } from './storage.js';

export const coreResources: ResourceDef[] = [
  bindingResource,
  configMapResource,
  endpointsResource,
  eventResource,
  limitRangeResource,
  namespaceResource,
  nodeResource,
  persistentVolumeClaimResource,
  persistentVolumeResource,
  podResource,
  podTemplateResource,
  replicationControllerResource,
  resourceQuotaResource,
  secretResource,
  serviceAccountResource,
  serviceResource,
];

export {
  bindingResource, configMapResource, endpointsResource, eventResource, namespaceResource, nodeResource,
  persistentVolumeClaimResource, persistentVolumeResource, podResource, podTemplateResource, secretResource,
  serviceAccountResource, serviceResource,
};
export { setDefaultsPod, setDefaultsPodSpec, setDefaultsPodTemplateSpec } from './pod-defaults.js';
export { validatePodSpec, validatePodTemplateSpec, validatePodBinding, validateTolerations, validatePersistentVolumeClaimSpec } from './pod-validation.js';
export { podSelectableFields } from './pod.js';
export { eventSelectableFields, validateEventBody } from './event.js';
export { validateNamespaceFinalizeUpdate } from './namespace.js';
export { computeQOSClass } from './resources.js';
