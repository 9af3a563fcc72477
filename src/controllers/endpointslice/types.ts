// The API types the endpoint controllers and the DNS server read (generated, src/api), and the well-known names of
// discovery.k8s.io/v1 EndpointSlices.
export type { EndpointConditions, Endpoint, EndpointPort, EndpointSlice } from '../../api/generated/discovery-v1.js';
export type { ContainerPort, ObjectReference, Pod, Service, ServicePort, ServiceSpec } from '../../api/generated/core-v1.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;
