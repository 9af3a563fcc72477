// The slices of PersistentVolume, PersistentVolumeClaim, StorageClass and Pod the volume controllers read, and the
// annotation/finalizer names they share with upstream (component-helpers/storage/volume).
import type { LabelSelector } from '../apimachinery/labels.js';
import type { KubeObject } from '../apimachinery/types.js';

export interface ClaimRef {
  kind?: string;
  apiVersion?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface NodeSelectorRequirement { key: string; operator: string; values?: string[] }
export interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }

export interface PersistentVolume extends KubeObject {
  spec: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    claimRef?: ClaimRef | null;
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    volumeMode?: string;
    nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
    hostPath?: { path: string; type?: string };
    local?: { path: string };
    nfs?: { server: string; path: string };
    mountOptions?: string[];
    [k: string]: unknown;
  };
  status?: { phase?: string; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export interface PersistentVolumeClaim extends KubeObject {
  spec: {
    accessModes?: string[];
    selector?: LabelSelector | null;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    volumeName?: string;
    storageClassName?: string | null;
    volumeMode?: string;
    dataSource?: unknown;
    [k: string]: unknown;
  };
  status?: {
    phase?: string;
    accessModes?: string[];
    capacity?: Record<string, string>;
    conditions?: unknown[];
    allocatedResources?: Record<string, string>;
    [k: string]: unknown;
  };
}

export interface StorageClass extends KubeObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
}

export interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  ephemeral?: unknown;
}

export interface VolumePod extends KubeObject {
  spec: { nodeName?: string; volumes?: PodVolume[]; [k: string]: unknown };
  status?: { phase?: string; [k: string]: unknown };
}

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
