// The slices of apps/v1 ReplicaSet the controller reads and writes. Objects stay plain JSON (wire form); pods and
// templates share the StatefulSet controller's shapes.
import type { KubeObject } from '../../apimachinery/types.js';
import type { LabelSelector, Pod, PodCondition, PodTemplateSpec } from '../statefulset/types.js';

export type { LabelSelector, Pod, PodCondition, PodTemplateSpec };

export const RS_API_VERSION = 'apps/v1';
export const RS_KIND = 'ReplicaSet';

export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
  /** Only with the DeploymentPodReplacementPolicy gate, which is off by default in v1.33. */
  terminatingReplicas?: number;
}

export interface ReplicaSet extends KubeObject {
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** *rs.Spec.Replicas after defaulting (1 when absent). */
export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;
