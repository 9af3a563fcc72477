// The slices of apps/v1 ReplicaSet the controller reads and writes. Objects stay plain JSON (wire form); pods and
// templates share the StatefulSet controller's shapes.
import type { LabelSelector, Pod, PodCondition, PodTemplateSpec } from '../statefulset/types.js';
import type * as apps from '../../api/generated/apps-v1.js';
import type { ReplicaSetSpec } from '../../api/generated/apps-v1.js';
export type { ReplicaSetCondition, ReplicaSetSpec, ReplicaSetStatus } from '../../api/generated/apps-v1.js';

export type { LabelSelector, Pod, PodCondition, PodTemplateSpec };

export const RS_API_VERSION = 'apps/v1';
export const RS_KIND = 'ReplicaSet';

/** apps/v1 ReplicaSet with `spec` required: the API server validates that every ReplicaSet has one. */
export interface ReplicaSet extends apps.ReplicaSet {
  spec: ReplicaSetSpec;
}

/** *rs.Spec.Replicas after defaulting (1 when absent). */
export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;
