// The Node and Lease objects a kubelet registers and keeps fresh, for one simulated node.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../apimachinery/types.js';
import { Node, NodeCondition } from '../api/core.js';
import { KUBE_VERSION } from '../apimachinery/version.js';
import { localMachineId, MACHINE_ID_LABEL } from '../volume/local-machine.js';
import { rfc3339, rfc3339Micro } from '../apimachinery/time.js';

export const KUBELET_VERSION = KUBE_VERSION;
export const CONTAINER_RUNTIME_VERSION = 'berth-sim://0.1';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** kubelet's default nodeLeaseDurationSeconds. */
export const LEASE_DURATION_SECONDS = 40;

/** The kubelet's default --port. */
export const DEFAULT_KUBELET_PORT = 10250;

export interface SimNodeSpec {
  name: string;
  /** This node's /24 of the pod range. */
  podCIDR: string;
  internalIP: string;
  /** Where the node's kubelet server listens (Node.status.daemonEndpoints.kubeletEndpoint.Port); default 10250. */
  kubeletPort?: number;
  capacity: Record<string, string>;
  labels?: Record<string, string>;
  /** Nodes whose pods are real processes on this machine report it (runtime, OS, kernel); default simulated. */
  machine?: { containerRuntimeVersion: string; osImage: string; kernelVersion: string; allocatable: Record<string, string> };
}

export const DEFAULT_CAPACITY: Record<string, string> = {
  cpu: '4',
  'ephemeral-storage': '100Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  memory: '8Gi',
  pods: '110',
};

export function nodeLabels(name: string, extra: Record<string, string> = {}, simulated = true): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'node-role.kubernetes.io/worker': '',
    'node.berth.dev/simulated': 'true',
    [MACHINE_ID_LABEL]: localMachineId(),
    ...extra,
  };
  if (!simulated) delete labels['node.berth.dev/simulated'];
  return labels;
}

/** The four conditions a healthy kubelet reports, with upstream's reasons and messages. */
export function healthyConditions(now: Date, previous: NodeCondition[] = []): NodeCondition[] {
  const stamp = rfc3339(now);
  const make = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const prev = previous.find((c) => c.type === type);
    const lastTransitionTime = prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : stamp;
    return { type, status, lastHeartbeatTime: stamp, lastTransitionTime, reason, message };
  };
  return [
    make('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    make('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    make('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    make('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function nodeStatus(spec: SimNodeSpec, now: Date, previous: NodeCondition[] = [], bootTime: Date = now): NonNullable<Node['status']> {
  return {
    capacity: { ...spec.capacity },
    allocatable: { ...(spec.machine?.allocatable ?? spec.capacity) },
    conditions: healthyConditions(now, previous),
    addresses: [
      { type: 'InternalIP', address: spec.internalIP },
      { type: 'Hostname', address: spec.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: spec.kubeletPort ?? DEFAULT_KUBELET_PORT } },
    nodeInfo: {
      machineID: stableHex(`machine-${spec.name}`),
      systemUUID: uuidFrom(stableHex(`system-${spec.name}`)),
      bootID: uuidFrom(stableHex(`boot-${spec.name}-${bootTime.getTime()}`)),
      kernelVersion: spec.machine?.kernelVersion ?? '6.8.0-berth',
      osImage: spec.machine?.osImage ?? 'Berth Simulated Node',
      containerRuntimeVersion: spec.machine?.containerRuntimeVersion ?? CONTAINER_RUNTIME_VERSION,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

export function buildNode(spec: SimNodeSpec, now: Date): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: nodeLabels(spec.name, spec.labels, !spec.machine),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: spec.podCIDR, podCIDRs: [spec.podCIDR], providerID: `${(spec.machine?.containerRuntimeVersion ?? CONTAINER_RUNTIME_VERSION).split(':')[0]}://${spec.name}` },
    status: nodeStatus(spec, now),
  };
}

export function buildLease(node: Node, now: Date): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node.metadata.name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: node.metadata.uid
        ? [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name!, uid: node.metadata.uid }]
        : undefined,
    },
    spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: rfc3339Micro(now) },
  };
}

function stableHex(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
