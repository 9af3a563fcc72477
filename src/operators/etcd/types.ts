// The EtcdCluster custom resource (etcd.database.coreos.com/v1beta2) as etcd-operator v0.9 defines it: the spec
// users write (seed 002's manifest: size + version) and the status the operator reports.
import type { KubeObject } from '../../apimachinery/types.js';
import type { ResourceDescriptor } from '../../client/resources.js';

export const ETCD_GROUP = 'etcd.database.coreos.com';
export const ETCD_VERSION = 'v1beta2';
export const ETCD_API_VERSION = `${ETCD_GROUP}/${ETCD_VERSION}`;
export const ETCD_KIND = 'EtcdCluster';
export const ETCD_PLURAL = 'etcdclusters';
export const ETCD_CRD_NAME = `${ETCD_PLURAL}.${ETCD_GROUP}`;

export const etcdClusters: ResourceDescriptor = { group: ETCD_GROUP, version: ETCD_VERSION, resource: ETCD_PLURAL, kind: ETCD_KIND, namespaced: true };

export const DEFAULT_REPOSITORY = 'quay.io/coreos/etcd';
export const DEFAULT_ETCD_VERSION = '3.2.13';
export const DEFAULT_BUSYBOX_IMAGE = 'busybox:1.28.0-glibc';
export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
/** Pod annotation holding the member's etcd version (etcd-operator's etcdVersionAnnotationKey). */
export const ETCD_VERSION_ANNOTATION = 'etcd.version';
export const TOLERATE_UNREADY_ANNOTATION = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';

export interface PodPolicy {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  antiAffinity?: boolean;
  resources?: Record<string, unknown>;
  tolerations?: Record<string, unknown>[];
  etcdEnv?: Record<string, unknown>[];
  persistentVolumeClaimSpec?: Record<string, unknown>;
  busyboxImage?: string;
  securityContext?: Record<string, unknown>;
  DNSTimeoutInSecond?: number;
  ClusterDomain?: string;
}

export interface EtcdClusterSpec {
  size: number;
  repository?: string;
  version?: string;
  paused?: boolean;
  pod?: PodPolicy;
  TLS?: Record<string, unknown>;
}

export type ClusterPhase = '' | 'Creating' | 'Running' | 'Failed';
/** etcd-operator's four, and VersionMapped: the members run another etcd than spec.version (or none: no image). */
export type ClusterConditionType = 'Available' | 'Recovering' | 'Scaling' | 'Upgrading' | 'VersionMapped';

export interface ClusterCondition {
  type: ClusterConditionType;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface EtcdClusterStatus {
  phase?: ClusterPhase;
  reason?: string;
  controlPaused?: boolean;
  conditions?: ClusterCondition[];
  size?: number;
  serviceName?: string;
  clientPort?: number;
  members?: { ready?: string[]; unready?: string[] };
  currentVersion?: string;
  targetVersion?: string;
  /** The etcd server version the members report (real members only), when the operator could ask them. */
  serverVersion?: string;
  /** True when membership changes went to a simulated etcd API (no etcd process behind the pods). */
  simulated?: boolean;
  /** The most recent simulated membership calls, oldest first. */
  simulatedSteps?: string[];
}

export interface EtcdCluster extends KubeObject {
  spec: EtcdClusterSpec;
  status?: EtcdClusterStatus;
}

/** etcd-operator's SetDefaults: repository and version defaults, a leading "v" trimmed from the version. */
export function withDefaults(spec: EtcdClusterSpec): Required<Pick<EtcdClusterSpec, 'size' | 'repository' | 'version'>> & EtcdClusterSpec {
  const version = (spec.version || DEFAULT_ETCD_VERSION).replace(/^v+/, '');
  return { ...spec, size: spec.size ?? 0, repository: spec.repository || DEFAULT_REPOSITORY, version };
}

/** etcd-operator's ClusterSpec.Validate for the parts without TLS: pod labels must not use reserved keys. */
export function validateSpec(spec: EtcdClusterSpec): string | undefined {
  for (const k of Object.keys(spec.pod?.labels ?? {})) {
    if (k === 'app' || k.startsWith('etcd_')) return 'spec: pod labels contains reserved label';
  }
  return undefined;
}
