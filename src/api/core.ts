// The core/v1 types components read and write (Pod, Node, ConfigMap, Secret and what they hold), one home for them
// below every room (the node agent, the scheduler, controllers, the server). They are the generated types of
// src/api/generated/core-v1.ts (from the type model), under the names Berth's code uses; the few differences are
// Berth's own and say why.
import type * as core from './generated/core-v1.js';

export type {
  Capabilities,
  ConfigMap,
  ConfigMapVolumeSource,
  ContainerPort,
  ContainerState,
  ContainerStateRunning,
  ContainerStateTerminated,
  ContainerStateWaiting,
  ContainerStatus,
  DownwardAPIVolumeFile,
  DownwardAPIVolumeSource,
  EnvFromSource,
  EnvVar,
  EnvVarSource,
  ExecAction,
  GRPCAction,
  HostAlias,
  HTTPGetAction,
  HTTPHeader,
  KeyToPath,
  Lifecycle,
  LifecycleHandler,
  NodeCondition,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  ObjectFieldSelector,
  PodCondition,
  PodDNSConfig,
  PodSecurityContext,
  PodSpec,
  PodStatus,
  Probe,
  ProbeHandler,
  ProjectedVolumeSource,
  ResourceFieldSelector,
  ResourceRequirements,
  Secret,
  SecretVolumeSource,
  SecurityContext,
  ServiceAccountTokenProjection,
  TCPSocketAction,
  Taint,
  Toleration,
  Volume,
  VolumeMount,
  VolumeProjection,
} from './generated/core-v1.js';

/** core/v1 ResourceList (map[ResourceName]resource.Quantity): a quantity is a string on the wire, a number on input. */
export type ResourceList = Record<string, string | number>;

/** core/v1 Container (Berth's code has always called it ContainerSpec, beside ContainerStatus). */
export type ContainerSpec = core.Container;

/** configMapKeyRef / secretKeyRef: the two selectors have the same fields. */
export type KeySelector = core.ConfigMapKeySelector | core.SecretKeySelector;

/**
 * core/v1 Pod, with `spec` required: the API server validates that every pod has one (spec.containers is
 * required), so a pod read from the API has it, and readers need not guard every access.
 */
export interface Pod extends core.Pod {
  spec: core.PodSpec;
}

/** core/v1 Node. */
export type Node = core.Node;

/** podutil.IsPodPhaseTerminal: a pod in Succeeded or Failed never runs again. */
export const isTerminalPhase = (phase: string | undefined) => phase === 'Succeeded' || phase === 'Failed';
