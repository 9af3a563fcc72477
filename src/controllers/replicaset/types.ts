// The slices of apps/v1 ReplicaSet the controller reads and writes. Objects stay plain JSON (wire form); pods and
// templates share the StatefulSet controller's shapes.
import type { KubeObject } from '../../apimachinery/types.js';
import type { LabelSelector, Pod, PodCondition, PodTemplateSpec } from '../statefulset/types.js';
import type { ReplicaSetCondition } from '../../api/generated/apps-v1.js';
import type { ReplicaSetStatus } from '../../api/generated/apps-v1.js';
export type { ReplicaSetStatus };
export type { ReplicaSetCondition };

export type { LabelSelector, Pod, PodCondition, PodTemplateSpec };

export const RS_API_VERSION = 'apps/v1';
export const RS_KIND = 'ReplicaSet';

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
}

export interface ReplicaSet extends KubeObject {
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** *rs.Spec.Replicas after defaulting (1 when absent). */
export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;
