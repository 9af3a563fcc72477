// Services, EndpointSlices and a table layout for the proxy's unit tests.
import type { EndpointSlice } from '../../../src/controllers/endpointslice/types.js';
import type { Service, ServiceSpec } from '../../../src/registry/core-service-alloc/allocator.js';
import type { TableLayout } from '../../../src/proxy/rules.js';

export const NODES = [
  { name: 'berth-node-1', subnet: '10.244.0.0/24', address: '10.244.0.1' },
  { name: 'berth-node-2', subnet: '10.244.1.0/24', address: '10.244.1.1' },
];

export const LAYOUT: TableLayout = {
  table: 'inet berth-unit', bridge: 'berthunit', clusterCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', nodes: NODES,
  nodePortAddresses: ['127.0.0.1', '10.244.0.1', '10.244.1.1'], masqueradeMark: '0x00100000', comment: 'unit test',
};

export function service(name: string, spec: ServiceSpec, extra: Partial<Service> = {}, ns = 'default'): Service {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, resourceVersion: '1', uid: `uid-${name}` },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], ...spec },
    ...extra,
  };
}

export interface Ep { ip: string; ready?: boolean; serving?: boolean; terminating?: boolean; node?: string }

export function slice(name: string, svc: string, eps: Ep[], ports = [{ name: 'http', port: 8080, protocol: 'TCP' }], ns = 'default'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', ports,
    metadata: { name, namespace: ns, resourceVersion: '1', labels: { 'kubernetes.io/service-name': svc } },
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
      ...(e.node ? { nodeName: e.node } : {}),
    })),
  };
}
