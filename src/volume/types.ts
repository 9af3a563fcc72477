// The slices of PersistentVolume, PersistentVolumeClaim, StorageClass and Pod the volume controllers read, and the
// annotation/finalizer names they share with upstream (component-helpers/storage/volume).
import type * as core from '../api/generated/core-v1.js';
import type { Pod } from '../api/core.js';
export type { NodeSelectorRequirement, NodeSelectorTerm, ObjectReference as ClaimRef, Volume as PodVolume } from '../api/generated/core-v1.js';
export type { StorageClass } from '../api/generated/storage-v1.js';

/** core/v1 PersistentVolume with `spec` required: the API server validates that every volume has one. */
export interface PersistentVolume extends core.PersistentVolume {
  spec: core.PersistentVolumeSpec;
}

/** core/v1 PersistentVolumeClaim with `spec` required: the API server validates that every claim has one. */
export interface PersistentVolumeClaim extends core.PersistentVolumeClaim {
  spec: core.PersistentVolumeClaimSpec;
}

/** The pods the volume controllers look at (which claims they use, on which node). */
export type VolumePod = Pod;

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export const CLAIM_PENDING = 'Pending';
export const CLAIM_BOUND = 'Bound';
export const CLAIM_LOST = 'Lost';
export const VOLUME_PENDING = 'Pending';
export const VOLUME_AVAILABLE = 'Available';
export const VOLUME_BOUND = 'Bound';
export const VOLUME_RELEASED = 'Released';
export const VOLUME_FAILED = 'Failed';

export const BINDING_IMMEDIATE = 'Immediate';
export const BINDING_WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer';
