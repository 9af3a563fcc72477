// The slice of apps/v1 StatefulSet the controller reads (Pod, PersistentVolumeClaim and the rest are src/api's
// generated types), plus the transport-facing interfaces the integrator implements. Objects stay plain JSON (wire form).
import type * as apps from '../../api/generated/apps-v1.js';
import type { StatefulSetSpec, StatefulSetStatus } from '../../api/generated/apps-v1.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { ControllerRevision, History } from '../history/controller-history.js';
import type { PersistentVolumeClaim, Pod } from '../../api/generated/core-v1.js';
import type { StatefulSetCaches } from './caches.js';

export type { LabelSelector } from '../../apimachinery/labels.js';
export type { StatefulSetSpec, StatefulSetStatus } from '../../api/generated/apps-v1.js';
export type { PersistentVolumeClaim, Pod, PodCondition, PodSpec, PodTemplateSpec, Volume } from '../../api/generated/core-v1.js';

export type RetentionPolicyType = 'Retain' | 'Delete';

/** apps/v1 StatefulSet with `spec` required: the API server validates that every StatefulSet has one. */
export interface StatefulSet extends apps.StatefulSet {
  spec: StatefulSetSpec;
}

/**
 * Pod and claim operations (upstream's StatefulPodControlObjectManager). Reads may come from an informer cache.
 * Failures must be thrown as ApiError (NotFound on a missing object, AlreadyExists on a create conflict).
 */
export interface StatefulPodObjectManager {
  createPod(pod: Pod): Promise<Pod>;
  getPod(namespace: string, name: string): Promise<Pod>;
  updatePod(pod: Pod): Promise<Pod>;
  deletePod(pod: Pod): Promise<void>;
  createClaim(claim: PersistentVolumeClaim): Promise<PersistentVolumeClaim>;
  getClaim(namespace: string, name: string): Promise<PersistentVolumeClaim>;
  updateClaim(claim: PersistentVolumeClaim): Promise<PersistentVolumeClaim>;
}

/** Writes the status subresource; the whole status is replaced (retrying on conflict is the implementation's job). */
export interface StatusUpdater {
  updateStatefulSetStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void>;
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(object: KubeObject, type: EventType, reason: string, message: string): void;
}

export interface FeatureGates {
  /** MaxUnavailableStatefulSet (alpha in 1.33, off by default). */
  maxUnavailableStatefulSet?: boolean;
}

export interface SyncDeps {
  objects: StatefulPodObjectManager;
  history: History;
  statusUpdater: StatusUpdater;
  recorder: EventRecorder;
  features?: FeatureGates;
  /** Clock for minReadySeconds; defaults to the wall clock. */
  now?: () => Date;
  /** The controller's memory between syncs (caches.ts); without it every pod and template is read afresh. */
  caches?: StatefulSetCaches;
}

export interface SyncResult {
  status: StatefulSetStatus;
  currentRevision: ControllerRevision;
  updateRevision: ControllerRevision;
  /** Set when minReadySeconds needs another look even without a watch event (seconds). */
  requeueAfter?: number;
}
